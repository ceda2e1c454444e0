// The invariants the simulator checks after every event, on the
// scheduler's state and against what the simulated workers really hold.
//
//   assigned-to-removed   a task processing (or a result held) on a removed worker
//   transition            a task state changed in a way the state machine forbids
//   count                 `remaining` or a worker's `assigned` disagrees with the states
//   memory-without-holder a key in memory with no live holder, not inline, not recomputing
//   holder-lacks-key      the scheduler says an intact worker holds a key it does not hold
//
// Each failure is one line naming the invariant, the run, the task and the
// worker involved.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "distributed/scheduler_core.h"

namespace shoal::sim {

/// What a worker's process really holds: kUnknown when the process behind
/// that registration is gone or has dropped everything since.
enum class Holding { kHolds, kLacks, kUnknown };
using HoldsFn = std::function<Holding(actors::WorkerId, std::uint64_t run, std::uint32_t id)>;

class InvariantChecker {
 public:
  /// "" when every invariant holds, else the first that does not.
  std::string check(const actors::SchedulerCore& core, const HoldsFn& holds);

 private:
  std::string check_transitions(const actors::RemoteRun& run);
  std::map<std::uint64_t, std::vector<actors::TaskState>> last_;  // by run id
};

/// The checks when the schedule is over and everything was released:
/// no run left, nothing assigned, nothing held by any intact worker.
std::string check_settled(const actors::SchedulerCore& core, std::size_t results_still_held);

}  // namespace shoal::sim
