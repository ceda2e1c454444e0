// Internal: the remote worker actor (see shoal/worker_node.h for what it
// does, remote.h for its protocol). Includes CAF.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "distributed/path_guard.h"
#include "distributed/protocol.h"

namespace shoal::actors {

struct RemoteWorkerConfig {
  std::string name;
  std::string scheduler_host;
  std::uint16_t scheduler_port = 0;
  std::string host;        // where this worker serves fetches
  std::uint16_t port = 0;  // set once published
  std::size_t threads = 1;
  std::uint64_t memory_limit = 0;
  std::filesystem::path spill_dir;
  std::size_t inline_limit = 1024;
  std::chrono::milliseconds heartbeat_interval{500};
  std::chrono::milliseconds death_timeout{30000};
  /// Refuses tasks whose paths lie outside --allow-path; never null.
  std::shared_ptr<const PathGuard> paths = std::make_shared<PathGuard>();
  std::function<void(const std::string&)> log;
  /// Called (from an actor thread) each time the worker has registered.
  std::function<void()> on_registered;
  /// Called once when the worker gives up on the scheduler, with the reason.
  std::function<void(const std::string&)> on_gone;
};

/// Spawned idle; (register_atom, port) starts it: it connects to the
/// scheduler and registers.
caf::behavior remote_worker_actor(caf::event_based_actor* self, RemoteWorkerConfig config);

}  // namespace shoal::actors
