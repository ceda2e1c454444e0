// The ops a pipeline file or the studio wires into an array workflow: random
// tensors, elementwise functions with a scalar, casts, reductions, and the
// one number of a reduced tensor. Each node works on a whole Tensor (one
// task); inside it runs the same Array, in one chunk, on an InlineExecutor
// (as table.read_csv runs a DataFrame), so a pipeline gets the Array's
// kernels, dtype rules and errors. A random tensor equals the Array of the
// same shape and seed exactly, whatever that Array's chunking.
#include <algorithm>

#include "pipeline/node_ops.h"
#include "pipeline/node_spec.h"
#include "shoal/array.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/op.h"

namespace shoal::detail {
namespace {

using Type = ParamSpec::Type;

// Whole-value ops hold the tensor in memory; beyond this the Array API, in
// chunks, is the tool (and a typo such as [40000, 30000] fails at once).
constexpr std::int64_t kMaxElements = std::int64_t{1} << 31;

Tensor run(const Array& a) {
  InlineExecutor inline_executor;
  return a.compute(inline_executor);
}

// One chunk: the op's task is already the unit of work.
Array array_of(const Tensor& t) {
  Shape chunk = t.shape();
  for (auto& c : chunk)
    c = std::max<std::int64_t>(c, 1);  // a zero-length axis still has a chunk size
  return from_tensor(t, chunk);
}

[[noreturn]] void bad_shape(const char* op, const Value& v, const std::string& why) {
  throw Error(std::string(op) + ": parameter 'shape' " + v.repr() + " " + why +
              "; give a list of positive sizes such as [400, 300]");
}

Shape shape_param(const char* op, const Params& p) {
  const Value& v = p.at("shape");
  if (!v.is_list()) bad_shape(op, v, "is not a list");
  Shape shape;
  std::int64_t elements = 1;
  for (const Value& d : v.as_list()) {
    if (!d.is_int() || d.as_int() < 1)
      bad_shape(op, v, "has a size that is not a positive integer");
    shape.push_back(d.as_int());
    if (d.as_int() > kMaxElements / elements)
      bad_shape(op, v, "has more than 2^31 elements (use the Array API)");
    elements *= d.as_int();
  }
  return shape;
}

std::uint64_t seed_param(const char* op, const Params& p) {
  std::int64_t seed = p.get_or("seed", Value(0)).as_int();
  if (seed < 0)
    throw Error(std::string(op) + ": parameter 'seed' is " + std::to_string(seed) +
                "; give 0 or more");
  return static_cast<std::uint64_t>(seed);
}

Value normal_op(OpContext&, std::span<const Value>, const Params& p) {
  Shape shape = shape_param("tensor.normal", p);
  double mean = p.get_or("mean", Value(0.0)).as_float(),
         std = p.get_or("std", Value(1.0)).as_float();
  if (!(std >= 0))
    throw Error("tensor.normal: parameter 'std' is " + std::to_string(std) + "; give 0 or more");
  return Value(run(random::normal(shape, shape, seed_param("tensor.normal", p), mean, std)));
}

Value uniform_op(OpContext&, std::span<const Value>, const Params& p) {
  Shape shape = shape_param("tensor.uniform", p);
  double low = p.get_or("low", Value(0.0)).as_float(),
         high = p.get_or("high", Value(1.0)).as_float();
  return Value(run(random::uniform(shape, shape, seed_param("tensor.uniform", p), low, high)));
}

[[noreturn]] void bad_axis(const Value& v, const std::string& why) {
  throw Error("tensor.reduce: parameter 'axis' " + v.repr() + " " + why);
}

// The reduced axes: all when `axis` is unset or empty, else those it lists
// (negative ones count from the end), checked against the tensor here so
// that the message names the parameter.
std::vector<int> axis_param(const Params& p, std::size_t ndim, bool arg_reduction) {
  const Value* axis = p.find("axis");
  if (!axis || axis->is_null()) return {};
  if (!axis->is_list()) bad_axis(*axis, "is not a list; give [] for every axis, or e.g. [0]");
  auto n = static_cast<std::int64_t>(ndim);
  std::vector<int> out;
  std::vector<bool> seen(ndim, false);
  for (const Value& a : axis->as_list()) {
    if (!a.is_int() || a.as_int() < -n || a.as_int() >= n) {
      bad_axis(*axis,
               "names an axis a tensor of " + std::to_string(ndim) + " dimensions does not have" +
                   (n ? " (use -" + std::to_string(n) + " .. " + std::to_string(n - 1) + ")" : ""));
    }
    auto d = static_cast<std::size_t>(a.as_int() < 0 ? a.as_int() + n : a.as_int());
    if (seen[d]) bad_axis(*axis, "names axis " + std::to_string(d) + " twice");
    seen[d] = true;
    out.push_back(static_cast<int>(a.as_int()));
  }
  if (arg_reduction && out.size() > 1)
    bad_axis(*axis, "lists several axes; argmin and argmax take one or none");
  return out;
}

Value reduce_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Tensor& x = a[0].as_tensor();
  std::int64_t ddof = p.get_or("ddof", Value(0)).as_int();
  if (ddof < 0)
    throw Error("tensor.reduce: parameter 'ddof' is " + std::to_string(ddof) + "; give 0 or more");
  const std::string& func = p.get_or("func", Value("sum")).as_string();
  Reduce r{.axis = axis_param(p, x.ndim(), func.starts_with("arg")),
           .keepdims = p.get_or("keepdims", Value(false)).as_bool(),
           .ddof = ddof};
  return Value(run(array_of(x).reduce(func, r)));
}

Value scalar_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Value& value = p.at("value");
  if (!value.is_int() && !value.is_float() && !value.is_bool()) {
    throw Error("tensor.scalar_op: parameter 'value' is " + value.repr() + "; give a number");
  }
  return Value(run(
      elementwise(p.get_or("fn", Value("add")).as_string(), {array_of(a[0].as_tensor()), value})));
}

Value unary_op(OpContext&, std::span<const Value> a, const Params& p) {
  return Value(
      run(elementwise(p.get_or("fn", Value("abs")).as_string(), {array_of(a[0].as_tensor())})));
}

DType dtype_param(const Params& p) {
  const std::string& name = p.get_or("dtype", Value("float64")).as_string();
  for (DType d : {DType::kFloat64, DType::kFloat32, DType::kInt64, DType::kBool})
    if (dtype_name(d) == name) return d;
  throw Error("tensor.astype: parameter 'dtype' is '" + name +
              "'; give float64, float32, int64 or bool");
}

Value astype_op(OpContext&, std::span<const Value> a, const Params& p) {
  return Value(run(array_of(a[0].as_tensor()).astype(dtype_param(p))));
}

Value item_op(OpContext&, std::span<const Value> a, const Params&) {
  const Tensor& t = a[0].as_tensor();
  if (t.size() != 1) {
    throw Error("tensor.item: the tensor has " + std::to_string(t.size()) +
                " elements, not 1; reduce it first (tensor.reduce without an axis)");
  }
  switch (t.dtype()) {
    case DType::kFloat64:
      return Value(t.values<double>()[0]);
    case DType::kFloat32:
      return Value(static_cast<double>(t.values<float>()[0]));
    case DType::kInt64:
      return Value(t.values<std::int64_t>()[0]);
    case DType::kBool:
      return Value(t.values<std::uint8_t>()[0] != 0);
  }
  throw Error("tensor.item: unknown dtype");
}

std::vector<ParamSpec> random_params(const char* a, const char* a_doc, double a_value,
                                     const char* b, const char* b_doc, double b_value,
                                     std::optional<double> b_min) {
  return {param("shape", Type::kList, "Sizes per axis, e.g. [400, 300].", {}, true),
          ranged(param("seed", Type::kInt, "The same seed gives the same numbers.", Value(0)), 0),
          param(a, Type::kFloat, a_doc, Value(a_value)),
          ranged(param(b, Type::kFloat, b_doc, Value(b_value)), b_min)};
}

}  // namespace

void register_tensor_nodes(OpRegistry& r) {
  const PortSpec x{"x", "tensor", "The tensor."};
  r.add(whole_value_op(
      "tensor.normal", "Tensor",
      "Normally distributed float64 numbers of `shape`: the same as shoal::random::normal with "
      "this seed, whatever its chunks.",
      {}, "tensor",
      random_params("mean", "The distribution's mean.", 0, "std", "Its standard deviation.", 1, 0),
      normal_op));
  r.add(whole_value_op(
      "tensor.uniform", "Tensor",
      "Uniform float64 numbers in [low, high) of `shape`: the same as shoal::random::uniform "
      "with this seed.",
      {}, "tensor",
      random_params("low", "The smallest value.", 0, "high", "The bound above.", 1, {}),
      uniform_op));
  r.add(whole_value_op(
      "tensor.reduce", "Tensor",
      "The reduction `func` over every axis, or over `axis`; dtypes as NumPy's.", {x}, "tensor",
      {choice("func", "The reduction.",
              {"sum", "mean", "min", "max", "var", "std", "argmin", "argmax"}, "sum"),
       param("axis", Type::kList,
             "The axes to reduce, e.g. [0] (negative ones count from the end); [] or unset: all. "
             "argmin and argmax take one at most."),
       param("keepdims", Type::kBool, "Keep reduced axes with size 1.", Value(false)),
       ranged(param("ddof", Type::kInt, "var/std divide by n - ddof.", Value(0)), 0)},
      reduce_op));
  r.add(whole_value_op(
      "tensor.scalar_op", "Tensor",
      "x `fn` value elementwise (e.g. gt 12 gives a bool tensor of x > 12).", {x}, "tensor",
      {choice("fn", "The function.",
              {"add", "sub", "mul", "div", "pow", "lt", "le", "gt", "ge", "eq", "ne"}, "add"),
       param("value", Type::kFloat, "The scalar (an integer keeps int64 tensors int64).", {},
             true)},
      scalar_op));
  r.add(whole_value_op(
      "tensor.unary", "Tensor", "`fn` of each element.", {x}, "tensor",
      {choice("fn", "The function.", {"abs", "neg", "exp", "log", "sqrt", "sin", "cos"}, "abs")},
      unary_op));
  r.add(whole_value_op(
      "tensor.astype", "Tensor", "The elements converted to `dtype` (bool to 0/1).", {x}, "tensor",
      {choice("dtype", "The element type.", {"float64", "float32", "int64", "bool"}, "float64")},
      astype_op));
  r.add(whole_value_op(
      "tensor.item", "Tensor",
      "The element of a one-element tensor (a reduction's result) as a number or bool.", {x}, "any",
      {}, item_op));
}

}  // namespace shoal::detail
