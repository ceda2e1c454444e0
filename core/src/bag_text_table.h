// TextTable: distinct strings by content, numbered in order of first
// insertion (private to core). What frequencies and distinct count words
// in: an open-addressing table of (hash, number) slots over copies of the
// strings kept in an arena, so a word that is already present costs one
// hash and one compare — no allocation, no Value. Not thread-safe.
#pragma once

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
  if (n > 0) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i) w |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ w) * 0x94d049bb133111ebULL;
  }
  return h ^ (h >> 31);
}

class TextTable {
 public:
  TextTable() : slots_(1024) {}

  /// The number of `s` and whether it was inserted now.
  std::pair<std::size_t, bool> insert(std::string_view s) {
    std::uint64_t h = text_hash(s);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == 0) {
        slot = {h, static_cast<std::uint32_t>(keys_.size() + 1)};
        keys_.push_back(store(s));
        if (keys_.size() * 2 > slots_.size()) grow();
        return {keys_.size() - 1, true};
      }
      if (slot.hash == h && keys_[slot.id - 1] == s) return {slot.id - 1, false};
    }
  }
  std::size_t size() const noexcept { return keys_.size(); }
  std::string_view key(std::size_t i) const noexcept { return keys_[i]; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = 0;  // number + 1; 0 = empty
  };
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
      std::size_t i = s.hash & mask;
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
