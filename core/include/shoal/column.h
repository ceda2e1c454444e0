// Column: one typed, immutable column of a Table, with nulls.
//
// Storage is columnar in the manner of Apache Arrow: numbers in one
// contiguous vector, strings as offsets into one character buffer, and a
// validity bitmap (bit i set = row i valid; an empty bitmap = no nulls).
// Columns are shared between Tables by shared_ptr and never mutated.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shoal {

enum class DataType : std::uint8_t { kBool, kInt64, kFloat64, kString, kTimestamp };

/// "bool", "int64", "float64", "string", "timestamp[ns]".
std::string_view type_name(DataType type) noexcept;

/// Strings of a column: row i is chars[offsets[i], offsets[i+1]).
struct StringData {
  std::vector<std::int64_t> offsets{0};
  std::string chars;
};

class Column {
 public:
  using Storage = std::variant<std::vector<std::uint8_t>,  // bool: 0 or 1
                               std::vector<std::int64_t>,  // int64, timestamp
                               std::vector<double>,        // float64
                               StringData>;                // string

  /// Builds a column; validity is a bitmap of (size + 7) / 8 bytes or empty.
  /// Throws shoal::Error when storage does not fit the type or the sizes differ.
  Column(DataType type, Storage storage, std::vector<std::uint8_t> validity = {});

  static Column from_bools(std::vector<bool> v);
  static Column from_int64(std::vector<std::int64_t> v);
  static Column from_float64(std::vector<double> v);
  static Column from_strings(const std::vector<std::string>& v);
  static Column from_timestamps(std::vector<std::int64_t> nanos);

  DataType type() const noexcept { return type_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t null_count() const noexcept { return null_count_; }
  bool is_valid(std::size_t row) const noexcept {
    return validity_.empty() || ((validity_[row >> 3] >> (row & 7)) & 1);
  }
  const std::vector<std::uint8_t>& validity() const noexcept { return validity_; }
  const Storage& storage() const noexcept { return storage_; }

  std::span<const std::uint8_t> bools() const;
  /// int64 and timestamp columns.
  std::span<const std::int64_t> int64s() const;
  std::span<const double> float64s() const;
  const StringData& strings() const;
  std::string_view string_at(std::size_t row) const;

  std::size_t nbytes() const noexcept;
  std::uint64_t hash() const noexcept;
  friend bool operator==(const Column& a, const Column& b);

 private:
  DataType type_;
  Storage storage_;
  std::vector<std::uint8_t> validity_;
  std::size_t size_ = 0;
  std::size_t null_count_ = 0;
};

}  // namespace shoal
