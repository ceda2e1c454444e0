// The batch decimal converter of csv_decimal_batch.h.
#include "io/csv/decimal_batch.h"

#include <algorithm>
#include <array>
#include <atomic>

#include "io/csv/decimal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace shoal::detail {
namespace {

using ParseFn = std::uint32_t (*)(const std::string_view*, std::size_t, double*, const char*,
                                  const char*);
using IntegerFn = std::uint32_t (*)(const std::string_view*, std::size_t, std::int64_t*,
                                    const char*, const char*);

// Without AVX2 every integer goes to the general parser (std::from_chars).
std::uint32_t no_integers(const std::string_view*, std::size_t, std::int64_t*, const char*,
                          const char*) {
  return 0;
}

// Whether sixteen bytes may be read from a field's start (and its sign).
// Compared as integers: the field need not lie in [lo, hi) at all.
inline bool readable(const char* p, const char* lo, const char* hi) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  return at >= reinterpret_cast<std::uintptr_t>(lo) &&
         at + 18 <= reinterpret_cast<std::uintptr_t>(hi);
}

// The word-at-a-time parser, a field at a time: for CPUs without AVX2.
std::uint32_t parse_words(const std::string_view* f, std::size_t n, double* out, const char* lo,
                          const char* hi) {
  std::uint32_t ok = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = f[i].data();
    if (readable(p, lo, hi) && parse_plain_decimal_wide(p, p + f[i].size(), out[i]))
      ok |= std::uint32_t{1} << i;
  }
  return ok;
}

#if defined(__x86_64__)
// For a field of `size` bytes, `sign` of them a leading '-', with its point
// at `point` (size: none), the pshufb control that keeps the digits, in
// order, at the end of sixteen bytes, the missing leading ones zero. Shapes
// no plain decimal has get some control: their fields are not taken.
struct DigitShuffles {
  static constexpr int kShapes = 2 * 17 * 17;
  std::array<std::array<std::int8_t, 16>, kShapes> at{};
  static constexpr int index(int sign, int size, int point) {
    return (sign * 17 + size) * 17 + point;
  }
  constexpr DigitShuffles() {
    for (int sign = 0; sign <= 1; ++sign) {
      for (int size = 0; size <= 16; ++size) {
        for (int point = 0; point <= 16; ++point) {
          const int digits = std::max(0, size - sign - (point < size ? 1 : 0));
          for (int j = 0; j < 16; ++j) {
            const int i = j - (16 - digits);  // which digit lands at j
            const int from = sign + i + (point < size && sign + i >= point ? 1 : 0);
            at[index(sign, size, point)][j] =
                static_cast<std::int8_t>(i < 0 ? -128 : std::min(from, 15));
          }
        }
      }
    }
  }
};
constexpr DigitShuffles kShuffles;

// A batch's fields on their way to doubles. Each phase works on all fields,
// so that the checks, which a field at a time would be a long chain of
// scalar instructions, run eight fields to an instruction.
struct Batch {
  alignas(32) std::uint8_t digits16[32][16];  // each field's sixteen bytes less '0'
  alignas(32) std::uint32_t size[32], digit_bits[32], point_bits[32], sign[32];
  alignas(32) std::uint32_t shape[32], fraction[32];  // set by check()
  alignas(32) std::uint64_t halves[32];  // the first and last eight digits, set by combine()
};

// Read in place of a field that cannot be read sixteen bytes at a time.
alignas(16) constexpr char kNoField[16] = {};

// Phase 1, a field at a time: load sixteen bytes and mark digits and points.
__attribute__((target("avx2"))) inline void load(const std::string_view* f, std::size_t n,
                                                 const char* lo, const char* hi, Batch& b) {
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9), point = _mm_set1_epi8('.');
  for (std::size_t i = 0; i < n; ++i) {
    const bool room = readable(f[i].data(), lo, hi);
    const char* p = room ? f[i].data() : kNoField;
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i d = _mm_sub_epi8(x, zero);
    _mm_store_si128(reinterpret_cast<__m128i*>(b.digits16[i]), d);
    b.digit_bits[i] =
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d)));
    b.point_bits[i] = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, point)));
    b.sign[i] = p[0] == '-';
    b.size[i] = room ? static_cast<std::uint32_t>(std::min<std::size_t>(f[i].size(), 255))
                     : 0;  // 0: not taken
  }
  for (std::size_t i = n; i < (n + 7) / 8 * 8; ++i) {  // padding: empty fields, never taken
    _mm_store_si128(reinterpret_cast<__m128i*>(b.digits16[i]), _mm_setzero_si128());
    b.size[i] = b.digit_bits[i] = b.point_bits[i] = b.sign[i] = 0;
  }
}

// Helpers of check(): lambdas would not inherit the target attribute.
#define SHOAL_AVX2 __attribute__((target("avx2"), always_inline)) inline
SHOAL_AVX2 __m256i load8(const std::uint32_t* a) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(a));
}
SHOAL_AVX2 __m256i bit(__m256i k) {
  return _mm256_sllv_epi32(_mm256_set1_epi32(1), k);
}  // 0 for k >= 32
SHOAL_AVX2 __m256i nonzero(__m256i v) {
  return _mm256_xor_si256(_mm256_cmpeq_epi32(v, _mm256_setzero_si256()), _mm256_set1_epi32(-1));
}
SHOAL_AVX2 __m128i shuffle_of(const Batch& b, std::size_t k) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(kShuffles.at[b.shape[k]].data()));
}
#undef SHOAL_AVX2

// Phase 2, eight fields at a time: which are plain decimals (all bytes
// digits, but for a leading '-' and at most one point, neither first nor
// last; at most 15 digits; at most 16 bytes), their shape and fraction.
__attribute__((target("avx2"))) inline std::uint32_t check(std::size_t n, Batch& b) {
  const __m256i one = _mm256_set1_epi32(1), zero = _mm256_setzero_si256(),
                sixteen = _mm256_set1_epi32(16);
  std::uint32_t ok = 0;
  for (std::size_t i = 0; i < n; i += 8) {
    const __m256i size = load8(b.size + i), sign = load8(b.sign + i);
    const __m256i in_field = _mm256_sub_epi32(bit(size), one);
    const __m256i digits = _mm256_and_si256(load8(b.digit_bits + i), in_field);
    const __m256i points = _mm256_and_si256(load8(b.point_bits + i), in_field);
    const __m256i has_point = nonzero(points);
    const __m256i count = _mm256_add_epi32(_mm256_sub_epi32(size, sign), has_point);  // digits
    __m256i good =
        _mm256_cmpeq_epi32(_mm256_or_si256(_mm256_or_si256(digits, points), sign), in_field);
    good = _mm256_and_si256(
        good, _mm256_cmpeq_epi32(_mm256_and_si256(points, _mm256_sub_epi32(points, one)), zero));
    good = _mm256_and_si256(
        good, nonzero(_mm256_and_si256(digits, bit(sign))));  // a digit after the sign
    good = _mm256_and_si256(
        good, nonzero(_mm256_and_si256(digits, bit(_mm256_sub_epi32(size, one)))));  // and last
    good = _mm256_and_si256(good, _mm256_cmpgt_epi32(sixteen, count));
    good = _mm256_and_si256(good, _mm256_cmpgt_epi32(_mm256_set1_epi32(17), size));
    ok |= static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(good))) << i;
    // The point's index from the exponent of its bit as a float (1 << size
    // when there is none); clamped so that any field has a shape.
    const __m256i size16 = _mm256_min_epu32(size, sixteen);
    const __m256i lowest = _mm256_and_si256(points, _mm256_sub_epi32(zero, points));
    const __m256i point_bit = _mm256_blendv_epi8(bit(size16), lowest, has_point);
    const __m256i exponent =
        _mm256_srli_epi32(_mm256_castps_si256(_mm256_cvtepi32_ps(point_bit)), 23);
    const __m256i point =
        _mm256_min_epu32(_mm256_sub_epi32(exponent, _mm256_set1_epi32(127)), sixteen);
    const __m256i shape = _mm256_add_epi32(
        _mm256_mullo_epi32(
            _mm256_add_epi32(_mm256_mullo_epi32(sign, _mm256_set1_epi32(17)), size16),
            _mm256_set1_epi32(17)),
        point);
    const __m256i fraction = _mm256_and_si256(
        _mm256_and_si256(_mm256_sub_epi32(_mm256_sub_epi32(size, point), one), has_point),
        _mm256_set1_epi32(15));
    _mm256_store_si256(reinterpret_cast<__m256i*>(b.shape + i), shape);
    _mm256_store_si256(reinterpret_cast<__m256i*>(b.fraction + i), fraction);
  }
  return ok;
}

// Phase 3, two fields at a time: the digits right-aligned by their shape's
// shuffle, then pairs, fours and eights of digits combined by multiply-adds.
__attribute__((target("avx2"))) inline void combine(std::size_t n, Batch& b) {
  for (std::size_t i = 0; i < n; i += 2) {
    const __m256i d = _mm256_load_si256(reinterpret_cast<const __m256i*>(b.digits16[i]));
    const __m256i y = _mm256_shuffle_epi8(
        d,
        _mm256_inserti128_si256(_mm256_castsi128_si256(shuffle_of(b, i)), shuffle_of(b, i + 1), 1));
    const __m256i pairs = _mm256_maddubs_epi16(y, _mm256_set1_epi16(0x010A));       // bytes 10, 1
    const __m256i fours = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00010064));  // words 100, 1
    const __m256i eights = _mm256_madd_epi16(_mm256_packus_epi32(fours, fours),
                                             _mm256_set1_epi32(0x00012710));  // 10000, 1
    // Each half holds its field's (first eight, last eight) in its low quadword.
    _mm_store_si128(reinterpret_cast<__m128i*>(b.halves + i),
                    _mm256_castsi256_si128(_mm256_permute4x64_epi64(eights, 0x08)));
  }
}

// Phase 4, four fields at a time: mantissa over its power of ten, signed.
// Mantissas below 2^52 become doubles exactly by setting them as the
// fraction of 2^52 and subtracting it (AVX2 has no u64 -> double).
__attribute__((target("avx2"))) inline void divide(std::size_t n, const Batch& b, double* out) {
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL);
  const __m256d two52 = _mm256_castsi256_pd(magic);
  for (std::size_t i = 0; i < n; i += 4) {
    const __m256i h = _mm256_load_si256(reinterpret_cast<const __m256i*>(b.halves + i));
    const __m256i m = _mm256_add_epi64(_mm256_mul_epu32(h, _mm256_set1_epi64x(100000000)),
                                       _mm256_srli_epi64(h, 32));
    const __m256d v = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(m, magic)), two52);
    const __m256d scale =
        _mm256_mask_i32gather_pd(  // the masked form: the plain one reads an undefined register
            _mm256_setzero_pd(), kExactPow10,
            _mm_load_si128(reinterpret_cast<const __m128i*>(b.fraction + i)),
            _mm256_castsi256_pd(_mm256_set1_epi64x(-1)), 8);
    const __m256i sign = _mm256_slli_epi64(
        _mm256_cvtepu32_epi64(_mm_load_si128(reinterpret_cast<const __m128i*>(b.sign + i))), 63);
    const __m256d q = _mm256_xor_pd(_mm256_div_pd(v, scale), _mm256_castsi256_pd(sign));
    if (i + 4 <= n) {
      _mm256_storeu_pd(out + i, q);
    } else {
      alignas(32) double lanes[4];
      _mm256_store_pd(lanes, q);
      for (std::size_t k = 0; i + k < n; ++k) out[i + k] = lanes[k];
    }
  }
}

// Phase 2 for integers, eight fields at a time: which are [-]digits of at
// most 16 bytes (sixteen digits fit the combine; any such value fits int64).
__attribute__((target("avx2"))) inline std::uint32_t check_integers(std::size_t n, Batch& b) {
  const __m256i one = _mm256_set1_epi32(1), sixteen = _mm256_set1_epi32(16);
  std::uint32_t ok = 0;
  for (std::size_t i = 0; i < n; i += 8) {
    const __m256i size = load8(b.size + i), sign = load8(b.sign + i);
    const __m256i in_field = _mm256_sub_epi32(bit(size), one);
    const __m256i digits = _mm256_and_si256(load8(b.digit_bits + i), in_field);
    __m256i good = _mm256_cmpeq_epi32(_mm256_or_si256(digits, sign), in_field);
    good = _mm256_and_si256(
        good, nonzero(_mm256_and_si256(digits, bit(sign))));  // a digit after the sign
    good = _mm256_and_si256(good, _mm256_cmpgt_epi32(_mm256_set1_epi32(17), size));
    ok |= static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(good))) << i;
    const __m256i size16 = _mm256_min_epu32(size, sixteen);  // no point: the point "at" the end
    const __m256i shape = _mm256_add_epi32(
        _mm256_mullo_epi32(
            _mm256_add_epi32(_mm256_mullo_epi32(sign, _mm256_set1_epi32(17)), size16),
            _mm256_set1_epi32(17)),
        size16);
    _mm256_store_si256(reinterpret_cast<__m256i*>(b.shape + i), shape);
  }
  return ok;
}

// Phase 4 for integers, four at a time: the digits' value, negated after a sign.
__attribute__((target("avx2"))) inline void sign_integers(std::size_t n, const Batch& b,
                                                          std::int64_t* out) {
  for (std::size_t i = 0; i < n; i += 4) {
    const __m256i h = _mm256_load_si256(reinterpret_cast<const __m256i*>(b.halves + i));
    const __m256i m = _mm256_add_epi64(_mm256_mul_epu32(h, _mm256_set1_epi64x(100000000)),
                                       _mm256_srli_epi64(h, 32));
    const __m256i sign =
        _mm256_cvtepu32_epi64(_mm_load_si128(reinterpret_cast<const __m128i*>(b.sign + i)));
    const __m256i v =
        _mm256_add_epi64(_mm256_xor_si256(m, _mm256_sub_epi64(_mm256_setzero_si256(), sign)), sign);
    alignas(32) std::int64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
    for (std::size_t k = 0; k < 4 && i + k < n; ++k) out[i + k] = lanes[k];
  }
}

__attribute__((target("avx2"))) std::uint32_t parse_integers_avx2(const std::string_view* f,
                                                                  std::size_t n, std::int64_t* out,
                                                                  const char* lo, const char* hi) {
  Batch b;
  load(f, n, lo, hi, b);
  const std::uint32_t ok =
      check_integers(n, b) & static_cast<std::uint32_t>((std::uint64_t{1} << n) - 1);
  combine(n, b);
  sign_integers(n, b, out);
  return ok;
}

__attribute__((target("avx2"))) std::uint32_t parse_avx2(const std::string_view* f, std::size_t n,
                                                         double* out, const char* lo,
                                                         const char* hi) {
  Batch b;
  load(f, n, lo, hi, b);
  const std::uint32_t ok = check(n, b) & static_cast<std::uint32_t>((std::uint64_t{1} << n) - 1);
  combine(n, b);
  divide(n, b, out);
  return ok;
}

bool has_vectors() noexcept {
  return __builtin_cpu_supports("avx2");
}
ParseFn vector_parse_fn() noexcept {
  return parse_avx2;
}
IntegerFn vector_integer_fn() noexcept {
  return parse_integers_avx2;
}
#else
bool has_vectors() noexcept {
  return false;
}
ParseFn vector_parse_fn() noexcept {
  return parse_words;
}
IntegerFn vector_integer_fn() noexcept {
  return no_integers;
}
#endif

// Whether the vector paths are in use: where the CPU has them, unless a
// test turned them off (use_vector_numbers).
std::atomic<bool> vectors{has_vectors()};

ParseFn parse_fn() noexcept {
  return vectors.load(std::memory_order_relaxed) ? vector_parse_fn() : parse_words;
}
IntegerFn integer_fn() noexcept {
  return vectors.load(std::memory_order_relaxed) ? vector_integer_fn() : no_integers;
}

}  // namespace

std::uint32_t parse_decimals(const std::string_view* fields, std::size_t n, double* out,
                             const char* lo, const char* hi) {
  return parse_fn()(fields, n, out, lo, hi);
}

std::uint32_t parse_integers(const std::string_view* fields, std::size_t n, std::int64_t* out,
                             const char* lo, const char* hi) {
  return integer_fn()(fields, n, out, lo, hi);
}

bool use_vector_numbers(bool on) noexcept {
  if (on && !has_vectors()) return false;
  vectors.store(on, std::memory_order_relaxed);
  return true;
}

}  // namespace shoal::detail
