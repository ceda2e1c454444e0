// Hashing and comparing short strings within one process (private to
// core): grouping and joins, where a hash never leaves the process, so it
// need not be stable (unlike hash_bytes), only fast on short keys.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "shoal/key.h"

namespace shoal::detail {

// The bytes of a string of n <= 8 bytes as one word, with fixed-size loads
// only (a memcpy of variable length is a library call): for 4..8 bytes the
// first and last four overlap, for 1..3 the first, middle and last byte
// cover them all. Equal strings give equal words, and, with n, different
// strings different ones.
inline std::uint64_t short_word(const char* p, std::size_t n) noexcept {
  if (n >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | (std::uint64_t{hi} << 32);
  }
  if (n == 0) return 0;
  auto b = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
  return b(0) | b(n / 2) << 8 | b(n - 1) << 16;
}

// One multiply per 8 bytes, one final mix.
inline std::uint64_t local_hash(const char* p, std::size_t n) noexcept {
  std::uint64_t h = n * 0x9e3779b97f4a7c15ULL;
  std::size_t i = 0;
  for (; i + 8 < n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
  }
  h = (h ^ short_word(p + i, n - i)) * 0x94d049bb133111ebULL;
  return mix64(h);
}

// Equal bytes; short keys (the common case) without a call to memcmp.
inline bool same_bytes(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() <= 8) return short_word(a.data(), a.size()) == short_word(b.data(), b.size());
  return std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace shoal::detail
