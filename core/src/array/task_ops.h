// The registered ops of Array graphs.
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_array_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
