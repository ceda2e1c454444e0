// Registers the ops DataFrame graphs name (private to core; called by
// OpRegistry::global(), so every process that links core can run them).
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_dataframe_ops(OpRegistry& registry);
void register_csv_ops(OpRegistry& registry);
void register_shuffle_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
