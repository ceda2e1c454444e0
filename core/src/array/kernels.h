// Kernels on Tensors that the array ops run: dtype promotion, elementwise
// functions with broadcasting, box copies, transposes and the partial /
// combine / finalize steps of reductions. Internal to core.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "shoal/tensor.h"
#include "shoal/value.h"

namespace shoal::detail {

using Shape = std::vector<std::int64_t>;

/// NumPy's promotion of two array dtypes (int64 with float32 gives float64).
DType promote(DType a, DType b) noexcept;
/// The dtype of an elementwise function `fn` of operands of these dtypes;
/// scalars count as "weak" operands, as in NumPy 1.x value-based casting.
/// Throws shoal::Error for an unknown fn.
DType elementwise_dtype(const std::string& fn, std::span<const DType> arrays,
                        std::span<const Value> scalars);
/// How many operands fn takes (1, 2 or 3).
int elementwise_arity(const std::string& fn);

/// fn applied to tensors and scalars (Values of kind int/float/bool),
/// broadcast NumPy-style.
Tensor elementwise(const std::string& fn, std::span<const Value> operands);

/// fn on float64 tiles of n elements: out[i] = fn(a[i], b[i], c[i]), element
/// for element what elementwise() computes (operands past fn's arity are not
/// read and may be null). Null when fn does not map float64 operands to a
/// float64 result (comparisons, where): those are not streamed.
using Float64TileFn = void (*)(double* out, std::int64_t n, const double* a, const double* b,
                               const double* c);
Float64TileFn float64_tile_fn(const std::string& fn);

/// The broadcast shape of two shapes; throws shoal::Error naming `where`.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& where);

/// A box of a source tensor placed in a tensor being assembled.
struct Piece {
  const Tensor* src;
  Shape src_start, dst_start, extent;
};
/// A tensor of dtype and shape made of pieces (each of dtype), which must
/// cover it: how results are assembled and arrays rechunked.
Tensor assemble(DType dtype, const Shape& shape, std::span<const Piece> pieces);

/// t[start:stop:step] per axis (local, already clamped), integer axes dropped.
Tensor slice(const Tensor& t, const Shape& start, const Shape& step, const Shape& count,
             const std::vector<bool>& drop);
Tensor transpose(const Tensor& t, const std::vector<std::int64_t>& axes);
Tensor reshape(const Tensor& t, const Shape& shape);
Tensor cast(const Tensor& t, DType dtype);
/// 2-d a @ b summed over the pairs (blocked matmul), in the promoted dtype.
Tensor matmul_sum(std::span<const Tensor* const> a, std::span<const Tensor* const> b);

/// Reductions: a partial is a List of float64 Tensors with the reduced axes
/// kept as size 1: sum → [sum]; mean → [sum, count]; var/std → [count, mean,
/// m2]; min/max → [value]; argmin/argmax → [value, global index].
struct ReduceSpec {
  std::string func;
  std::vector<bool> reduced;  ///< Per axis of the input.
  Shape offset;               ///< The chunk's global start (argmin/argmax).
  Shape global_shape;         ///< (argmin/argmax with every axis reduced).
};
Value reduce_partial(const Tensor& t, const ReduceSpec& spec);
Value reduce_combine(const std::string& func, std::span<const Value> partials);

/// The sum or mean partial (as reduce_partial gives it) of a float64 chunk
/// whose elements arrive a row at a time (rows along the last axis, in any
/// order, each in pieces): a chunk made on the fly is never held whole.
class RowReduce {
 public:
  static bool supports(const std::string& func) { return func == "sum" || func == "mean"; }
  /// For a chunk of shape reduced along the flagged axes by func (sum or mean).
  RowReduce(std::string func, const Shape& shape, const std::vector<bool>& reduced);
  /// Where the row at idx (chunk-local, every axis but the last) lands.
  std::int64_t row_target(const Shape& idx) const noexcept;
  /// Adds elements j0 .. j0 + n of the row whose target is `target`.
  void add(std::int64_t target, std::int64_t j0, const double* x, std::int64_t n) noexcept;
  /// The partial; the reducer is spent.
  Value finish();

 private:
  std::string func_;
  Shape out_shape_, ostride_;
  bool inner_reduced_;
  double count_ = 1;
  std::vector<double> sum_;
};

/// The final tensor of a combined partial: dtype is the input's; ddof for
/// var/std; reduced axes dropped unless keepdims.
Tensor reduce_finalize(const std::string& func, const Value& partial, DType input,
                       const std::vector<bool>& reduced, bool keepdims, std::int64_t ddof);
/// The result dtype of a reduction of an input of dtype.
DType reduce_dtype(const std::string& func, DType input);

/// Counter-based random numbers: element i of the array with this seed,
/// independent of chunking. dist is "uniform" (in [low, high)) or "normal".
/// With axes (a permutation, or empty) the block is of that transpose.
Tensor random_block(const std::string& dist, std::uint64_t seed, double a, double b,
                    const Shape& global_shape, const Shape& axes, const Shape& offset,
                    const Shape& shape);

}  // namespace shoal::detail
