// The nodes a pipeline file or the studio wires into an array workflow:
// random arrays in chunks, elementwise functions, casts, rechunking,
// reductions, and the one number of a reduced array. Each lowers by calling
// the Array function it names, so the graph is the one the C++ program
// builds, blockwise fusion included; a random array equals the Array of the
// same shape and seed exactly, whatever its chunking.
#include <algorithm>

#include "graph/collection_graph.h"
#include "pipeline/node_ops.h"
#include "pipeline/node_spec.h"
#include "shoal/array.h"
#include "shoal/error.h"
#include "shoal/pipeline.h"

namespace shoal::detail {
namespace {

using Type = ParamSpec::Type;
constexpr const char* kIn = "x";
// Automatic chunks hold at most this many elements (128 MiB of float64).
constexpr std::int64_t kAutoChunkElements = std::int64_t{1} << 24;
// This many elements (8 TiB of float64) or more is a typo such as [1e6, 1e6].
constexpr std::int64_t kMaxElements = std::int64_t{1} << 40;

Shape sizes_param(const NodeLowering& n, const char* name, const char* example) {
  const Value& v = n.params().at(name);
  if (!v.is_list()) n.fail(name, v.repr() + " is not a list; give e.g. " + std::string(example));
  Shape out;
  std::int64_t elements = 1;
  for (const Value& d : v.as_list()) {
    if (!d.is_int() || d.as_int() < 1)
      n.fail(name, v.repr() + " has a size that is not a positive integer; give e.g. " + example);
    if (d.as_int() > (kMaxElements - 1) / elements)
      n.fail(name, v.repr() + " has 2^40 elements or more");
    elements *= d.as_int();
    out.push_back(d.as_int());
  }
  return out;
}

// `chunks` when set (one size per axis), else halves of the leading axes
// until a chunk holds at most kAutoChunkElements.
Shape chunk_param(const NodeLowering& n, const Shape& shape) {
  const Value* v = n.params().find("chunks");
  if (v && !v->is_null() && !v->as_list().empty()) {
    Shape c = sizes_param(n, "chunks", "[100, 300]");
    if (c.size() != shape.size())
      n.fail("chunks", "gives " + std::to_string(c.size()) + " sizes for " +
                           std::to_string(shape.size()) + " axes");
    return c;
  }
  Shape c = shape;
  auto elements = [&] {
    std::int64_t e = 1;
    for (auto x : c) e *= x;
    return e;
  };
  for (std::size_t d = 0; d < c.size() && elements() > kAutoChunkElements; ++d) {
    while (c[d] > 1 && elements() > kAutoChunkElements) c[d] = (c[d] + 1) / 2;
  }
  return c;
}

std::uint64_t seed_param(const NodeLowering& n) {
  return static_cast<std::uint64_t>(n.params().at("seed").as_int());
}

void normal_node(NodeLowering& n) {
  Shape shape = sizes_param(n, "shape", "[400, 300]");
  n.set_output(random::normal(shape, chunk_param(n, shape), seed_param(n),
                              n.params().at("mean").as_float(), n.params().at("std").as_float()));
}

void uniform_node(NodeLowering& n) {
  Shape shape = sizes_param(n, "shape", "[400, 300]");
  n.set_output(random::uniform(shape, chunk_param(n, shape), seed_param(n),
                               n.params().at("low").as_float(), n.params().at("high").as_float()));
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

void reduce_node(NodeLowering& n) {
  const Array& x = n.array(kIn);
  const std::string& func = n.params().at("func").as_string();
  Reduce r{.axis = axis_param(n.params(), x.ndim(), func.starts_with("arg")),
           .keepdims = n.params().at("keepdims").as_bool(),
           .ddof = n.params().at("ddof").as_int()};
  n.set_output(x.reduce(func, r));
}

void scalar_node(NodeLowering& n) {
  const Value& value = n.params().at("value");
  if (!value.is_number() && !value.is_bool()) n.fail("value", value.repr() + " is not a number");
  n.set_output(elementwise(n.params().at("fn").as_string(), {n.array(kIn), value}));
}

DType dtype_param(const NodeLowering& n) {
  const std::string& name = n.params().at("dtype").as_string();
  for (DType d : {DType::kFloat64, DType::kFloat32, DType::kInt64, DType::kBool})
    if (dtype_name(d) == name) return d;
  n.fail("dtype", "'" + name + "' is not float64, float32, int64 or bool");
}

void item_node(NodeLowering& n) {
  const Array& x = n.array(kIn);
  if (x.size() != 1)
    n.fail({}, "the array has " + std::to_string(x.size()) +
                   " elements, not 1; reduce it first (tensor.reduce without an axis)");
  LazyValue one = n.value(kIn);  // the array in one chunk
  Key key("item-" + tokenize(one.key));
  auto g = std::make_shared<Graph>();
  g->add(make_task(key, "array.item", {Arg(one.key)}, nullptr));
  one.layers.push_back(std::move(g));
  n.set_output(LazyValue{std::move(one.layers), key});
}

std::vector<ParamSpec> random_params(const char* a, const char* a_doc, double a_value,
                                     const char* b, const char* b_doc, double b_value,
                                     std::optional<double> b_min) {
  return {param("shape", Type::kList, "Sizes per axis, e.g. [400, 300].", {}, true),
          param("chunks", Type::kList,
                "Chunk sizes per axis, e.g. [100, 300]; unset: chunks of at most 2^24 elements."),
          ranged(param("seed", Type::kInt, "The same seed gives the same numbers.", Value(0)), 0),
          param(a, Type::kFloat, a_doc, Value(a_value)),
          ranged(param(b, Type::kFloat, b_doc, Value(b_value)), b_min)};
}

Op tensor_node(std::string name, std::string doc, std::vector<PortSpec> inputs,
               std::vector<ParamSpec> params, NodeLoweringFunction lower,
               std::string out_type = "array") {
  return node_op(std::move(name), "Tensor", std::move(doc), std::move(inputs), std::move(out_type),
                 std::move(params), std::move(lower));
}

void register_elementwise(OpRegistry& r) {
  const PortSpec x{kIn, "array", "The array."};
  r.add(tensor_node(
      "tensor.scalar_op", "x `fn` value elementwise (e.g. gt 12 gives a bool array of x > 12).",
      {x},
      {choice("fn", "The function.",
              {"add", "sub", "mul", "div", "pow", "lt", "le", "gt", "ge", "eq", "ne"}, "add"),
       param("value", Type::kFloat, "The scalar (an integer keeps int64 arrays int64).", {}, true)},
      scalar_node));
  r.add(tensor_node(
      "tensor.binary", "x `fn` y elementwise, NumPy broadcasting.",
      {x, PortSpec{"y", "array", "The other array."}},
      {choice("fn", "The function.",
              {"add", "sub", "mul", "div", "pow", "lt", "le", "gt", "ge", "eq", "ne"}, "add")},
      [](NodeLowering& n) {
        n.set_output(elementwise(n.params().at("fn").as_string(), {n.array(kIn), n.array("y")}));
      }));
  r.add(tensor_node(
      "tensor.unary", "`fn` of each element.", {x},
      {choice("fn", "The function.", {"abs", "neg", "exp", "log", "sqrt", "sin", "cos"}, "abs")},
      [](NodeLowering& n) {
        n.set_output(elementwise(n.params().at("fn").as_string(), {n.array(kIn)}));
      }));
  r.add(tensor_node(
      "tensor.astype", "The elements converted to `dtype` (bool to 0/1).", {x},
      {choice("dtype", "The element type.", {"float64", "float32", "int64", "bool"}, "float64")},
      [](NodeLowering& n) { n.set_output(n.array(kIn).astype(dtype_param(n))); }));
  r.add(tensor_node(
      "tensor.rechunk", "The same values in chunks of `chunks` sizes per axis.", {x},
      {param("chunks", Type::kList, "Chunk sizes per axis, e.g. [1000, 1000].", {}, true)},
      [](NodeLowering& n) {
        const Array& a = n.array(kIn);
        n.set_output(a.rechunk(chunk_param(n, a.shape())));
      }));
}

}  // namespace

void register_tensor_nodes(OpRegistry& r) {
  const PortSpec x{kIn, "array", "The array."};
  r.add(tensor_node(
      "tensor.normal",
      "Normally distributed float64 numbers of `shape`, in chunks: shoal::random::normal with "
      "this seed (the same numbers whatever the chunks).",
      {},
      random_params("mean", "The distribution's mean.", 0, "std", "Its standard deviation.", 1, 0),
      normal_node));
  r.add(tensor_node(
      "tensor.uniform",
      "Uniform float64 numbers in [low, high) of `shape`, in chunks: shoal::random::uniform with "
      "this seed.",
      {}, random_params("low", "The smallest value.", 0, "high", "The bound above.", 1, {}),
      uniform_node));
  register_elementwise(r);
  r.add(tensor_node(
      "tensor.reduce", "The reduction `func` over every axis, or over `axis`; dtypes as NumPy's.",
      {x},
      {choice("func", "The reduction.",
              {"sum", "mean", "min", "max", "var", "std", "argmin", "argmax"}, "sum"),
       param("axis", Type::kList,
             "The axes to reduce, e.g. [0] (negative ones count from the end); [] or unset: all. "
             "argmin and argmax take one at most."),
       param("keepdims", Type::kBool, "Keep reduced axes with size 1.", Value(false)),
       ranged(param("ddof", Type::kInt, "var/std divide by n - ddof.", Value(0)), 0)},
      reduce_node));
  r.add(
      tensor_node("tensor.item",
                  "The element of a one-element array (a reduction's result) as a number or bool.",
                  {x}, {}, item_node, "any"));
}

}  // namespace shoal::detail
