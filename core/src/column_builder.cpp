#include "shoal/column_builder.h"

#include "shoal/error.h"

namespace shoal {

ColumnBuilder::ColumnBuilder(DataType type, std::size_t reserve) : type_(type) {
  switch (type_) {
    case DataType::kBool: u8_.reserve(reserve); break;
    case DataType::kInt64:
    case DataType::kTimestamp: i64_.reserve(reserve); break;
    case DataType::kFloat64: f64_.reserve(reserve); break;
    case DataType::kString:
      str_.offsets.reserve(reserve + 1);
      str_.chars.reserve(reserve * 8);  // short strings are the common case
      break;
  }
}

void ColumnBuilder::set_bit(std::size_t i, bool v) {
  if (validity_.size() <= i / 8) validity_.resize(i / 8 + 1, 0);
  if (v) validity_[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  else validity_[i / 8] &= static_cast<std::uint8_t>(~(1u << (i % 8)));
}

void ColumnBuilder::append_null() {
  if (validity_.empty()) {
    // The first null: every earlier row was valid.
    validity_.assign(size_ / 8 + 1, 0xff);
    if (size_ % 8) validity_.back() = static_cast<std::uint8_t>((1u << (size_ % 8)) - 1);
    else validity_.back() = 0;
  }
  set_bit(size_, false);
  switch (type_) {
    case DataType::kBool: u8_.push_back(0); break;
    case DataType::kInt64:
    case DataType::kTimestamp: i64_.push_back(0); break;
    case DataType::kFloat64: f64_.push_back(0); break;
    case DataType::kString: str_.offsets.push_back(static_cast<std::int64_t>(str_.chars.size())); break;
  }
  ++size_;
}

void ColumnBuilder::append_from(const Column& c, std::size_t row) {
  if (!c.is_valid(row)) return append_null();
  switch (type_) {
    case DataType::kBool: return append_bool(c.bools()[row]);
    case DataType::kInt64:
    case DataType::kTimestamp: return append_int64(c.int64s()[row]);
    case DataType::kFloat64: return append_float64(c.float64s()[row]);
    case DataType::kString: return append_string(c.string_at(row));
  }
}

Column ColumnBuilder::finish() {
  std::vector<std::uint8_t> validity = std::move(validity_);
  if (!validity.empty()) validity.resize((size_ + 7) / 8, 0);
  validity_.clear();
  size_ = 0;
  switch (type_) {
    case DataType::kBool: return Column(type_, std::move(u8_), std::move(validity));
    case DataType::kInt64:
    case DataType::kTimestamp: return Column(type_, std::move(i64_), std::move(validity));
    case DataType::kFloat64: return Column(type_, std::move(f64_), std::move(validity));
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
