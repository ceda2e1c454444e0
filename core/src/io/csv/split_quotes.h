// The quote and '\r' rules of the record splitter (csv_split.cpp), on the
// bitmasks of one 64-byte window at a time.
//
// The splitter takes a quoted field only when the byte-wise scanner
// (csv_scan.h) would read it as the text between its quotes: the field
// starts with a quote and ends with the next one, right before a delimiter
// or the record's end, and holds no newline and no '\r'. It takes a '\r'
// only right before a '\n'. Every other quote or '\r' breaks the rules, and
// the record holding it is left to the byte-wise scanner, which reads it
// (doubled quotes, text after a closing quote, newlines inside quotes) or
// reports it.
//
// As in simdjson, the bytes inside quotes are the prefix XOR of the quote
// bits (the opening quote included, the closing one not), carried from
// window to window; delimiters and newlines inside quotes are not
// structural. Quotes then alternate opening and closing, so the rules come
// down to: every opening quote starts a field, every closing quote is
// followed by a structural byte or '\r', every '\r' by a '\n', and no '\n'
// lies inside quotes. Each is tested on the byte it is about, or the byte
// after, which always lies in the same record as the quote or '\r' (unless
// it is that record's '\n', which is fine): marking that byte bad declines
// the right record.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace shoal::detail {

/// One window's bytes of interest, a bit per byte.
struct Masks {
  std::uint64_t structural;  // delimiter or '\n'
  std::uint64_t newline;
  std::uint64_t quote;
  std::uint64_t cr;
};

/// What a window leaves to the next one: the byte after it is inside quotes
/// (all bits), starts a field, follows a closing quote, follows a '\r'
/// (bit 0). The first window starts a record, and so a field.
struct QuoteState {
  std::uint64_t in_quote = 0;
  std::uint64_t field_start = 1;
  std::uint64_t after_close = 0;
  std::uint64_t after_cr = 0;
};

/// Bit i of the result is the XOR of bits 0..i of x.
using PrefixXorFn = std::uint64_t (*)(std::uint64_t x);

inline std::uint64_t prefix_xor_shifts(std::uint64_t x) {
  for (int s = 1; s < 64; s *= 2) x ^= x << s;
  return x;
}

#if defined(__x86_64__)
// A carry-less multiply by all ones: one instruction where the CPU has it.
__attribute__((target("pclmul"))) inline std::uint64_t prefix_xor_clmul(std::uint64_t x) {
  const __m128i v = _mm_set_epi64x(0, static_cast<long long>(x));
  return static_cast<std::uint64_t>(
      _mm_cvtsi128_si64(_mm_clmulepi64_si128(v, _mm_set1_epi8(-1), 0)));
}
#endif

/// What the rules make of a window: the bytes that break them, and the
/// opening quotes (each starts a field quoted whole) among the field
/// starts.
struct QuoteVerdict {
  std::uint64_t bad = 0;
  std::uint64_t opening = 0;
  std::uint64_t starts = 0;
};

/// Clears m's delimiters and newlines inside quotes and judges the window;
/// advances s past it. (A window without quotes or '\r' that starts
/// outside quotes needs none of it: its field_start is its last bit.)
template <PrefixXorFn PX>
[[gnu::always_inline]] inline QuoteVerdict apply_quote_rules(Masks& m, QuoteState& s) {
  const std::uint64_t inside = PX(m.quote) ^ s.in_quote;
  const std::uint64_t opening = m.quote & inside, closing = m.quote & ~inside;
  const std::uint64_t newline_inside = m.newline & inside;
  m.structural &= ~inside;
  m.newline &= ~inside;
  const std::uint64_t field_start = m.structural << 1 | s.field_start;
  const std::uint64_t after_close = closing << 1 | s.after_close;
  const std::uint64_t after_cr = m.cr << 1 | s.after_cr;
  s.in_quote = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
  s.field_start = m.structural >> 63;
  s.after_close = closing >> 63;
  s.after_cr = m.cr >> 63;
  return {(opening & ~field_start) | (after_close & ~(m.structural | m.cr)) |
              (after_cr & ~m.newline) | newline_inside,
          opening & field_start, field_start};
}

/// The bits of x (a subset of mask) where mask is set, packed to the low
/// end (BMI2's pext).
using CompactFn = std::uint64_t (*)(std::uint64_t x, std::uint64_t mask);

inline std::uint64_t compact_bits(std::uint64_t x, std::uint64_t mask) {
  std::uint64_t out = 0;
  for (; x; x &= x - 1) {
    const std::uint64_t below = mask & ((x & -x) - 1);
    out |= std::uint64_t{1} << __builtin_popcountll(below);
  }
  return out;
}

#if defined(__x86_64__)
__attribute__((target("bmi2"))) inline std::uint64_t compact_pext(std::uint64_t x,
                                                                  std::uint64_t mask) {
  return _pext_u64(x, mask);
}
#endif

}  // namespace shoal::detail
