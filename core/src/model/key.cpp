#include "shoal/key.h"

#include <algorithm>
#include <cstring>

#include "shoal/error.h"
#include "shoal/value.h"

namespace shoal {

std::uint64_t hash_bytes(const void* data, std::size_t n, std::uint64_t seed) noexcept {
  // Eight bytes a step, mixed; the tail is padded. Stable on little-endian
  // machines, which is every machine Shoal runs on.
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = mix64(seed ^ (n * 0x9e3779b97f4a7c15ULL));
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ULL;
  }
  if (i < n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, n - i);
    h = (h ^ mix64(w + n)) * 0x9e3779b97f4a7c15ULL;
  }
  return mix64(h);
}

Key::Key(std::string name) : name_(std::make_shared<const std::string>(std::move(name))) {
  rehash();
}

Key::Key(std::string name, std::initializer_list<std::int64_t> index)
    : Key(std::move(name), std::span<const std::int64_t>(index.begin(), index.size())) {}

Key::Key(std::string name, std::span<const std::int64_t> index)
    : name_(std::make_shared<const std::string>(std::move(name))) {
  set_index(index);
}

Key Key::with_index(std::initializer_list<std::int64_t> index) const {
  return with_index(std::span<const std::int64_t>(index.begin(), index.size()));
}

Key Key::with_index(std::span<const std::int64_t> index) const {
  Key k;
  k.name_ = name_;
  k.set_index(index);
  return k;
}

const std::string& Key::empty_name() noexcept {
  static const std::string kEmpty;
  return kEmpty;
}

void Key::set_index(std::span<const std::int64_t> index) {
  if (index.size() > kMaxIndex) {
    throw Error("key '" + name() + "' has an index of rank " + std::to_string(index.size()) +
                "; at most " + std::to_string(kMaxIndex) + " is supported");
  }
  std::copy(index.begin(), index.end(), index_.begin());
  rank_ = static_cast<std::uint8_t>(index.size());
  rehash();
}

void Key::rehash() noexcept {
  const std::string& name = this->name();
  std::uint64_t h = hash_bytes(name.data(), name.size(), rank_);
  for (std::uint8_t i = 0; i < rank_; ++i) h = mix64(h + static_cast<std::uint64_t>(index_[i]));
  hash_ = static_cast<std::size_t>(h);
}

std::string_view Key::prefix() const noexcept {
  std::string_view n = name();
  auto dash = n.rfind('-');
  return dash == std::string_view::npos ? n : n.substr(0, dash);
}

std::string Key::str() const {
  if (rank_ == 0) return name();
  std::string out = "(\"" + name() + "\"";
  for (std::uint8_t i = 0; i < rank_; ++i) out += ", " + std::to_string(index_[i]);
  return out + ")";
}

bool operator<(const Key& a, const Key& b) noexcept {
  if (a.name_ != b.name_ && a.name() != b.name()) return a.name() < b.name();
  return std::lexicographical_compare(a.index_.begin(), a.index_.begin() + a.rank_,
                                      b.index_.begin(), b.index_.begin() + b.rank_);
}

Tokenizer& Tokenizer::add(std::string_view s) noexcept {
  state_ = mix64(state_ ^ hash_bytes(s.data(), s.size(), 0x73));
  return *this;
}
Tokenizer& Tokenizer::add(std::int64_t v) noexcept {
  state_ = mix64(state_ ^ mix64(static_cast<std::uint64_t>(v) + 0x69));
  return *this;
}
Tokenizer& Tokenizer::add(const Value& v) {
  state_ = mix64(state_ ^ v.hash());
  return *this;
}
Tokenizer& Tokenizer::add(const Key& k) noexcept {
  state_ = mix64(state_ ^ (static_cast<std::uint64_t>(k.hash()) + 0x6b));
  return *this;
}

std::string Tokenizer::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  std::uint64_t x = state_;
  for (int i = 15; i >= 0; --i, x >>= 4) out[i] = kDigits[x & 15];
  return out;
}

}  // namespace shoal
