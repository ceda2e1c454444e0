// The batch decimal converter of csv_decimal_batch.h.
#include "csv_decimal_batch.h"

#include <array>

#include "csv_decimal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace shoal::detail {
namespace {

using ParseFn = std::uint32_t (*)(const std::string_view*, std::size_t, double*, const char*, const char*);

// Whether a field's bytes may be read sixteen at a time past its sign.
// Compared as integers: the field need not lie in [lo, hi) at all.
inline bool readable(const char* p, const char* lo, const char* hi) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  return at >= reinterpret_cast<std::uintptr_t>(lo) && at + 18 <= reinterpret_cast<std::uintptr_t>(hi);
}

// The word-at-a-time parser, a field at a time: for CPUs without AVX2.
std::uint32_t parse_words(const std::string_view* f, std::size_t n, double* out, const char* lo, const char* hi) {
  std::uint32_t ok = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = f[i].data();
    if (readable(p, lo, hi) && parse_plain_decimal_wide(p, p + f[i].size(), out[i])) ok |= std::uint32_t{1} << i;
  }
  return ok;
}

#if defined(__x86_64__)
// For a field of `len` bytes (1..16, sign excluded) with its point at
// `point` (len: none), the pshufb control that drops the point and moves
// the digits to the end of sixteen bytes, the missing leading ones zero.
struct DigitShuffles {
  std::array<std::array<std::array<std::int8_t, 16>, 17>, 17> at{};
  constexpr DigitShuffles() {
    for (int len = 1; len <= 16; ++len) {
      for (int point = 0; point <= len; ++point) {
        const int digits = len - (point < len ? 1 : 0);
        for (int j = 0; j < 16; ++j) {
          const int i = j - (16 - digits);  // which digit lands at j
          at[len][point][j] = static_cast<std::int8_t>(i < 0 ? -128 : (i < point ? i : i + 1));
        }
      }
    }
  }
};
constexpr DigitShuffles kShuffles;

// Mantissa, power of ten and sign of one field; false when it is not a
// plain decimal of at most 15 digits. No branch depends on the digits.
__attribute__((target("avx2,bmi"))) inline bool split_decimal(const char* p, std::size_t size, std::uint64_t& mantissa,
                                                             unsigned& fraction) {
  const unsigned len = static_cast<unsigned>(size);
  if (len - 1 >= 16) return false;
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
  const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
  const unsigned in_field = (1u << len) - 1;
  const unsigned digits = static_cast<unsigned>(_mm_movemask_epi8(is_digit)) & in_field;
  const unsigned points = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')))) & in_field;
  const unsigned point = _tzcnt_u32(points | (1u << len));  // len when there is none
  const bool has_point = points != 0;
  const bool good = (digits | points) == in_field && (points & (points - 1)) == 0 && point != 0 &&
                    point + 1 != len && len - has_point <= 15;
  const __m128i y = _mm_shuffle_epi8(d, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kShuffles.at[len][point].data())));
  // Pairs, then fours, then eights of digits: 16 digits in three multiply-adds.
  const __m128i pairs = _mm_maddubs_epi16(y, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
  const __m128i fours = _mm_madd_epi16(pairs, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
  const __m128i eights = _mm_madd_epi16(_mm_packus_epi32(fours, fours), _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
  mantissa = static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_cvtsi128_si32(eights))) * 100000000u +
             static_cast<std::uint32_t>(_mm_extract_epi32(eights, 1));
  fraction = has_point ? len - point - 1 : 0;
  return good;
}

__attribute__((target("avx2,bmi"))) std::uint32_t parse_avx2(const std::string_view* f, std::size_t n, double* out,
                                                            const char* lo, const char* hi) {
  alignas(32) std::uint64_t mantissa[32];
  alignas(32) double scale[32];
  alignas(32) std::uint64_t sign[32];
  std::uint32_t ok = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = f[i].data();
    if (!readable(p, lo, hi)) {
      mantissa[i] = sign[i] = 0, scale[i] = 1;
      continue;
    }
    const bool negative = f[i].size() > 0 && *p == '-';
    unsigned fraction = 0;
    const bool good = split_decimal(p + negative, f[i].size() - negative, mantissa[i], fraction);
    scale[i] = kExactPow10[fraction];
    sign[i] = std::uint64_t{negative} << 63;
    ok |= std::uint32_t{good} << i;
  }
  for (std::size_t i = n; i < (n + 3) / 4 * 4; ++i) mantissa[i] = sign[i] = 0, scale[i] = 1;
  // Mantissas below 2^52 become doubles exactly by setting them as the
  // fraction of 2^52 and subtracting it (AVX2 has no u64 -> double).
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL);
  const __m256d two52 = _mm256_castsi256_pd(magic);
  for (std::size_t i = 0; i < n; i += 4) {
    const __m256i m = _mm256_load_si256(reinterpret_cast<const __m256i*>(mantissa + i));
    const __m256d v = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(m, magic)), two52);
    __m256d q = _mm256_div_pd(v, _mm256_load_pd(scale + i));
    q = _mm256_xor_pd(q, _mm256_castsi256_pd(_mm256_load_si256(reinterpret_cast<const __m256i*>(sign + i))));
    if (i + 4 <= n) {
      _mm256_storeu_pd(out + i, q);
    } else {
      alignas(32) double lanes[4];
      _mm256_store_pd(lanes, q);
      for (std::size_t k = 0; i + k < n; ++k) out[i + k] = lanes[k];
    }
  }
  return ok;
}

ParseFn parse_fn() noexcept {
  static const ParseFn fn = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") ? parse_avx2 : parse_words;
  return fn;
}
#else
ParseFn parse_fn() noexcept { return parse_words; }
#endif

}  // namespace

std::uint32_t parse_decimals(const std::string_view* fields, std::size_t n, double* out, const char* lo,
                             const char* hi) {
  return parse_fn()(fields, n, out, lo, hi);
}

}  // namespace shoal::detail
