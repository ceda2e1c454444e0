// Table kernels: the vectorized building blocks of DataFrame ops.
//
// Every function is pure: it reads its inputs and returns new columns or
// tables (sharing unchanged columns). Nulls travel with their rows. Errors
// are shoal::Error naming the column and what to pass instead.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "shoal/column.h"
#include "shoal/table.h"

namespace shoal {

using ColumnPtr = std::shared_ptr<const Column>;

/// Rows [offset, offset + length) (clamped to the column).
Column slice(const Column& c, std::size_t offset, std::size_t length);
Table slice(const Table& t, std::size_t offset, std::size_t length);

/// The columns one after the other; all must have the same type.
Column concat(std::span<const ColumnPtr> columns);
/// The tables one after the other. Every table must have the same column
/// names and types as the first (empty tables without columns are skipped).
Table concat(std::span<const Table> tables);

/// The rows where mask is true; a null mask entry counts as false.
Column filter(const Column& c, const Column& mask);
Table filter(const Table& t, const Column& mask);

/// The rows at `indices`, in that order; an index of -1 gives a null row.
Column take(const Column& c, std::span<const std::int64_t> indices);
Table take(const Table& t, std::span<const std::int64_t> indices);

/// Mixes the hash of each row of c into hashes[row] (which has c.size()
/// entries). Equal values hash equally in every process; nulls hash alike.
void hash_column(const Column& c, std::span<std::uint64_t> hashes);
/// A hash per row over the named columns (all columns when names is empty).
std::vector<std::uint64_t> hash_rows(const Table& t, std::span<const std::string> names = {});

/// Whether row i of a equals row j of b (same type; two nulls are equal).
bool values_equal(const Column& a, std::size_t i, const Column& b, std::size_t j);
/// -1, 0 or 1; nulls order after every value.
int compare_values(const Column& a, std::size_t i, const Column& b, std::size_t j);

struct SortKey {
  std::string column;
  bool ascending = true;
};
/// The row order that sorts t by the keys (stable; nulls last, as pandas).
std::vector<std::int64_t> sort_indices(const Table& t, std::span<const SortKey> keys);

/// The same table with columns picked and ordered by name.
Table select(const Table& t, std::span<const std::string> names);

/// Splits t into n tables by the hash of the named columns: row r goes to
/// piece hash(r) % n. Equal keys land in the same piece in every process
/// (hash_rows is deterministic), which is what makes a shuffle correct.
/// Rows keep their relative order within a piece.
std::vector<Table> hash_partition(const Table& t, std::span<const std::string> names,
                                  std::size_t n);

/// Splits t into divisions.size() + 1 tables by the value of `column`: a row
/// goes to the number of divisions <= its value (so equal values share a
/// piece), reversed when !ascending; nulls go to the last piece, as pandas
/// sorts them last either way. `divisions` is sorted ascending, of the
/// column's type. Rows keep their relative order within a piece.
std::vector<Table> range_partition(const Table& t, const std::string& column,
                                   const Column& divisions, bool ascending);

/// The rows of t sorted by the keys (stable; nulls last, as pandas).
Table sort_table(const Table& t, std::span<const SortKey> keys);

}  // namespace shoal
