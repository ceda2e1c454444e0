// Registers the ops DataFrame graphs name (private to core; called by
// OpRegistry::global(), so every process that links core can run them).
#pragma once

#include <cstddef>

namespace shoal {
class Column;
class Table;
}  // namespace shoal

namespace shoal {
class OpRegistry;
namespace detail {
void register_dataframe_ops(OpRegistry& registry);
void register_csv_ops(OpRegistry& registry);
void register_shuffle_ops(OpRegistry& registry);
void register_sink_ops(OpRegistry& registry);

/// The n - 1 boundaries that cut the sorted samples (a one-column table)
/// into n parts of equal count, without repeats (so a value is in exactly
/// one partition).
Column choose_divisions(const Table& samples, std::size_t n);
}  // namespace detail
}  // namespace shoal
