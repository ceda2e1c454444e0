// TextTable: distinct strings by content, numbered in order of first
// insertion (private to core). What frequencies and distinct count words
// in: an open-addressing table of slots (hash tag, size, first 8 bytes,
// number) over copies of the strings kept in an arena, so a word that is
// already present costs one hash and one slot compare — no allocation, no
// Value. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::detail {

/// A fast hash of short strings (words): 8 bytes at a time, multiply-mixed.
inline std::uint64_t text_hash(std::string_view s) noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ (s.size() * 0xff51afd7ed558ccdULL);
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
  }
  if (n >= 4) {  // 4 to 7 bytes: two overlapping 4-byte loads
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    h = (h ^ ((static_cast<std::uint64_t>(a) << 32) | b)) * 0x94d049bb133111ebULL;
  } else if (n > 0) {  // 1 to 3 bytes: first, middle, last
    auto c = [&](std::size_t i) {
      return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i]));
    };
    h = (h ^ ((c(0) << 16) | (c(n >> 1) << 8) | c(n - 1))) * 0x94d049bb133111ebULL;
  }
  return h ^ (h >> 31);
}

class TextTable {
 public:
  TextTable() : slots_(1024) {}

  /// Hints that `hash` (text_hash of a word) will be looked up soon: callers
  /// that hash a batch of words first hide the cache misses of the slots.
  void prefetch(std::uint64_t hash) const noexcept {
    __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }

  /// The number of `s` and whether it was inserted now.
  std::pair<std::size_t, bool> insert(std::string_view s) { return insert(s, text_hash(s)); }
  /// The same, with h = text_hash(s) computed by the caller.
  std::pair<std::size_t, bool> insert(std::string_view s, std::uint64_t h) {
    auto tag = static_cast<std::uint16_t>(h >> 48);
    auto size = static_cast<std::uint16_t>(std::min<std::size_t>(s.size(), 0xffff));
    std::uint64_t head = prefix(s);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == 0) {
        slot = {tag, size, static_cast<std::uint32_t>(keys_.size() + 1), head};
        keys_.push_back(store(s));
        if (keys_.size() * 2 > slots_.size()) grow();  // load ≤ 1/2: probes stay short
        return {keys_.size() - 1, true};
      }
      if (slot.tag == tag && slot.size == size && slot.head == head) {
        // Up to 8 bytes the slot holds the whole word; longer ones compare the rest.
        if (s.size() <= 8) return {slot.id - 1, false};
        std::string_view k = keys_[slot.id - 1];
        if (k.size() == s.size() && same_bytes(k.data() + 8, s.data() + 8, s.size() - 8))
          return {slot.id - 1, false};
      }
    }
  }
  std::size_t size() const noexcept { return keys_.size(); }
  std::string_view key(std::size_t i) const noexcept { return keys_[i]; }

 private:
  // 16 bytes a slot, holding a word's first 8 bytes and its size: a lookup
  // of a word of up to 8 bytes touches its slot and nothing else. A 20k-word
  // vocabulary takes 64k slots (1 MiB); the load of at most 1/2 keeps probe
  // sequences short (fewer mispredicted branches), and push_words prefetches
  // the slots a batch ahead to hide the misses of the rare words.
  struct Slot {
    std::uint16_t tag = 0;   // the hash's top bits
    std::uint16_t size = 0;  // capped at 0xffff (longer words compare in full)
    std::uint32_t id = 0;    // number + 1; 0 = empty
    std::uint64_t head = 0;  // the first 8 bytes, zero-padded
  };
  static std::uint64_t prefix(std::string_view s) noexcept {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data(), std::min<std::size_t>(s.size(), 8));
    return w;
  }
  // Words are short: compare 8 bytes at a time inline rather than call memcmp.
  static bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
      std::uint64_t x, y;
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
    }
    for (; n > 0; ++a, ++b, --n) {
      if (*a != *b) return false;
    }
    return true;
  }
  std::string_view store(std::string_view s) {
    if (s.size() > kChunk / 4) {
      big_.push_back(std::make_unique<char[]>(s.size() + 1));
      std::memcpy(big_.back().get(), s.data(), s.size());
      return {big_.back().get(), s.size()};
    }
    if (chunks_.empty() || used_ + s.size() > kChunk) {
      chunks_.push_back(std::make_unique<char[]>(kChunk));
      used_ = 0;
    }
    char* at = chunks_.back().get() + used_;
    std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return {at, s.size()};
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == 0) continue;
      std::size_t i = text_hash(keys_[s.id - 1]) & mask;
      while (slots_[i].id != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  static constexpr std::size_t kChunk = 64 << 10;
  std::vector<Slot> slots_;
  std::vector<std::string_view> keys_;
  std::vector<std::unique_ptr<char[]>> chunks_, big_;
  std::size_t used_ = 0;
};

}  // namespace shoal::detail
