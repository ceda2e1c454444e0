#include "shoal/table.h"

#include <unordered_set>

#include "shoal/error.h"
#include "shoal/key.h"

namespace shoal {

Table::Table(std::vector<std::string> names, std::vector<std::shared_ptr<const Column>> columns)
    : names_(std::move(names)), columns_(std::move(columns)) {
  if (names_.size() != columns_.size()) {
    throw Error("table: " + std::to_string(names_.size()) + " names for " +
                std::to_string(columns_.size()) + " columns");
  }
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i]) throw Error("table: column '" + names_[i] + "' is null");
    if (!seen.insert(names_[i]).second)
      throw Error("table: column name '" + names_[i] + "' repeats");
    if (i == 0) num_rows_ = columns_[i]->size();
    if (columns_[i]->size() != num_rows_) {
      throw Error("table: column '" + names_[i] + "' has " + std::to_string(columns_[i]->size()) +
                  " rows, column '" + names_[0] + "' has " + std::to_string(num_rows_));
    }
  }
}

int Table::index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const Column& Table::column(std::string_view name) const {
  int i = index_of(name);
  if (i < 0) {
    std::string have;
    for (const auto& n : names_) have += (have.empty() ? "" : ", ") + n;
    throw Error("no column '" + std::string(name) + "' in table; columns are: " + have);
  }
  return *columns_[i];
}

std::size_t Table::nbytes() const noexcept {
  std::size_t n = 0;
  for (const auto& c : columns_) n += c->nbytes();
  return n;
}

std::uint64_t Table::hash() const noexcept {
  std::uint64_t h = mix64(num_rows_ + 0x7a);
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    h = mix64(h ^ hash_bytes(names_[i].data(), names_[i].size()) ^ columns_[i]->hash());
  }
  return h;
}

bool operator==(const Table& a, const Table& b) {
  if (a.names_ != b.names_ || a.num_rows_ != b.num_rows_) return false;
  for (std::size_t i = 0; i < a.columns_.size(); ++i) {
    if (a.columns_[i] != b.columns_[i] && !(*a.columns_[i] == *b.columns_[i])) return false;
  }
  return true;
}

}  // namespace shoal
