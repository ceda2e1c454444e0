// Registers the whole-table ops of pipelines ("table.*"; private to core).
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_table_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
