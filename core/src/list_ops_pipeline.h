// Registers the whole-list ops of pipelines ("list.*", palette group "Text";
// private to core).
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_list_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
