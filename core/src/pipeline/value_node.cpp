// The op pipelines start from: `value`, a constant given as a parameter.
#include "pipeline/node_ops.h"
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

}  // namespace

namespace detail {

void register_value_node(OpRegistry& r) {
  r.add(value_op());
}

}  // namespace detail
}  // namespace shoal
