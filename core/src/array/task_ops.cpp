// The ops of Array graphs. Each takes chunks (Tensors) as arguments, its
// per-chunk geometry as literal arguments and everything else as
// parameters — data, so that graphs travel by name to any worker.
#include "array/task_ops.h"

#include <cmath>

#include "array/fusion.h"
#include "array/internal.h"
#include "array/kernels.h"
#include "array/visit.h"

namespace shoal::detail {
namespace {

DType dtype_of(const std::string& name) {
  for (DType d : {DType::kFloat64, DType::kFloat32, DType::kInt64, DType::kBool})
    if (dtype_name(d) == name) return d;
  throw Error("array: unknown dtype '" + name + "' (float64, float32, int64, bool)");
}

std::vector<bool> bools_of(const Value& v) {
  std::vector<bool> out;
  for (const Value& b : v.as_list()) out.push_back(b.as_bool());
  return out;
}

std::int64_t count_of(const Shape& s) {
  std::int64_t n = 1;
  for (std::int64_t d : s) n *= d;
  return n;
}

Op array_op(std::string name, std::string doc, std::vector<PortSpec> inputs, OpFunction fn) {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = "Array";
  op.internal = true;
  op.inputs = std::move(inputs);
  op.outputs = {PortSpec{"out", "tensor"}};
  op.fn = std::move(fn);
  return op;
}

Value full_op(OpContext&, std::span<const Value> a, const Params& p) {
  Shape shape = shape_of(a[1]);
  const Value& v = p.at("value");
  Tensor one =
      cast(Tensor({}, std::vector<double>{v.is_bool() ? double(v.as_bool()) : v.as_float()}),
           dtype_of(p.at("dtype").as_string()));
  return visit_dtype(one.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return Value(Tensor(
        shape, std::vector<T>(static_cast<std::size_t>(count_of(shape)), one.values<T>()[0])));
  });
}

Value range_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::int64_t off = a[0].as_list().at(0).as_int(), n = a[1].as_list().at(0).as_int();
  double start = p.at("start").as_float(), step = p.at("step").as_float();
  std::int64_t last = p.get_or("last", Value(-1)).as_int();
  std::vector<double> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t g = off + i;
    out[static_cast<std::size_t>(i)] =
        g == last ? p.at("stop").as_float() : start + static_cast<double>(g) * step;
  }
  return Value(cast(Tensor({n}, std::move(out)), dtype_of(p.at("dtype").as_string())));
}

Value random_op(OpContext&, std::span<const Value> a, const Params& p) {
  return Value(
      random_block(p.at("dist").as_string(), static_cast<std::uint64_t>(p.at("seed").as_int()),
                   p.at("a").as_float(), p.at("b").as_float(), shape_of(p.at("shape")),
                   shape_of(p.get_or("axes", Value(List{}))), shape_of(a[0]), shape_of(a[1])));
}

Value block_op(OpContext&, std::span<const Value> a, const Params&) {
  Shape start = shape_of(a[1]), count = shape_of(a[2]);
  return Value(slice(a[0].as_tensor(), start, Shape(start.size(), 1), count,
                     std::vector<bool>(start.size(), false)));
}

Value getitem_op(OpContext&, std::span<const Value> a, const Params&) {
  return Value(
      slice(a[0].as_tensor(), shape_of(a[1]), shape_of(a[2]), shape_of(a[3]), bools_of(a[4])));
}

Value partial_op(OpContext&, std::span<const Value> a, const Params& p) {
  ReduceSpec spec{p.at("func").as_string(), bools_of(p.at("reduced")), shape_of(a[1]),
                  shape_of(p.at("shape"))};
  return reduce_partial(a[0].as_tensor(), spec);
}

Value finalize_op(OpContext&, std::span<const Value> a, const Params& p) {
  const std::string& func = p.at("func").as_string();
  // A single partial may come uncombined.
  return Value(reduce_finalize(func, a[0], dtype_of(p.at("dtype").as_string()),
                               bools_of(p.at("reduced")), p.at("keepdims").as_bool(),
                               p.at("ddof").as_int()));
}

/// Args: the output shape, then a list of [tensor, src_start, dst_start, extent].
Value rechunk_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::vector<Piece> pieces;
  for (const Value& piece : a[1].as_list()) {
    const List& l = piece.as_list();
    pieces.push_back(
        {&l.at(0).as_tensor(), shape_of(l.at(1)), shape_of(l.at(2)), shape_of(l.at(3))});
  }
  return Value(assemble(dtype_of(p.at("dtype").as_string()), shape_of(a[0]), pieces));
}

Value matmul_op(OpContext&, std::span<const Value> a, const Params&) {
  std::vector<const Tensor*> x, y;
  for (const Value& v : a[0].as_list()) x.push_back(&v.as_tensor());
  for (const Value& v : a[1].as_list()) y.push_back(&v.as_tensor());
  return Value(matmul_sum(x, y));
}

Value item_op(OpContext&, std::span<const Value> a, const Params&) {
  const Tensor& t = a[0].as_tensor();
  if (t.size() != 1) {
    throw Error("array.item: the chunk has " + std::to_string(t.size()) +
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
  throw Error("array.item: unknown dtype");
}

}  // namespace

void register_array_ops(OpRegistry& r) {
  PortSpec chunk{"chunk", "tensor"}, off{"offset", "list"}, shape{"shape", "list"};
  r.add(array_op("array.item", "The element of a one-element chunk as a number or bool.", {chunk},
                 item_op));
  r.add(array_op("array.full", "A chunk of `shape` filled with `value` as `dtype`.", {off, shape},
                 full_op));
  r.add(array_op("array.range",
                 "Elements start + i * step for the chunk's global indices i (`last` is `stop`).",
                 {off, shape}, range_op));
  r.add(array_op("array.random",
                 "Counter-based random numbers (`dist` uniform or normal, `seed`, `a`, `b`, "
                 "global `shape`, optional transpose `axes`): the same whatever the chunking.",
                 {off, shape}, random_op));
  r.add(array_op("array.block", "The box at offset of the given shape of a tensor.",
                 {{"tensor", "tensor"}, off, shape}, block_op));
  r.add(array_op("array.getitem",
                 "chunk[start::step] of count elements per axis; flagged axes dropped.",
                 {chunk, {"start", "list"}, {"step", "list"}, {"count", "list"}, {"drop", "list"}},
                 getitem_op));
  r.add(array_op("array.elementwise", "`fn` of tensors and scalars, NumPy broadcasting.",
                 {{"operands", "any", "", true, true}},
                 [](OpContext&, std::span<const Value> a, const Params& p) {
                   return Value(elementwise(p.at("fn").as_string(), a));
                 }));
  r.add(array_op("array.reduce_partial", "The partial of reduction `func` of one chunk.",
                 {chunk, off}, partial_op));
  r.add(array_op("array.reduce_combine", "Partials of reduction `func` combined.",
                 {{"partials", "list"}}, [](OpContext&, std::span<const Value> a, const Params& p) {
                   return reduce_combine(p.at("func").as_string(), a[0].as_list());
                 }));
  r.add(array_op("array.reduce_finalize", "The result chunk of a combined partial.",
                 {{"partial", "list"}}, finalize_op));
  r.add(array_op("array.astype", "The chunk converted to `dtype`.", {chunk},
                 [](OpContext&, std::span<const Value> a, const Params& p) {
                   return Value(cast(a[0].as_tensor(), dtype_of(p.at("dtype").as_string())));
                 }));
  r.add(array_op("array.transpose", "The chunk with axes permuted as `axes`.", {chunk},
                 [](OpContext&, std::span<const Value> a, const Params& p) {
                   return Value(transpose(a[0].as_tensor(), shape_of(p.at("axes"))));
                 }));
  r.add(array_op("array.reshape", "The chunk's elements in `shape`.", {chunk, shape},
                 [](OpContext&, std::span<const Value> a, const Params&) {
                   return Value(reshape(a[0].as_tensor(), shape_of(a[1])));
                 }));
  r.add(array_op("array.rechunk", "A chunk assembled from boxes of other chunks.",
                 {shape, {"pieces", "list"}}, rechunk_op));
  r.add(array_op(
      "array.fused",
      "A chunk, or the sum/mean partial of one, made by a `program` of random chunks, "
      "elementwise functions and inputs, a tile at a time (blockwise fusion; see "
      "docs/architecture.md).",
      {{"operands", "any", "", true, true}},
      [](OpContext&, std::span<const Value> a, const Params& p) { return run_fused(a, p); }));
  r.add(array_op("array.matmul", "Σ a_k @ b_k over lists of 2-d blocks.",
                 {{"a", "list"}, {"b", "list"}}, matmul_op));
}

}  // namespace shoal::detail
