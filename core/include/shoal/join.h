// merge_tables: the hash join under DataFrame::merge, on one partition.
//
//   Table out = shoal::merge_tables(trips, zones, {.on = {"zone"}, .how = JoinHow::kLeft});
//
// Semantics are pandas' `merge(left, right, on=..., how=...)`: the left's
// columns in their order, the key columns holding the left's values (the
// right's for rows only the right has); then the right's other columns;
// a name both sides have outside the keys gets `suffixes` (`_x`, `_y`). A
// null key matches a null key, as in pandas. Rows come in the left's order,
// each left row followed by its matches in the right's order; rows only the
// right has come last, in the right's order. (pandas sorts an outer join by
// key; across partitions no order is promised, as in Dask.)
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "shoal/table.h"

namespace shoal {

enum class JoinHow { kInner, kLeft, kRight, kOuter };

/// "inner", "left", "right", "outer"; throws shoal::Error on another word.
JoinHow parse_join_how(const std::string& how);
const char* join_how_name(JoinHow how) noexcept;

struct JoinSpec {
  std::vector<std::string> on;  ///< Key columns; both tables have them, of equal types.
  JoinHow how = JoinHow::kInner;
  std::pair<std::string, std::string> suffixes{"_x", "_y"};
};

/// The joined table. Throws shoal::Error when a key column is missing from a
/// side or its types differ between the sides (naming the column and both
/// types: cast one side with assign()).
Table merge_tables(const Table& left, const Table& right, const JoinSpec& spec);

/// The column names and order merge_tables gives for tables with these
/// columns (so a lazy merge knows its schema before running).
std::vector<std::string> merged_names(const std::vector<std::string>& left,
                                      const std::vector<std::string>& right, const JoinSpec& spec);

}  // namespace shoal
