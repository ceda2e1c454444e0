#include "shoal/column.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "shoal/error.h"
#include "shoal/key.h"

namespace shoal {

std::string_view type_name(DataType type) noexcept {
  switch (type) {
    case DataType::kBool:
      return "bool";
    case DataType::kInt64:
      return "int64";
    case DataType::kFloat64:
      return "float64";
    case DataType::kString:
      return "string";
    case DataType::kTimestamp:
      return "timestamp[ns]";
  }
  return "?";
}

namespace {

std::size_t storage_index_for(DataType type) {
  switch (type) {
    case DataType::kBool:
      return 0;
    case DataType::kInt64:
    case DataType::kTimestamp:
      return 1;
    case DataType::kFloat64:
      return 2;
    case DataType::kString:
      return 3;
  }
  return 0;
}

std::size_t storage_size(const Column::Storage& s) {
  if (const auto* str = std::get_if<StringData>(&s)) return str->offsets.size() - 1;
  return std::visit(
      [](const auto& v) -> std::size_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, StringData>)
          return 0;
        else
          return v.size();
      },
      s);
}

}  // namespace

Column::Column(DataType type, Storage storage, std::vector<std::uint8_t> validity)
    : type_(type), storage_(std::move(storage)), validity_(std::move(validity)) {
  if (storage_.index() != storage_index_for(type_)) {
    throw Error("column of type " + std::string(type_name(type_)) + " given mismatched storage");
  }
  if (const auto* s = std::get_if<StringData>(&storage_)) {
    if (s->offsets.empty() || s->offsets.front() != 0 ||
        static_cast<std::size_t>(s->offsets.back()) != s->chars.size()) {
      throw Error("string column: offsets must start at 0 and end at the character count");
    }
    for (std::size_t i = 1; i < s->offsets.size(); ++i) {
      if (s->offsets[i] < s->offsets[i - 1]) throw Error("string column: offsets decrease");
    }
  }
  size_ = storage_size(storage_);
  if (!validity_.empty()) {
    if (validity_.size() != (size_ + 7) / 8) {
      throw Error("column validity bitmap has " + std::to_string(validity_.size()) +
                  " bytes, expected " + std::to_string((size_ + 7) / 8));
    }
    // Whole bytes by popcount; the bits past size_ in the last byte are ignored.
    std::size_t valid = 0;
    for (std::size_t b = 0; b < size_ / 8; ++b) valid += std::popcount(validity_[b]);
    for (std::size_t i = size_ / 8 * 8; i < size_; ++i) valid += is_valid(i);
    null_count_ = size_ - valid;
  }
}

Column Column::from_bools(std::vector<bool> v) {
  return Column(DataType::kBool, std::vector<std::uint8_t>(v.begin(), v.end()));
}
Column Column::from_int64(std::vector<std::int64_t> v) {
  return Column(DataType::kInt64, std::move(v));
}
Column Column::from_float64(std::vector<double> v) {
  return Column(DataType::kFloat64, std::move(v));
}
Column Column::from_timestamps(std::vector<std::int64_t> nanos) {
  return Column(DataType::kTimestamp, std::move(nanos));
}
Column Column::from_strings(const std::vector<std::string>& v) {
  StringData s;
  s.offsets.reserve(v.size() + 1);
  for (const auto& x : v) {
    s.chars += x;
    s.offsets.push_back(static_cast<std::int64_t>(s.chars.size()));
  }
  return Column(DataType::kString, std::move(s));
}

std::span<const std::uint8_t> Column::bools() const {
  if (type_ != DataType::kBool)
    throw TypeError("column is " + std::string(type_name(type_)) + ", not bool");
  return std::get<0>(storage_);
}
std::span<const std::int64_t> Column::int64s() const {
  if (storage_.index() != 1)
    throw TypeError("column is " + std::string(type_name(type_)) + ", not int64");
  return std::get<1>(storage_);
}
std::span<const double> Column::float64s() const {
  if (type_ != DataType::kFloat64)
    throw TypeError("column is " + std::string(type_name(type_)) + ", not float64");
  return std::get<2>(storage_);
}
const StringData& Column::strings() const {
  if (type_ != DataType::kString)
    throw TypeError("column is " + std::string(type_name(type_)) + ", not string");
  return std::get<3>(storage_);
}
std::string_view Column::string_at(std::size_t row) const {
  const StringData& s = strings();
  return std::string_view(s.chars).substr(s.offsets[row], s.offsets[row + 1] - s.offsets[row]);
}

std::size_t Column::nbytes() const noexcept {
  std::size_t n = validity_.size();
  std::visit(
      [&](const auto& v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, StringData>) {
          n += v.offsets.size() * sizeof(std::int64_t) + v.chars.size();
        } else {
          n += v.size() * sizeof(v[0]);
        }
      },
      storage_);
  return n;
}

std::uint64_t Column::hash() const noexcept {
  std::uint64_t h = mix64(static_cast<std::uint64_t>(type_) + 0x51);
  for (std::size_t i = 0; i < size_; ++i) {
    std::uint64_t x = 0x6e756c6c;  // "null"
    if (is_valid(i)) {
      switch (storage_.index()) {
        case 0:
          x = std::get<0>(storage_)[i];
          break;
        case 1:
          x = static_cast<std::uint64_t>(std::get<1>(storage_)[i]);
          break;
        case 2: {
          double d = std::get<2>(storage_)[i];
          if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
          if (d == 0) d = 0;
          std::memcpy(&x, &d, sizeof x);
          break;
        }
        case 3: {
          auto sv = string_at(i);
          x = hash_bytes(sv.data(), sv.size());
          break;
        }
      }
    }
    h = mix64(h ^ x) + i;
  }
  return h;
}

bool operator==(const Column& a, const Column& b) {
  if (a.type_ != b.type_ || a.size_ != b.size_ || a.null_count_ != b.null_count_) return false;
  for (std::size_t i = 0; i < a.size_; ++i) {
    bool va = a.is_valid(i), vb = b.is_valid(i);
    if (va != vb) return false;
    if (!va) continue;  // the value under a null is unspecified
    switch (a.storage_.index()) {
      case 0:
        if (a.bools()[i] != b.bools()[i]) return false;
        break;
      case 1:
        if (a.int64s()[i] != b.int64s()[i]) return false;
        break;
      case 2: {
        double x = a.float64s()[i], y = b.float64s()[i];
        if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
        break;
      }
      case 3:
        if (a.string_at(i) != b.string_at(i)) return false;
        break;
    }
  }
  return true;
}

}  // namespace shoal
