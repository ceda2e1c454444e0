// Plain decimals and integers converted many at a time (private to core):
// the float and integer columns of a batch of split CSV records.
//
// One field is converted without a branch on its shape: sixteen bytes are
// loaded, the point is found by a compare, a shuffle chosen by (length,
// point) drops it and right-aligns the digits, and multiply-adds combine
// them. The divisions by powers of ten (Clinger's fast path, see
// csv_decimal.h: exact mantissa over an exact power, one correctly rounded
// division) then run four at a time. AVX2 where the CPU has it, chosen once
// at run time; elsewhere the word-at-a-time parser of csv_decimal.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shoal::detail {

/// Converts fields[i] into out[i] for i < n (n <= 32) when it is a plain
/// decimal [-]digits[.digits] of at most 15 digits and its bytes lie in
/// [lo, hi) with at least 18 bytes to spare before hi (sixteen bytes are
/// read past the sign). Returns a mask with bit i set for each field
/// converted; the others are left for the general parser (nulls,
/// exponents, long mantissas, a leading '+' or '.', text). Each converted
/// value is the double strtod gives.
std::uint32_t parse_decimals(const std::string_view* fields, std::size_t n, double* out,
                             const char* lo, const char* hi);

/// The same for integer columns: converts fields[i] into out[i] when it is
/// [-]digits of at most 16 bytes and readable as above; returns the mask of
/// the fields converted (none on CPUs without AVX2). Each converted value is
/// the one std::from_chars gives.
std::uint32_t parse_integers(const std::string_view* fields, std::size_t n, std::int64_t* out,
                             const char* lo, const char* hi);

/// Turns the vector paths on (where the CPU has AVX2; false otherwise, and
/// nothing changes) or off, so that tests check both. On by default.
bool use_vector_numbers(bool on) noexcept;

}  // namespace shoal::detail
