// Table: one DataFrame partition — named, typed, immutable columns of equal
// length. Columns are shared, so selecting or renaming is cheap.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/column.h"

namespace shoal {

class Table {
 public:
  Table() = default;
  /// Throws shoal::Error when names and columns differ in count, a name
  /// repeats, or the columns differ in length.
  Table(std::vector<std::string> names, std::vector<std::shared_ptr<const Column>> columns);

  std::size_t num_rows() const noexcept { return num_rows_; }
  std::size_t num_columns() const noexcept { return columns_.size(); }
  const std::vector<std::string>& names() const noexcept { return names_; }
  const Column& column(std::size_t i) const { return *columns_.at(i); }
  /// Throws shoal::Error naming the column and the ones that exist.
  const Column& column(std::string_view name) const;
  std::shared_ptr<const Column> column_ptr(std::size_t i) const { return columns_.at(i); }
  /// -1 when absent.
  int index_of(std::string_view name) const noexcept;

  std::size_t nbytes() const noexcept;
  std::uint64_t hash() const noexcept;
  friend bool operator==(const Table& a, const Table& b);

 private:
  std::vector<std::string> names_;
  std::vector<std::shared_ptr<const Column>> columns_;
  std::size_t num_rows_ = 0;
};

}  // namespace shoal
