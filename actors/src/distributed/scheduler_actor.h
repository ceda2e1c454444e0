// Internal: the distributed scheduler actor (see shoal/scheduler_node.h for
// what it does, remote.h for its protocol). Includes CAF.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "distributed/protocol.h"

namespace shoal::actors {

struct RemoteSchedulerConfig {
  std::chrono::milliseconds heartbeat_interval{500};
  std::chrono::milliseconds heartbeat_timeout{5000};
  std::size_t allowed_failures = 3;
  std::size_t tasks_per_thread = 4;
  std::function<void(const std::string&)> log;
};

caf::behavior remote_scheduler_actor(caf::event_based_actor* self, RemoteSchedulerConfig config);

}  // namespace shoal::actors
