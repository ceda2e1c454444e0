// A partition actor: owns one stored result and serves it to whoever fetches
// it, until the supervisor releases it (an exit message). It is the unit a
// distributed cluster moves between nodes and spills to disk; in a
// LocalCluster the supervisor spills it (HeldResults) and then tells it to
// drop its copy, so that the memory is really freed.
#include "local/messages.h"

namespace shoal::actors {

caf::behavior partition_actor(caf::event_based_actor* self, Value value,
                              std::shared_ptr<SharedCounters> counters) {
  counters->partitions_spawned.fetch_add(1, std::memory_order_relaxed);
  counters->partitions_alive.fetch_add(1, std::memory_order_relaxed);
  self->attach_functor(
      [counters] { counters->partitions_alive.fetch_sub(1, std::memory_order_relaxed); });
  auto held = std::make_shared<Value>(std::move(value));
  return {
      [held](fetch_atom) { return *held; },
      [held](spill_atom) { *held = Value(); },
  };
}

}  // namespace shoal::actors
