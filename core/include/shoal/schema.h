// Schema: the column names and types of a DataFrame, known before anything
// runs (read_csv infers it from a sample; every op derives its output's).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shoal/column.h"

namespace shoal {

struct Schema {
  std::vector<std::string> names;
  std::vector<DataType> types;

  std::size_t size() const noexcept { return names.size(); }
  /// -1 when absent.
  int index_of(std::string_view name) const noexcept;
  /// Throws shoal::Error naming the column and the ones that exist.
  DataType type_of(std::string_view name) const;
  /// "x: float64, key: string".
  std::string str() const;
  friend bool operator==(const Schema&, const Schema&) = default;
};

/// The type named "bool", "int64", "float64", "string" (or "str", "object"),
/// "timestamp[ns]" (or "timestamp", "datetime64[ns]"). Throws shoal::Error
/// listing the names it knows.
DataType parse_type_name(std::string_view name);

}  // namespace shoal
