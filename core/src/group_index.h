// GroupIndex: numbers the distinct key tuples of a table's rows (private to
// core; the heart of groupby). Open addressing on row hashes, equality
// checked on the key columns, so hash collisions never merge groups.
#pragma once

#include <cstdint>
#include <vector>

#include "shoal/column.h"

namespace shoal::detail {

struct GroupIndex {
  /// Per row: its group, or -1 when a key is null (such rows are dropped).
  std::vector<std::int32_t> group_of_row;
  /// Per group: its first row.
  std::vector<std::int64_t> first_row;
  std::size_t groups() const noexcept { return first_row.size(); }
};

/// Groups `rows` rows by the key columns; without key columns every row is
/// in group 0, and there is one group even when there are no rows.
GroupIndex group_rows(const std::vector<const Column*>& keys, std::size_t rows);

}  // namespace shoal::detail
