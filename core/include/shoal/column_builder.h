// ColumnBuilder: appends values and nulls of one type, then finishes into an
// immutable Column.
//
// The append methods are inline and allocate only when the vectors grow, so
// parsers and kernels may call them once per row. The validity bitmap is
// created on the first null only: a column without nulls carries none.
// Not thread-safe; one builder per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "shoal/column.h"

namespace shoal {

class ColumnBuilder {
 public:
  explicit ColumnBuilder(DataType type, std::size_t reserve = 0);

  DataType type() const noexcept { return type_; }
  std::size_t size() const noexcept { return size_; }

  void append_null();
  void append_bool(bool v) {
    u8_.push_back(v ? 1 : 0);
    valid_one();
  }
  /// int64 and timestamp columns.
  void append_int64(std::int64_t v) {
    i64_.push_back(v);
    valid_one();
  }
  void append_float64(double v) {
    f64_.push_back(v);
    valid_one();
  }
  /// Appends valid float64 values at once (one capacity check, one copy).
  void append_float64s(std::span<const double> v) { append_valid(f64_, v); }
  /// Appends valid int64 values at once.
  void append_int64s(std::span<const std::int64_t> v) { append_valid(i64_, v); }
  void append_string(std::string_view v) {
    str_.chars.append(v.data(), v.size());
    str_.offsets.push_back(static_cast<std::int64_t>(str_.chars.size()));
    valid_one();
  }
  /// Appends row `row` of `c` (value or null); c must have this type.
  void append_from(const Column& c, std::size_t row);
  /// Appends every row of `c` (values and nulls) at once; c must have this type.
  void append_column(const Column& c);

  /// The column built so far; the builder is empty afterwards.
  Column finish();
  std::shared_ptr<const Column> finish_shared();

 private:
  void valid_one() {
    if (!validity_.empty()) set_bit(size_, true);
    ++size_;
  }
  template <class T>
  void append_valid(std::vector<T>& values, std::span<const T> v) {
    values.insert(values.end(), v.begin(), v.end());
    if (!validity_.empty()) {
      for (std::size_t i = 0; i < v.size(); ++i) set_bit(size_ + i, true);
    }
    size_ += v.size();
  }
  void set_bit(std::size_t i, bool v);
  void start_validity();  // every row so far valid

  DataType type_;
  std::vector<std::uint8_t> u8_;
  std::vector<std::int64_t> i64_;
  std::vector<double> f64_;
  StringData str_;
  std::vector<std::uint8_t> validity_;  ///< Empty until the first null.
  std::size_t size_ = 0;
};

}  // namespace shoal
