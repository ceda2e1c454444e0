// Internal: what SchedulerCore asks of the world. The scheduler actor turns
// each command into a message (scheduler_actor.cpp); the simulator
// (tests/sim) delivers them to simulated workers and clients instead.
// Commands come out in the order the core decided them, and the order
// matters: a client's events precede its result, a worker's peers list
// precedes the tasks that name those peers.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "distributed/scheduler_state.h"
#include "shoal/wire.h"

namespace shoal::actors::cmd {

/// Call SchedulerCore::flush() once the events queued now are handled, so
/// that replies arriving together are placed and sent together.
struct ScheduleFlush {};

/// A batch for a worker: AssignTask (with fetch hints: where each input
/// is) and Release messages.
struct ToWorker {
  WorkerId worker = 0;
  std::vector<wire::Message> messages;
};

/// Ask a worker to give back queued tasks of `run` (ids in decimal); it
/// answers with SchedulerCore::stolen().
struct Steal {
  WorkerId worker = 0;
  std::uint64_t run = 0;
  std::vector<std::string> ids;
};

/// Every live worker's name and fetch address, for one worker.
struct Peers {
  WorkerId worker = 0;
  std::vector<std::string> names, addresses;
};

/// The worker is removed: stop watching it; when `tell`, tell it so (it
/// drops everything and registers anew).
struct RemoveWorker {
  WorkerId worker = 0;
  bool tell = false;
};

/// Progress lines of a run for its client ("S id 0 worker", "F ...", "E ...").
struct ClientEvents {
  ClientId client = 0;
  std::uint64_t client_run = 0;
  std::vector<std::string> lines;
};

/// A run ended: its outputs' locations, or why it failed.
struct ClientResult {
  ClientId client = 0;
  std::uint64_t client_run = 0;
  wire::RunResult result;
};

/// Lines of the cluster event stream, for every subscriber.
struct Publish {
  std::vector<std::string> lines;
};

}  // namespace shoal::actors::cmd

namespace shoal::actors {

using Command = std::variant<cmd::ScheduleFlush, cmd::ToWorker, cmd::Steal, cmd::Peers,
                             cmd::RemoveWorker, cmd::ClientEvents, cmd::ClientResult, cmd::Publish>;

}  // namespace shoal::actors
