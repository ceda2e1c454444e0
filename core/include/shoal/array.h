// Array: a lazy N-d array split into a grid of chunks — a task graph with one
// output key per chunk (one Tensor each), plus shape, chunks and dtype.
//
//   auto x = shoal::random::uniform({20000, 20000}, {2000, 2000}, /*seed=*/42);
//   shoal::Tensor m = (x + x.T()).mean(0).sum().compute();
//
// `chunks` are per-axis chunk sizes, as Dask's tuple of tuples: shape
// (10, 7) in chunks {{4, 4, 2}, {7}}. Chunk (i, j) has key
// `Key::with_index({i, j})` of its layer. Every method returns a new Array
// that shares its parent's graph and adds tasks naming registered ops
// ("array.elementwise", "array.reduce_partial", ...) with parameters as
// Values, so the graph runs on any executor, remote workers included.
// Reductions run as trees: a partial per chunk, combines of `split_every`
// partials, one finalize per output chunk.
//
// Errors (shape mismatch, axis out of range, ...) throw shoal::Error naming
// the method and what to change. An Array is immutable and may be shared
// between threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "shoal/executor.h"
#include "shoal/graph.h"
#include "shoal/params.h"
#include "shoal/tensor.h"
#include "shoal/value.h"

namespace shoal {

using Shape = std::vector<std::int64_t>;
/// Per-axis chunk sizes.
using Chunks = std::vector<std::vector<std::int64_t>>;

/// Python's start:stop:step; absent bounds mean "from the end in the
/// direction of step", negative bounds count from the end.
struct Slice {
  std::optional<std::int64_t> start, stop;
  std::int64_t step = 1;
};

/// One entry of an index: an integer (drops the axis) or a Slice.
struct Index {
  Index(std::int64_t i) : integer(i) {}  // NOLINT: x[{1, Slice{}}] reads well
  Index(int i) : integer(i) {}           // NOLINT
  Index(Slice s) : slice(s) {}           // NOLINT
  std::optional<std::int64_t> integer;
  Slice slice;
};

/// Options of a reduction. An empty `axis` reduces every axis (NumPy's
/// axis=None); argmin/argmax take no axis or exactly one.
struct Reduce {
  std::vector<int> axis;
  bool keepdims = false;
  std::int64_t ddof = 0;  ///< var/std divide by n - ddof (NumPy's default 0).
  int split_every = 8;    ///< Partials combined per tree node (≥ 2).
};

class Array {
 public:
  using Layers = std::vector<std::shared_ptr<const Graph>>;

  /// An array whose chunk (i, j, ...) is keys[row-major grid index] of the
  /// union of layers. Throws shoal::Error when chunks do not match keys.
  Array(Layers layers, std::vector<Key> keys, Chunks chunks, DType dtype);

  const Shape& shape() const noexcept { return shape_; }
  const Chunks& chunks() const noexcept { return chunks_; }
  DType dtype() const noexcept { return dtype_; }
  std::size_t ndim() const noexcept { return shape_.size(); }
  std::int64_t size() const noexcept;
  /// Chunks per axis.
  Shape numblocks() const;
  /// The chunks' keys in row-major grid order.
  const std::vector<Key>& keys() const noexcept { return keys_; }
  const Layers& layers() const noexcept { return layers_; }
  /// All tasks the chunks need, merged into one graph.
  Graph graph() const;
  /// The graph compute() and persist() run: graph() culled to the chunks,
  /// with every chain of random and elementwise tasks that feeds only one
  /// elementwise task or reduction partial fused into it ("array.fused"
  /// tasks that stream their chunk a tile at a time instead of holding it).
  Graph optimized_graph() const;

  /// The chunks, computed and assembled into one Tensor.
  Tensor compute(Executor& executor) const;
  /// The values of the chunks (in keys() order) assembled into one Tensor
  /// of this array's shape and dtype.
  Tensor assemble(std::span<const Value> chunk_values) const;
  Tensor compute() const { return compute(default_executor()); }
  /// The chunks, computed now and held, so later work reuses them.
  Array persist(Executor& executor) const;

  // Elementwise, NumPy broadcasting (trailing axes aligned; axes of size 1
  // stretch). Operands chunked otherwise than the first are rechunked to
  // match it.
  Array elementwise(const std::string& fn, const std::vector<Value>& scalars_after = {}) const;
  Array operator-() const;

  // Reductions (see Reduce).
  Array sum(Reduce r = {}) const { return reduce("sum", std::move(r)); }
  Array mean(Reduce r = {}) const { return reduce("mean", std::move(r)); }
  Array min(Reduce r = {}) const { return reduce("min", std::move(r)); }
  Array max(Reduce r = {}) const { return reduce("max", std::move(r)); }
  Array var(Reduce r = {}) const { return reduce("var", std::move(r)); }
  Array std(Reduce r = {}) const { return reduce("std", std::move(r)); }
  Array argmin(Reduce r = {}) const { return reduce("argmin", std::move(r)); }
  Array argmax(Reduce r = {}) const { return reduce("argmax", std::move(r)); }
  Array sum(int axis) const { return sum(Reduce{{axis}}); }
  Array mean(int axis) const { return mean(Reduce{{axis}}); }
  /// func: sum mean min max var std argmin argmax.
  Array reduce(const std::string& func, Reduce r) const;

  /// NumPy basic indexing: integers and slices, one per leading axis.
  Array operator[](const std::vector<Index>& index) const;
  /// Axes permuted; empty reverses them.
  Array transpose(std::vector<int> axes = {}) const;
  Array T() const { return transpose(); }
  /// The same values in new chunks (each output chunk assembled from the
  /// input chunks it overlaps).
  Array rechunk(Chunks chunks) const;
  /// Uniform chunk sizes per axis (the last chunk may be smaller).
  Array rechunk(const Shape& chunk_shape) const;
  /// The same elements (row-major order) in another shape; one entry may be
  /// -1. Rechunks first so that each chunk holds whole rows of both shapes,
  /// as Dask does; throws shoal::Error when the sizes differ.
  Array reshape(Shape shape) const;
  /// Converts every element.
  Array astype(DType dtype) const;
  /// One task per chunk of the registered op `op` taking the chunk and
  /// params, whose result has the same shape and the given dtype.
  Array map_blocks(const std::string& op, Params params, DType dtype) const;

 private:
  Array with(std::string_view name, const std::string& op, Params params, DType dtype,
             std::vector<std::vector<Arg>> args, Chunks chunks) const;

  Layers layers_;
  std::vector<Key> keys_;
  Chunks chunks_;
  Shape shape_;
  DType dtype_;
};

// Arithmetic and comparisons of arrays and scalars.
Array operator+(const Array& a, const Array& b);
Array operator-(const Array& a, const Array& b);
Array operator*(const Array& a, const Array& b);
Array operator/(const Array& a, const Array& b);
Array operator+(const Array& a, double b);
Array operator-(const Array& a, double b);
Array operator*(const Array& a, double b);
Array operator/(const Array& a, double b);
Array operator+(double a, const Array& b);
Array operator-(double a, const Array& b);
Array operator*(double a, const Array& b);
Array operator/(double a, const Array& b);
Array operator<(const Array& a, const Array& b);
Array operator<=(const Array& a, const Array& b);
Array operator>(const Array& a, const Array& b);
Array operator>=(const Array& a, const Array& b);
Array operator==(const Array& a, const Array& b);
Array operator!=(const Array& a, const Array& b);
Array operator<(const Array& a, double b);
Array operator>(const Array& a, double b);
Array pow(const Array& a, const Array& b);
Array pow(const Array& a, double b);
/// fn of array and/or scalar operands (Values of kind bool/int/float):
/// add sub mul div pow lt le gt ge eq ne where exp log sqrt abs sin cos neg.
Array elementwise(const std::string& fn, const std::vector<std::variant<Array, Value>>& operands);
Array where(const Array& cond, const Array& a, const Array& b);
Array where(const Array& cond, double a, double b);
Array exp(const Array& a);
Array log(const Array& a);
Array sqrt(const Array& a);
Array abs(const Array& a);
Array sin(const Array& a);
Array cos(const Array& a);

// Creation. chunk_shape gives uniform chunk sizes per axis.
Array full(const Shape& shape, const Shape& chunk_shape, Value value,
           DType dtype = DType::kFloat64);
Array zeros(const Shape& shape, const Shape& chunk_shape, DType dtype = DType::kFloat64);
Array ones(const Shape& shape, const Shape& chunk_shape, DType dtype = DType::kFloat64);
/// start, start + step, ... below stop (NumPy's arange), in chunks of `chunk`.
Array arange(double start, double stop, double step, std::int64_t chunk,
             DType dtype = DType::kFloat64);
/// num evenly spaced values from start to stop inclusive.
Array linspace(double start, double stop, std::int64_t num, std::int64_t chunk);
/// A tensor split into chunks.
Array from_tensor(const Tensor& t, const Shape& chunk_shape);
Array from_tensor(const Tensor& t, Chunks chunks);
/// Arrays joined along an existing axis; chunks on other axes must agree.
Array concatenate(const std::vector<Array>& arrays, int axis = 0);
/// Arrays of equal shape and chunks stacked along a new axis.
Array stack(const std::vector<Array>& arrays, int axis = 0);
/// 2-d matrix product by blocks; b is rechunked to match a's column chunks.
Array matmul(const Array& a, const Array& b);

/// matmul's other name, as in NumPy.
inline Array dot(const Array& a, const Array& b) {
  return matmul(a, b);
}

/// Uniform chunk sizes of an axis of length n: n / c chunks of c and a rest.
std::vector<std::int64_t> uniform_chunks(std::int64_t n, std::int64_t c);

namespace random {
/// Uniform in [low, high), float64. The same seed gives the same array
/// whatever the chunking: element i is a hash of (seed, i).
Array uniform(const Shape& shape, const Shape& chunk_shape, std::uint64_t seed, double low = 0.0,
              double high = 1.0);
/// Normal(mean, stddev), float64; chunking-independent as uniform.
Array normal(const Shape& shape, const Shape& chunk_shape, std::uint64_t seed, double mean = 0.0,
             double stddev = 1.0);
}  // namespace random

}  // namespace shoal
