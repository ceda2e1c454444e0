// The three phases of a tree reduction (private to core): partial per
// partition, combine of partials, finalize. Between phases the state is a
// Table: the key columns, then per aggregation j the columns "__j.a",
// "__j.b", "__j.c" its function needs (e.g. mean: sum, count; var: n, mean,
// M2 merged by Chan's formula, which stays accurate where sum-of-squares
// would cancel).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "shoal/aggregation.h"
#include "shoal/table.h"
#include "shoal/value.h"

namespace shoal::detail {

Value aggs_to_value(const std::vector<Aggregation>& aggs);
std::vector<Aggregation> aggs_from_value(const Value& v);

/// The output type of func over a column of type `in`; throws shoal::Error
/// when func does not apply (e.g. the mean of a string column).
DataType agg_result_type(const std::string& func, DataType in, const std::string& column);

Table agg_partial(const Table& in, const std::vector<std::string>& keys,
                  const std::vector<Aggregation>& aggs);
/// agg_partial for rows grouped already by one key column: group_of_row
/// numbers each row's group (-1: a null key, dropped), key_values holds the
/// key of each group in group order (groups without rows are allowed: their
/// states are empty). `in` holds the aggregated columns, not the key.
Table agg_partial_grouped(std::vector<std::int32_t> group_of_row, const std::string& key,
                          std::shared_ptr<const Column> key_values, const Table& in,
                          const std::vector<Aggregation>& aggs);
Table agg_combine(std::span<const Table> states, const std::vector<std::string>& keys,
                  const std::vector<Aggregation>& aggs);
/// The result: keys then one column per aggregation; sorted by the keys,
/// or by descending first output when by_count (value_counts).
Table agg_finalize(const Table& state, const std::vector<std::string>& keys,
                   const std::vector<Aggregation>& aggs, bool by_count);

}  // namespace shoal::detail
