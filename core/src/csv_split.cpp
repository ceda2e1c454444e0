// The record splitter of csv_split.h. The 64-byte masks are computed by one
// small function per instruction set (SSE2 for every x86-64, AVX2 where the
// CPU has it; a target attribute, no code shared with the rest of the
// library), chosen once; the bit walk is plain C++.
#include "csv_split.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace shoal::detail {
namespace {

struct Masks {
  std::uint64_t structural;  // delimiter or '\n'
  std::uint64_t newline;
  std::uint64_t special;  // quote or '\r'
};
using MaskFn = Masks (*)(const char* q, SplitDialect d);

#if defined(__x86_64__)
Masks masks_sse2(const char* q, SplitDialect d) {
  const __m128i dl = _mm_set1_epi8(d.delimiter), nl = _mm_set1_epi8('\n'), qt = _mm_set1_epi8(d.quote),
                cr = _mm_set1_epi8('\r');
  Masks m{0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * i));
    auto bits = [&](__m128i v) {
      return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(v))) << (16 * i);
    };
    __m128i n = _mm_cmpeq_epi8(x, nl);
    m.structural |= bits(_mm_or_si128(_mm_cmpeq_epi8(x, dl), n));
    m.newline |= bits(n);
    m.special |= bits(_mm_or_si128(_mm_cmpeq_epi8(x, qt), _mm_cmpeq_epi8(x, cr)));
  }
  return m;
}

__attribute__((target("avx2"))) inline std::uint64_t movemask64(__m256i lo, __m256i hi) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(lo))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32;
}

__attribute__((target("avx2"))) Masks masks_avx2(const char* q, SplitDialect d) {
  const __m256i dl = _mm256_set1_epi8(d.delimiter), nl = _mm256_set1_epi8('\n'), qt = _mm256_set1_epi8(d.quote),
                cr = _mm256_set1_epi8('\r');
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32));
  __m256i na = _mm256_cmpeq_epi8(a, nl), nb = _mm256_cmpeq_epi8(b, nl);
  return Masks{movemask64(_mm256_or_si256(_mm256_cmpeq_epi8(a, dl), na), _mm256_or_si256(_mm256_cmpeq_epi8(b, dl), nb)),
               movemask64(na, nb),
               movemask64(_mm256_or_si256(_mm256_cmpeq_epi8(a, qt), _mm256_cmpeq_epi8(a, cr)),
                          _mm256_or_si256(_mm256_cmpeq_epi8(b, qt), _mm256_cmpeq_epi8(b, cr)))};
}

MaskFn mask_fn() noexcept {
  static const MaskFn fn = __builtin_cpu_supports("avx2") ? masks_avx2 : masks_sse2;
  return fn;
}
#else
// Without x86 vectors: the same bits, a byte at a time.
Masks masks_bytes(const char* q, SplitDialect d) {
  Masks m{0, 0, 0};
  for (int i = 0; i < 64; ++i) {
    std::uint64_t bit = std::uint64_t{1} << i;
    if (q[i] == d.delimiter || q[i] == '\n') m.structural |= bit;
    if (q[i] == '\n') m.newline |= bit;
    if (q[i] == d.quote || q[i] == '\r') m.special |= bit;
  }
  return m;
}
MaskFn mask_fn() noexcept { return masks_bytes; }
#endif

bool takes(const char* r, const char* end, const char* stop, const RecordBatch& batch) {
  return batch.size < RecordBatch::kMaxRecords && r < stop && r < end && *r != '\n' && *r != '\r';
}

}  // namespace

const char* split_records(const char* p, const char* end, const char* stop, SplitDialect d, std::size_t columns,
                          RecordBatch& batch, std::int64_t& line) {
  const MaskFn masks = mask_fn();
  const char* r = p;  // the current record's start
  const char* base = p;  // the current window's start
  if (!takes(r, end, stop, batch) || end - base < 64) return r;
  std::size_t n = 0;  // the current record's fields so far
  Masks m = masks(base, d);
  std::uint64_t bits = m.structural | m.special;
  for (;;) {
    if (!bits) {
      base += 64;
      if (end - base < 64) return r;  // the rest of the record is not all readable
      m = masks(base, d);
      bits = m.structural | m.special;
      continue;
    }
    const unsigned b = static_cast<unsigned>(__builtin_ctzll(bits));
    const std::uint64_t bit = std::uint64_t{1} << b;
    bits &= bits - 1;
    if ((m.special & bit) || n == columns) return r;  // a quote or '\r', or too many fields
    batch.ends[batch.size][n++] = static_cast<std::uint32_t>(base + b - r);
    if (!(m.newline & bit)) continue;
    if (n != columns) return r;  // too few fields: the scanner reports it
    batch.starts[batch.size] = r;
    batch.lines[batch.size++] = line++;
    r = base + b + 1;
    n = 0;
    if (!takes(r, end, stop, batch)) return r;
  }
}

}  // namespace shoal::detail
