// Registers the ops that pipeline nodes name (private to core; called by
// OpRegistry::global(), so every process that links core can run them):
// `value` (group "Sources"), the whole-table `table.*`, the whole-list
// `list.*` (group "Text") and the whole-tensor `tensor.*` ops.
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_value_node(OpRegistry& registry);
void register_table_nodes(OpRegistry& registry);
void register_list_nodes(OpRegistry& registry);
void register_tensor_nodes(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
