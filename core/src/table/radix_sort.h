// The row order of one numeric or bool sort key by radix sort (private to
// core): sort_indices' path for the common sort_values(one column), where a
// comparison sort through compare_values spends most of its time
// dispatching on the column's type for every comparison. The same
// order-preserving keys place rows between a sort's divisions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "shoal/column.h"

namespace shoal::detail {

/// The stable order of c's rows by value (ascending or descending), nulls
/// last, the same order as sort_indices' comparisons give: NaN after every
/// number ascending and before them descending, -0.0 equal to 0.0. Nothing
/// for string columns.
std::optional<std::vector<std::int64_t>> radix_sort_indices(const Column& c, bool ascending);

/// Per row of c, a key whose unsigned order is the order above of its valid
/// values, ascending (a null row's key is meaningless). Nothing for string
/// columns.
std::optional<std::vector<std::uint64_t>> order_keys(const Column& c);

}  // namespace shoal::detail
