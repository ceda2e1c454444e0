// Counter-based random numbers for arrays: element i of an array with seed s
// is a pure function of (s, i), so any chunking of the same array gives the
// same numbers and a chunk recomputed after a failure is identical.
//
// This file is compiled with -ffp-contract=off: a + scale * (u - 1) must
// round the same in the vector body, the scalar tail and every clone of the
// kernel, or the numbers would depend on the CPU and on the chunking.
#include "array/random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numbers>

#include "shoal/error.h"

namespace shoal::detail {
namespace {

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

/// The i-th output of a splitmix64 generator started at state: a few
/// multiplies per number, far faster than stepping a Mersenne twister.
inline std::uint64_t splitmix(std::uint64_t state, std::uint64_t i) noexcept {
  std::uint64_t z = state + (i + 1) * kGolden;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A double in [0, 1) from the top 52 bits, by bits alone (1.m - 1): unlike
/// an integer-to-double conversion this vectorizes without AVX-512.
inline double unit(std::uint64_t bits) noexcept {
  return std::bit_cast<double>((bits >> 12) | 0x3ff0000000000000ULL) - 1.0;
}

// Eight lanes at a time through GCC/Clang vector extensions: with AVX-512DQ
// the 64-bit multiplies are single instructions (vpmullq), which the
// auto-vectorizer did not manage from the scalar loop (1 ns per number
// there, 0.15 ns here).
using U64x8 = std::uint64_t __attribute__((vector_size(64)));
using F64x8 = double __attribute__((vector_size(64)));

/// out[j] = a + scale * uniform(first + j * step), j < n: the hot loop of
/// random arrays, cloned for AVX-512 and AVX2 with a run-time dispatch.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void uniform_run(double* out, std::int64_t n, std::uint64_t state, std::uint64_t first, std::uint64_t step,
                 double a, double scale) {
  U64x8 z;
  for (int k = 0; k < 8; ++k)
    z[k] = state + (first + static_cast<std::uint64_t>(k) * step + 1) * kGolden;
  const U64x8 inc = U64x8{} + 8 * step * kGolden;
  std::int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    U64x8 x = z;
    z += inc;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    x = (x >> 12) | 0x3ff0000000000000ULL;
    F64x8 u;
    std::memcpy(&u, &x, sizeof u);
    F64x8 r = a + scale * (u - 1.0);
    std::memcpy(out + j, &r, sizeof r);
  }
  for (; j < n; ++j)
    out[j] = a + scale * unit(splitmix(state, first + static_cast<std::uint64_t>(j) * step));
}

/// Box–Muller on two independent uniforms per element.
void normal_run(double* out, std::int64_t n, std::uint64_t state, std::uint64_t first,
                std::uint64_t step, double mean, double stddev) {
  for (std::int64_t j = 0; j < n; ++j) {
    std::uint64_t i = first + static_cast<std::uint64_t>(j) * step;
    double u1 = 1.0 - unit(splitmix(state, 2 * i)), u2 = unit(splitmix(state, 2 * i + 1));
    out[j] = mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
}

}  // namespace

RandomChunk::RandomChunk(const std::string& dist, std::uint64_t seed, double a, double b,
                         const Shape& global_shape, const Shape& axes, const Shape& offset,
                         const Shape& shape)
    : normal_(dist == "normal"),
      state_(splitmix(seed, 0x5eed)),
      a_(a),
      b_(dist == "normal" ? b : b - a),
      offset_(offset),
      gstride_(shape.size(), 1) {
  if (dist != "uniform" && dist != "normal") {
    throw Error("array.random: unknown distribution '" + dist + "' (uniform or normal)");
  }
  std::size_t r = shape.size();
  Shape src(r, 1);
  for (std::size_t d = r; d-- > 1;) src[d - 1] = src[d] * global_shape[d];
  // Chunk axis d walks source axis axes[d]: a transposed array is made
  // transposed rather than made and then transposed.
  for (std::size_t d = 0; d < r; ++d)
    gstride_[d] = src[axes.empty() ? d : static_cast<std::size_t>(axes[d])];
  if (r) step_ = static_cast<std::uint64_t>(gstride_[r - 1]);
}

std::uint64_t RandomChunk::row_origin(const Shape& idx) const noexcept {
  std::int64_t g = 0;
  for (std::size_t d = 0; d < gstride_.size(); ++d) {
    g += (offset_[d] + (d + 1 < gstride_.size() ? idx[d] : 0)) * gstride_[d];
  }
  return static_cast<std::uint64_t>(g);
}

void RandomChunk::fill(double* out, std::int64_t n, std::uint64_t first) const {
  if (normal_)
    normal_run(out, n, state_, first, step_, a_, b_);
  else
    uniform_run(out, n, state_, first, step_, a_, b_);
}

Tensor random_block(const std::string& dist, std::uint64_t seed, double a, double b,
                    const Shape& global_shape, const Shape& axes, const Shape& offset,
                    const Shape& shape) {
  RandomChunk gen(dist, seed, a, b, global_shape, axes, offset, shape);
  std::size_t r = shape.size();
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  std::int64_t inner = r ? shape[r - 1] : 1;
  // Made in a small buffer and appended, so the chunk's memory is written
  // once (a zero-filled vector would be written twice).
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  constexpr std::int64_t kTile = 512;
  double buf[kTile];
  Shape idx(r, 0);
  for (std::int64_t pos = 0; pos < n; pos += inner) {
    std::uint64_t first = gen.row_origin(idx);
    for (std::int64_t j0 = 0; j0 < inner; j0 += kTile) {
      std::int64_t len = std::min(kTile, inner - j0);
      gen.fill(buf, len, first + static_cast<std::uint64_t>(j0) * gen.row_step());
      out.insert(out.end(), buf, buf + len);
    }
    for (std::size_t d = r - 1; r && d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return Tensor(shape, std::move(out));
}

}  // namespace shoal::detail
