// The row order of one numeric or bool sort key by radix sort (private to
// core): sort_indices' path for the common sort_values(one column), where a
// comparison sort through compare_values spends most of its time
// dispatching on the column's type for every comparison.
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

}  // namespace shoal::detail
