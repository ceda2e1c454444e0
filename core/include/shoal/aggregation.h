// Aggregation: one reduction of a column, as groupby().agg() and the table
// kernels that compute it (partial, combine, finalize) take it.
#pragma once

#include <string>

namespace shoal {

/// One reduction: `func` of `column`, output as `name` (the column's name
/// when empty). func: sum, mean, count, min, max, var, std (ddof 1, as
/// pandas), first, last (skipping nulls), size (rows, nulls included),
/// nunique (distinct non-null values).
struct Aggregation {
  std::string column;
  std::string func;
  std::string name;
};

}  // namespace shoal
