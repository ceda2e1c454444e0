// The generator of one chunk of a random array, run by run. Element i
// (row-major global index) of the array with seed s is a pure function of
// (s, i), so any chunking gives the same numbers, whether a chunk is made
// whole (array.random) or a tile at a time inside a fused task
// (array.fused). Internal to core.
#pragma once

#include <cstdint>
#include <string>

#include "array/kernels.h"

namespace shoal::detail {

class RandomChunk {
 public:
  /// The chunk at offset of the given shape of the array of global_shape
  /// (seen through the transpose axes, a permutation, or empty). dist is
  /// "uniform" (in [a, b)) or "normal" (mean a, standard deviation b);
  /// throws shoal::Error for another.
  RandomChunk(const std::string& dist, std::uint64_t seed, double a, double b,
              const Shape& global_shape, const Shape& axes, const Shape& offset,
              const Shape& shape);

  /// The global index of the first element of the chunk row at idx (the
  /// chunk-local index of every axis but the last; the last is ignored).
  std::uint64_t row_origin(const Shape& idx) const noexcept;
  /// Writes the n elements of a row from `first` (a global index, as
  /// row_origin gives, plus j0 * row_step()) into out.
  void fill(double* out, std::int64_t n, std::uint64_t first) const;
  /// How far apart the global indices of neighbours along the last axis are.
  std::uint64_t row_step() const noexcept { return step_; }

 private:
  bool normal_;
  std::uint64_t state_, step_ = 1;
  double a_, b_;
  Shape offset_, gstride_;  ///< gstride_[d]: global index step of chunk axis d.
};

}  // namespace shoal::detail
