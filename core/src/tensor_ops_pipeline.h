// Registers the whole-tensor ops of pipelines ("tensor.*", palette group
// "Tensor"; private to core).
#pragma once

namespace shoal {
class OpRegistry;
namespace detail {
void register_tensor_ops(OpRegistry& registry);
}  // namespace detail
}  // namespace shoal
