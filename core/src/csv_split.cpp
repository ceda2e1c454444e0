// The record splitter of csv_split.h, for SSE2 (every x86-64) and AVX2.
// Each variant is one self-contained function built for its instruction
// set (a target attribute, no inline code shared with the rest of the
// library), chosen once by what the CPU reports.
#include "csv_split.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace shoal::detail {
namespace {

struct Masks {
  std::uint64_t delimiter, newline, special;  // special: quote or '\r'
};

// The bits up to and including the lowest set bit of m; all bits when m is 0.
inline std::uint64_t through_first(std::uint64_t m) { return m ? m ^ (m - 1) : ~std::uint64_t{0}; }

// The shared bit logic; `window` computes the masks of 64 bytes.
template <class Window>
inline std::size_t split_with(const char* p, const char* end, std::uint32_t* ends, std::size_t max_fields,
                              Window window) {
  std::size_t n = 0;
  for (std::uint32_t w = 0; w < 4; ++w) {
    const char* q = p + 64 * w;
    if (end - q < 64) return 0;
    Masks m = window(q);
    std::uint64_t record = through_first(m.newline);
    if (m.special & record) return 0;
    for (std::uint64_t f = (m.delimiter | m.newline) & record; f; f &= f - 1) {
      if (n == max_fields) return 0;
      ends[n++] = 64 * w + static_cast<std::uint32_t>(__builtin_ctzll(f));
    }
    if (m.newline) return n;
  }
  return 0;
}

#if defined(__x86_64__)
std::size_t split_sse2(const char* p, const char* end, SplitDialect d, std::uint32_t* ends, std::size_t max_fields) {
  const __m128i dl = _mm_set1_epi8(d.delimiter), nl = _mm_set1_epi8('\n'), qt = _mm_set1_epi8(d.quote),
                cr = _mm_set1_epi8('\r');
  return split_with(p, end, ends, max_fields, [&](const char* q) {
    Masks m{0, 0, 0};
    for (int i = 0; i < 4; ++i) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * i));
      auto bits = [&](__m128i v) { return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(v))) << (16 * i); };
      m.delimiter |= bits(_mm_cmpeq_epi8(x, dl));
      m.newline |= bits(_mm_cmpeq_epi8(x, nl));
      m.special |= bits(_mm_or_si128(_mm_cmpeq_epi8(x, qt), _mm_cmpeq_epi8(x, cr)));
    }
    return m;
  });
}

__attribute__((target("avx2"))) inline std::uint64_t movemask64(__m256i lo, __m256i hi) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(lo))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32;
}

__attribute__((target("avx2"))) std::size_t split_avx2(const char* p, const char* end, SplitDialect d,
                                                             std::uint32_t* ends, std::size_t max_fields) {
  const __m256i dl = _mm256_set1_epi8(d.delimiter), nl = _mm256_set1_epi8('\n'), qt = _mm256_set1_epi8(d.quote),
                cr = _mm256_set1_epi8('\r');
  std::size_t n = 0;
  for (std::uint32_t w = 0; w < 4; ++w) {  // split_with, spelled out: a lambda would not get the target
    const char* q = p + 64 * w;
    if (end - q < 64) return 0;
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32));
    std::uint64_t delimiter = movemask64(_mm256_cmpeq_epi8(a, dl), _mm256_cmpeq_epi8(b, dl));
    std::uint64_t newline = movemask64(_mm256_cmpeq_epi8(a, nl), _mm256_cmpeq_epi8(b, nl));
    std::uint64_t special = movemask64(_mm256_or_si256(_mm256_cmpeq_epi8(a, qt), _mm256_cmpeq_epi8(a, cr)),
                                 _mm256_or_si256(_mm256_cmpeq_epi8(b, qt), _mm256_cmpeq_epi8(b, cr)));
    std::uint64_t record = through_first(newline);
    if (special & record) return 0;
    for (std::uint64_t f = (delimiter | newline) & record; f; f &= f - 1) {
      if (n == max_fields) return 0;
      ends[n++] = 64 * w + static_cast<std::uint32_t>(__builtin_ctzll(f));
    }
    if (newline) return n;
  }
  return 0;
}
#else
// Without x86 vectors: the same bits, a byte at a time.
std::size_t split_bytes(const char* p, const char* end, SplitDialect d, std::uint32_t* ends, std::size_t max_fields) {
  return split_with(p, end, ends, max_fields, [&](const char* q) {
    Masks m{0, 0, 0};
    for (int i = 0; i < 64; ++i) {
      std::uint64_t bit = std::uint64_t{1} << i;
      if (q[i] == d.delimiter) m.delimiter |= bit;
      if (q[i] == '\n') m.newline |= bit;
      if (q[i] == d.quote || q[i] == '\r') m.special |= bit;
    }
    return m;
  });
}
#endif

}  // namespace

SplitRecordFn split_record_fn() noexcept {
#if defined(__x86_64__)
  static const SplitRecordFn fn = __builtin_cpu_supports("avx2") ? split_avx2 : split_sse2;
  return fn;
#else
  return split_bytes;
#endif
}

}  // namespace shoal::detail
