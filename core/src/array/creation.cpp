// Array creation: constants, ranges, random numbers and in-memory tensors.
// Each chunk's task carries its own offset and shape as literal arguments,
// so the op needs nothing but its parameters to produce the chunk.
#include <cmath>

#include "array/internal.h"

namespace shoal {
namespace {

Chunks chunks_for(const Shape& shape, const Shape& chunk_shape, const std::string& where) {
  if (chunk_shape.size() != shape.size()) {
    throw Error(where + ": chunk shape " + detail::shape_str(chunk_shape) +
                " has not the rank of shape " + detail::shape_str(shape) +
                "; give one chunk size per axis");
  }
  Chunks out;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] < 0)
      throw Error(where + ": negative dimension in shape " + detail::shape_str(shape));
    out.push_back(uniform_chunks(shape[d], chunk_shape[d]));
  }
  return out;
}

}  // namespace

std::vector<std::vector<Arg>> detail::chunk_args(const Chunks& chunks) {
  Shape nb = detail::numblocks_of(chunks);
  std::vector<std::vector<std::int64_t>> offs;
  for (const auto& c : chunks) offs.push_back(detail::offsets(c));
  std::vector<std::vector<Arg>> args;
  for (std::size_t i = 0; i < detail::grid_size(nb); ++i) {
    Shape idx = detail::grid_index(i, nb), off, shape;
    for (std::size_t d = 0; d < idx.size(); ++d)
      off.push_back(offs[d][idx[d]]), shape.push_back(chunks[d][idx[d]]);
    args.push_back({Arg(Value(detail::shape_list(off))), Arg(Value(detail::shape_list(shape)))});
  }
  return args;
}

namespace {
using detail::chunk_args;

Value dtype_value(DType d) {
  return Value(std::string(dtype_name(d)));
}

Array source(std::string_view name, const std::string& op, Params params, Chunks chunks,
             DType dtype) {
  auto args = chunk_args(chunks);
  return detail::layer_array({}, name, op, std::move(params), dtype, std::move(args),
                             std::move(chunks));
}

}  // namespace

Array full(const Shape& shape, const Shape& chunk_shape, Value value, DType dtype) {
  if (!value.is_number() && !value.is_bool())
    throw Error("full: the fill value must be a number or bool, not " + value.repr());
  return source("full", "array.full", Params{{"value", value}, {"dtype", dtype_value(dtype)}},
                chunks_for(shape, chunk_shape, "full"), dtype);
}
Array zeros(const Shape& shape, const Shape& chunk_shape, DType dtype) {
  return full(shape, chunk_shape, Value(0), dtype);
}
Array ones(const Shape& shape, const Shape& chunk_shape, DType dtype) {
  return full(shape, chunk_shape, Value(1), dtype);
}

Array arange(double start, double stop, double step, std::int64_t chunk, DType dtype) {
  if (step == 0) throw Error("arange: step must not be 0");
  auto n = static_cast<std::int64_t>(std::max(0.0, std::ceil((stop - start) / step)));
  return source(
      "arange", "array.range",
      Params{{"start", Value(start)}, {"step", Value(step)}, {"dtype", dtype_value(dtype)}},
      {uniform_chunks(n, chunk)}, dtype);
}

Array linspace(double start, double stop, std::int64_t num, std::int64_t chunk) {
  if (num < 0) throw Error("linspace: num must not be negative, got " + std::to_string(num));
  double step = num > 1 ? (stop - start) / static_cast<double>(num - 1) : 0.0;
  // NumPy sets the last element to stop exactly; the op does the same.
  return source("linspace", "array.range",
                Params{{"start", Value(start)},
                       {"step", Value(step)},
                       {"dtype", dtype_value(DType::kFloat64)},
                       {"last", Value(num - 1)},
                       {"stop", Value(stop)}},
                {uniform_chunks(num, chunk)}, DType::kFloat64);
}

Array from_tensor(const Tensor& t, const Shape& chunk_shape) {
  return from_tensor(t, chunks_for(t.shape(), chunk_shape, "from_tensor"));
}

Array from_tensor(const Tensor& t, Chunks chunks) {
  Value whole(t);
  Key holder("tensor-" + tokenize(whole));
  auto g = std::make_shared<Graph>();
  g->add(Task{holder, OpRegistry::global().get("identity"), {Arg(whole)}, nullptr, nullptr});
  Array base({g}, {holder}, {}, t.dtype());
  if (chunks.size() != t.ndim())
    throw Error("from_tensor: chunks have not the tensor's rank " + std::to_string(t.ndim()));
  std::vector<std::vector<Arg>> args;
  for (auto& a : chunk_args(chunks)) args.push_back({Arg(holder), a[0], a[1]});
  return detail::layer_array({&base}, "from-tensor", "array.block", {}, t.dtype(), std::move(args),
                             std::move(chunks));
}

namespace random {
namespace {
Array random(const char* dist, const Shape& shape, const Shape& chunk_shape, std::uint64_t seed,
             double a, double b) {
  return source(std::string("random-") + dist, "array.random",
                Params{{"dist", Value(dist)},
                       {"seed", Value(static_cast<std::int64_t>(seed))},
                       {"a", Value(a)},
                       {"b", Value(b)},
                       {"shape", Value(detail::shape_list(shape))}},
                chunks_for(shape, chunk_shape, std::string("random::") + dist), DType::kFloat64);
}
}  // namespace

Array uniform(const Shape& shape, const Shape& chunk_shape, std::uint64_t seed, double low,
              double high) {
  return random("uniform", shape, chunk_shape, seed, low, high);
}
Array normal(const Shape& shape, const Shape& chunk_shape, std::uint64_t seed, double mean,
             double stddev) {
  return random("normal", shape, chunk_shape, seed, mean, stddev);
}
}  // namespace random

}  // namespace shoal
