#include "shoal/column_builder.h"

#include "shoal/error.h"

namespace shoal {

ColumnBuilder::ColumnBuilder(DataType type, std::size_t reserve) : type_(type) {
  switch (type_) {
    case DataType::kBool:
      u8_.reserve(reserve);
      break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      i64_.reserve(reserve);
      break;
    case DataType::kFloat64:
      f64_.reserve(reserve);
      break;
    case DataType::kString:
      str_.offsets.reserve(reserve + 1);
      str_.chars.reserve(reserve * 8);  // short strings are the common case
      break;
  }
}

void ColumnBuilder::set_bit(std::size_t i, bool v) {
  if (validity_.size() <= i / 8) validity_.resize(i / 8 + 1, 0);
  if (v)
    validity_[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  else
    validity_[i / 8] &= static_cast<std::uint8_t>(~(1u << (i % 8)));
}

void ColumnBuilder::start_validity() {
  validity_.assign(size_ / 8 + 1, 0xff);
  if (size_ % 8)
    validity_.back() = static_cast<std::uint8_t>((1u << (size_ % 8)) - 1);
  else
    validity_.back() = 0;
}

void ColumnBuilder::append_null() {
  if (validity_.empty()) start_validity();  // the first null
  set_bit(size_, false);
  switch (type_) {
    case DataType::kBool:
      u8_.push_back(0);
      break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      i64_.push_back(0);
      break;
    case DataType::kFloat64:
      f64_.push_back(0);
      break;
    case DataType::kString:
      str_.offsets.push_back(static_cast<std::int64_t>(str_.chars.size()));
      break;
  }
  ++size_;
}

void ColumnBuilder::append_from(const Column& c, std::size_t row) {
  if (!c.is_valid(row)) return append_null();
  switch (type_) {
    case DataType::kBool:
      return append_bool(c.bools()[row]);
    case DataType::kInt64:
    case DataType::kTimestamp:
      return append_int64(c.int64s()[row]);
    case DataType::kFloat64:
      return append_float64(c.float64s()[row]);
    case DataType::kString:
      return append_string(c.string_at(row));
  }
}

void ColumnBuilder::append_column(const Column& c) {
  const std::size_t n = c.size();
  switch (type_) {
    case DataType::kBool:
      u8_.insert(u8_.end(), c.bools().begin(), c.bools().end());
      break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      i64_.insert(i64_.end(), c.int64s().begin(), c.int64s().end());
      break;
    case DataType::kFloat64:
      f64_.insert(f64_.end(), c.float64s().begin(), c.float64s().end());
      break;
    case DataType::kString: {
      const StringData& s = c.strings();
      const std::int64_t shift = static_cast<std::int64_t>(str_.chars.size()) - s.offsets[0];
      str_.chars.append(s.chars, static_cast<std::size_t>(s.offsets[0]),
                        static_cast<std::size_t>(s.offsets[n] - s.offsets[0]));
      for (std::size_t i = 1; i <= n; ++i) str_.offsets.push_back(s.offsets[i] + shift);
      break;
    }
  }
  if (c.null_count() > 0 && validity_.empty()) start_validity();
  if (!validity_.empty()) {
    for (std::size_t i = 0; i < n; ++i) set_bit(size_ + i, c.is_valid(i));
  }
  size_ += n;
}

Column ColumnBuilder::finish() {
  std::vector<std::uint8_t> validity = std::move(validity_);
  if (!validity.empty()) validity.resize((size_ + 7) / 8, 0);
  validity_.clear();
  size_ = 0;
  switch (type_) {
    case DataType::kBool:
      return Column(type_, std::move(u8_), std::move(validity));
    case DataType::kInt64:
    case DataType::kTimestamp:
      return Column(type_, std::move(i64_), std::move(validity));
    case DataType::kFloat64:
      return Column(type_, std::move(f64_), std::move(validity));
    case DataType::kString: {
      StringData s = std::move(str_);
      str_ = StringData{};
      return Column(type_, std::move(s), std::move(validity));
    }
  }
  throw Error("column builder: unknown type");
}

std::shared_ptr<const Column> ColumnBuilder::finish_shared() {
  return std::make_shared<const Column>(finish());
}

}  // namespace shoal
