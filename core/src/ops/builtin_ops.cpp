// Small generic ops: the scaffolding of graphs (identity, list, getitem) and
// the arithmetic that examples, tests and benchmarks use.
#include "ops/builtin_ops.h"

#include <chrono>
#include <thread>

#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal::detail {
namespace {

const Value& arg(std::span<const Value> args, std::size_t i, const char* op) {
  if (i >= args.size()) {
    throw Error(std::string(op) + ": expected at least " + std::to_string(i + 1) +
                " arguments, got " + std::to_string(args.size()));
  }
  return args[i];
}

// Adds numbers, staying in int64 while every operand is an int64.
Value add_all(std::span<const Value> items) {
  std::int64_t isum = 0;
  double fsum = 0;
  bool is_float = false;
  for (const Value& v : items) {
    if (v.is_list()) {
      Value inner = add_all(v.as_list());
      if (inner.is_int()) {
        isum += inner.as_int();
      } else {
        fsum += inner.as_float();
        is_float = true;
      }
    } else if (v.is_int()) {
      isum += v.as_int();
    } else {
      fsum += v.as_float();  // throws TypeError for non-numbers
      is_float = true;
    }
  }
  return is_float ? Value(fsum + static_cast<double>(isum)) : Value(isum);
}

Op make(std::string name, std::string doc, std::vector<PortSpec> inputs, OpFunction fn,
        std::string group = "General") {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = std::move(group);
  op.inputs = std::move(inputs);
  op.fn = std::move(fn);
  return op;
}

// identity is plumbing that collections and lowering insert; palettes do not
// offer it. getitem is plumbing too, but also a node users wire by hand.
Op internal(Op op) {
  op.internal = true;
  return op;
}

}  // namespace

void register_builtin_ops(OpRegistry& r) {
  r.add(internal(make(
      "identity", "Returns its input unchanged.", {{"x"}},
      [](OpContext&, std::span<const Value> a, const Params&) { return arg(a, 0, "identity"); })));
  r.add(make("list", "Packs its inputs into a list.", {{"items", "any", "", false, true}},
             [](OpContext&, std::span<const Value> a, const Params&) {
               return Value(List(a.begin(), a.end()));
             }));
  r.add(make("getitem", "Item `index` of a list.", {{"list", "list"}},
             [](OpContext&, std::span<const Value> a, const Params& p) {
               const List& l = arg(a, 0, "getitem").as_list();
               std::int64_t i = p.at("index").as_int();
               if (i < 0) i += static_cast<std::int64_t>(l.size());
               if (i < 0 || i >= static_cast<std::int64_t>(l.size())) {
                 throw Error("getitem: index " + std::to_string(i) +
                             " out of range for a list of " + std::to_string(l.size()));
               }
               return l[static_cast<std::size_t>(i)];
             }));
  r.add(make(
      "inc", "x + 1.", {{"x", "number"}},
      [](OpContext&, std::span<const Value> a, const Params&) {
        const Value& x = arg(a, 0, "inc");
        return x.is_int() ? Value(x.as_int() + 1) : Value(x.as_float() + 1);
      },
      "Arithmetic"));
  r.add(make(
      "add", "x + y.", {{"x", "number"}, {"y", "number"}},
      [](OpContext&, std::span<const Value> a, const Params&) { return add_all(a.first(2)); },
      "Arithmetic"));
  r.add(make(
      "mul", "x * y.", {{"x", "number"}, {"y", "number"}},
      [](OpContext&, std::span<const Value> a, const Params&) {
        const Value &x = arg(a, 0, "mul"), &y = arg(a, 1, "mul");
        if (x.is_int() && y.is_int()) return Value(x.as_int() * y.as_int());
        return Value(x.as_float() * y.as_float());
      },
      "Arithmetic"));
  r.add(make(
      "sum", "The sum of its inputs (numbers, or lists of numbers).",
      {{"items", "any", "", false, true}},
      [](OpContext&, std::span<const Value> a, const Params&) { return add_all(a); },
      "Arithmetic"));
  r.add(make("sleep", "Waits `ms` milliseconds, then returns its input (for tests and demos).",
             {{"x", "any", "", false}}, [](OpContext&, std::span<const Value> a, const Params& p) {
               std::this_thread::sleep_for(
                   std::chrono::milliseconds(p.get_or("ms", Value(0)).as_int()));
               return a.empty() ? Value() : a[0];
             }));
}

}  // namespace shoal::detail
