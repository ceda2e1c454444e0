// A worker: runs the tasks the supervisor hands it, each in a task actor of
// its own. In a LocalCluster the worker's threads are the actor system's; the
// supervisor bounds how many of its tasks are in flight.
#include "local/messages.h"

namespace shoal::actors {

caf::behavior worker_actor(caf::event_based_actor* self,
                           std::shared_ptr<const WorkerConfig> config) {
  return {
      [self, config](execute_atom, const RunPtr& run, const std::vector<Plan::Id>& ids) {
        for (Plan::Id id : ids) self->spawn(task_actor, run, id, config);
      },
  };
}

}  // namespace shoal::actors
