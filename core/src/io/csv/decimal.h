// Fast paths for plain decimals in CSV fields (private to core).
//
// Both use Clinger's fast path: a decimal [-]digits[.digits] with at most
// 15 digits is an integer m < 10^15 over 10^k (k <= 15); both are exact in
// a double, so m / 10^k is one correctly rounded division — the value
// fast_float and strtod give. Anything else (exponents, more digits, inf,
// nan, a leading '+') returns false and goes to fast_float.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace shoal::detail {

inline constexpr double kExactPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
inline constexpr std::uint64_t kPow10[] = {1,
                                           10,
                                           100,
                                           1000,
                                           10000,
                                           100000,
                                           1000000,
                                           10000000,
                                           100000000,
                                           1000000000,
                                           10000000000ULL,
                                           100000000000ULL,
                                           1000000000000ULL,
                                           10000000000000ULL,
                                           100000000000000ULL,
                                           1000000000000000ULL};

/// A plain decimal in [b, e), a byte at a time. The loop has no early exit
/// and takes the point with selects: its length is the field's, which
/// repeats from row to row.
inline bool parse_plain_decimal(const char* b, const char* e, double& v) {
  const bool negative = b != e && *b == '-';
  b += negative;
  const std::ptrdiff_t n = e - b;
  if (n == 0 || n > 16) return false;
  std::uint64_t m = 0;
  std::ptrdiff_t point = -1;  // where the '.' is
  bool bad = false;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(b[i])) - '0';
    const bool dot = b[i] == '.';
    bad |= dot ? point >= 0 : d > 9;
    point = dot ? i : point;
    m = dot ? m : m * 10 + d;
  }
  const std::ptrdiff_t fraction = point < 0 ? 0 : n - point - 1;
  if (bad || point == 0 || (point > 0 && fraction == 0) || n - (point >= 0) > 15) return false;
  const double x = static_cast<double>(m) / kExactPow10[fraction];
  v = negative ? -x : x;
  return true;
}

namespace swar {

inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

/// The value of the first k (0..8) digit characters of little-endian word
/// w, or -1 when one of them is not a digit. Eight digits are combined by
/// three multiplies (as fast_float's parse_eight_digits_unrolled), the
/// missing ones standing in as leading zeros.
inline std::int64_t digits(std::uint64_t w, unsigned k) noexcept {
  if (k == 0) return 0;
  const std::uint64_t keep = k == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * k)) - 1;
  w = (w & keep) | (0x3030303030303030ULL & ~keep);  // pad with '0'
  if ((((w & 0xF0F0F0F0F0F0F0F0ULL) |
        (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) != 0x3333333333333333ULL)) {
    return -1;
  }
  w -= 0x3030303030303030ULL;
  w <<= 8 * (8 - k);  // the padding becomes leading zeros
  w = (w * 10) + (w >> 8);
  w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  return static_cast<std::int64_t>(w);
}

/// Index of the first '.' among the 8 bytes of w, or 8.
inline unsigned first_point(std::uint64_t w) noexcept {
  const std::uint64_t x = w ^ 0x2E2E2E2E2E2E2E2EULL;
  const std::uint64_t t = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
  return t ? static_cast<unsigned>(__builtin_ctzll(t)) / 8 : 8;
}

}  // namespace swar

/// A plain decimal in [b, e) with at most 8 digits before and 8 after the
/// point, a word at a time, without a loop. Reads up to 16 bytes from the
/// start of the digits: the caller guarantees that b + 17 bytes are
/// readable.
inline bool parse_plain_decimal_wide(const char* b, const char* e, double& v) {
  const bool negative = b != e && *b == '-';
  b += negative;
  const auto n = static_cast<std::size_t>(e - b);
  if (n == 0 || n > 16) return false;
  std::uint64_t head = swar::load8(b);
  std::size_t point = swar::first_point(head);
  if (point >= n)
    point = n;  // no point: all digits
  else if (point == 8 && b[8] != '.')
    return false;  // nine or more digits before it
  const std::size_t fraction = point < n ? n - point - 1 : 0;
  if (point == 0 || point > 8 || (point < n && fraction == 0) || fraction > 8 ||
      point + fraction > 15)
    return false;
  const std::int64_t whole = swar::digits(head, static_cast<unsigned>(point));
  const std::int64_t part =
      fraction ? swar::digits(swar::load8(b + point + 1), static_cast<unsigned>(fraction)) : 0;
  if (whole < 0 || part < 0) return false;
  const double m = static_cast<double>(static_cast<std::uint64_t>(whole) * kPow10[fraction] +
                                       static_cast<std::uint64_t>(part));
  const double x = m / kExactPow10[fraction];
  v = negative ? -x : x;
  return true;
}

}  // namespace shoal::detail
