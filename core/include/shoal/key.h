// Key: the name of a task and of the value it produces.
//
// A key is a name that carries a token — a hash of the work's inputs, so the
// same work gets the same key and is computed once — plus an index tuple
// naming a partition or chunk: ("read-csv-9f2c41", 3) or ("zeros-1b2c", 0, 4).
// Keys are cheap to copy, hash and compare: the name is shared between
// copies (and between the keys made from one another with with_index()), and
// the hash is computed once.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace shoal {

class Value;

class Key {
 public:
  /// Index tuples up to this rank live inline (chunks of 8-d arrays).
  static constexpr std::size_t kMaxIndex = 8;

  Key() { rehash(); }
  explicit Key(std::string name);
  Key(std::string name, std::initializer_list<std::int64_t> index);
  /// Throws shoal::Error when the index has more than kMaxIndex entries.
  Key(std::string name, std::span<const std::int64_t> index);

  /// A key with this key's name (shared, not copied) and another index:
  /// how builders make the keys of many partitions cheaply.
  Key with_index(std::initializer_list<std::int64_t> index) const;
  Key with_index(std::span<const std::int64_t> index) const;

  const std::string& name() const noexcept { return name_ ? *name_ : empty_name(); }
  std::span<const std::int64_t> index() const noexcept { return {index_.data(), rank_}; }
  /// The name up to its token: "read-csv" for "read-csv-9f2c41ab".
  std::string_view prefix() const noexcept;
  std::size_t hash() const noexcept { return hash_; }

  /// ("read-csv-9f2c41", 3), or just the name when there is no index.
  std::string str() const;

  friend bool operator==(const Key& a, const Key& b) noexcept {
    return a.hash_ == b.hash_ && a.rank_ == b.rank_ &&
           (a.name_ == b.name_ || a.name() == b.name()) &&
           std::equal(a.index_.begin(), a.index_.begin() + a.rank_, b.index_.begin());
  }
  friend bool operator<(const Key& a, const Key& b) noexcept;

 private:
  void rehash() noexcept;
  void set_index(std::span<const std::int64_t> index);
  static const std::string& empty_name() noexcept;
  std::shared_ptr<const std::string> name_;
  std::array<std::int64_t, kMaxIndex> index_{};
  std::uint8_t rank_ = 0;
  std::size_t hash_ = 0;
};

struct KeyHash {
  std::size_t operator()(const Key& k) const noexcept { return k.hash(); }
};

/// Accumulates a stable 64-bit token over strings, numbers, values and keys.
/// The result is the same in every process and on every run.
class Tokenizer {
 public:
  Tokenizer& add(std::string_view s) noexcept;
  Tokenizer& add(const std::string& s) noexcept { return add(std::string_view(s)); }
  Tokenizer& add(const char* s) noexcept { return add(std::string_view(s)); }
  Tokenizer& add(std::int64_t v) noexcept;
  Tokenizer& add(const Value& v);
  Tokenizer& add(const Key& k) noexcept;
  std::uint64_t digest() const noexcept { return state_; }
  /// The digest as 16 lowercase hex digits.
  std::string hex() const;

 private:
  std::uint64_t state_ = 0x9e3779b97f4a7c15ULL;
};

/// A token for the given parts: tokenize("inc", Value(1)) always gives the
/// same 16 hex digits, and different parts almost surely different ones.
template <class... Parts>
std::string tokenize(const Parts&... parts) {
  Tokenizer t;
  (t.add(parts), ...);
  return t.hex();
}

/// Mixes 64 bits (the murmur3 finalizer); stable across platforms. Inline:
/// kernels call it once per row.
inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
/// A stable hash of bytes.
std::uint64_t hash_bytes(const void* data, std::size_t n, std::uint64_t seed = 0) noexcept;

}  // namespace shoal

template <>
struct std::hash<shoal::Key> {
  std::size_t operator()(const shoal::Key& k) const noexcept { return k.hash(); }
};
