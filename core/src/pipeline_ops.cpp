// The op pipelines start from: `value`, a constant given as a parameter.
// Registered in the global registry when the library loads, beside the
// built-in ops (and left alone if a build-in of that name appears).
#include "shoal/op.h"

namespace shoal {
namespace {

Op value_op() {
  Op op;
  op.name = "value";
  op.doc = "A constant: returns its `value` parameter (a number, string, bool or list).";
  op.group = "Sources";
  ParamSpec value;
  value.name = "value";
  value.required = true;
  value.doc = "The value to return.";
  op.params.push_back(std::move(value));
  op.fn = [](OpContext&, std::span<const Value>, const Params& p) { return p.at("value"); };
  return op;
}

[[maybe_unused]] const bool kRegistered = [] {
  OpRegistry& r = OpRegistry::global();
  if (!r.find("value")) r.add(value_op());
  return true;
}();

}  // namespace
}  // namespace shoal
