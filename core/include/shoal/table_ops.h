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

}  // namespace shoal
