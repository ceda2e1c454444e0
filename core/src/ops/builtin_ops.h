// The ops every Shoal process knows.
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_builtin_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
