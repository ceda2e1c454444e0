// Counter-based random numbers for arrays: element i of an array with seed s
// is a pure function of (s, i), so any chunking of the same array gives the
// same numbers and a chunk recomputed after a failure is identical.
#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>

#include "array_kernels.h"
#include "shoal/error.h"

namespace shoal::detail {
namespace {

/// The i-th output of a splitmix64 generator started at state: a few
/// multiplies per number, far faster than stepping a Mersenne twister.
inline std::uint64_t splitmix(std::uint64_t state, std::uint64_t i) noexcept {
  std::uint64_t z = state + (i + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A double in [0, 1) from the top 52 bits, by bits alone (1.m - 1): unlike
/// an integer-to-double conversion this vectorizes without AVX-512.
inline double unit(std::uint64_t bits) noexcept {
  return std::bit_cast<double>((bits >> 12) | 0x3ff0000000000000ULL) - 1.0;
}

/// out[j] = a + scale * uniform(g + j * step): the hot loop of random
/// arrays, built for AVX-512 too where the CPU has it (64-bit multiplies).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void uniform_run(double* out, std::int64_t n, std::uint64_t state, std::uint64_t g, std::uint64_t step,
                 double a, double scale) {
  for (std::int64_t j = 0; j < n; ++j) out[j] = a + scale * unit(splitmix(state, g + static_cast<std::uint64_t>(j) * step));
}

/// Appends f(buffer, count, first global index, index step) for the global indices of the chunk, row by row. Numbers are
/// made in a small buffer and appended, so the chunk's memory is written
/// once (a zero-filled vector would be written twice).
template <class F>
void fill_rows(std::vector<double>& out, std::size_t n, const Shape& global_shape, const Shape& axes,
               const Shape& offset, const Shape& shape, F&& f) {
  std::size_t r = shape.size();
  Shape src(r, 1), gst(r, 1), idx(r, 0);
  for (std::size_t d = r; d-- > 1;) src[d - 1] = src[d] * global_shape[d];
  // Output axis d walks source axis axes[d]: a transposed array is made
  // transposed rather than made and then transposed.
  for (std::size_t d = 0; d < r; ++d) gst[d] = src[axes.empty() ? d : axes[d]];
  out.reserve(n);
  if (n == 0) return;
  std::int64_t inner = r ? shape[r - 1] : 1;
  constexpr std::int64_t kTile = 512;
  double buf[kTile];
  for (std::size_t pos = 0; pos < n; pos += static_cast<std::size_t>(inner)) {
    std::int64_t g = 0, step = r ? gst[r - 1] : 1;
    for (std::size_t d = 0; d < r; ++d) g += (offset[d] + idx[d]) * gst[d];
    for (std::int64_t j0 = 0; j0 < inner; j0 += kTile) {
      std::int64_t len = std::min(kTile, inner - j0);
      f(buf, len, static_cast<std::uint64_t>(g + j0 * step), static_cast<std::uint64_t>(step));
      out.insert(out.end(), buf, buf + len);
    }
    for (std::size_t d = r - 1; r && d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace

Tensor random_block(const std::string& dist, std::uint64_t seed, double a, double b,
                    const Shape& global_shape, const Shape& axes, const Shape& offset, const Shape& shape) {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= static_cast<std::size_t>(d);
  std::vector<double> out;
  std::uint64_t state = splitmix(seed, 0x5eed);
  if (dist == "uniform") {
    double scale = b - a;
    fill_rows(out, n, global_shape, axes, offset, shape, [&](double* o, std::int64_t len, std::uint64_t g, std::uint64_t step) {
      uniform_run(o, len, state, g, step, a, scale);
    });
  } else if (dist == "normal") {
    // Box–Muller on two independent uniforms per element.
    fill_rows(out, n, global_shape, axes, offset, shape, [&](double* o, std::int64_t len, std::uint64_t g, std::uint64_t step) {
      for (std::int64_t j = 0; j < len; ++j) {
        std::uint64_t i = g + static_cast<std::uint64_t>(j) * step;
        double u1 = 1.0 - unit(splitmix(state, 2 * i)), u2 = unit(splitmix(state, 2 * i + 1));
        o[j] = a + b * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      }
    });
  } else {
    throw Error("array.random: unknown distribution '" + dist + "' (uniform or normal)");
  }
  return Tensor(shape, std::move(out));
}

}  // namespace shoal::detail
