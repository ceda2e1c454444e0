// Registers the ops Bag graphs name (private to core; called by
// OpRegistry::global(), so every process that links core can run them).
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_bag_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
