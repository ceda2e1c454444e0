// The runtime's in-process messages and the state of one run. Internal to
// actors/: includes CAF.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <list>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

#include "shoal/error.h"
#include "shoal/executor.h"
#include "shoal/plan.h"

namespace shoal::actors {

using run_atom = caf::atom_constant<caf::atom("run")>;
using execute_atom = caf::atom_constant<caf::atom("execute")>;
using done_atom = caf::atom_constant<caf::atom("done")>;
using failed_atom = caf::atom_constant<caf::atom("failed")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using spill_atom = caf::atom_constant<caf::atom("spill")>;

using Clock = std::chrono::steady_clock;

/// Counters the actors update and LocalCluster::stats() reads.
struct SharedCounters {
  std::atomic<std::size_t> tasks_run{0};
  std::atomic<std::size_t> partitions_spawned{0};
  std::atomic<std::size_t> partitions_alive{0};
  std::atomic<std::size_t> last_run_peak_live{0};
  std::atomic<std::size_t> last_run_live_at_end{0};
  // Memory (HeldResults): bytes now, and totals since the cluster started.
  std::atomic<std::uint64_t> held_bytes{0};
  std::atomic<std::uint64_t> spilled_bytes{0};
  std::atomic<std::uint64_t> spilled_total{0};
  std::atomic<std::size_t> spills{0};
  std::atomic<std::size_t> pauses{0};
  std::atomic<std::uint64_t> last_run_peak_held{0};
};

struct RunState;

/// What HeldResults knows of one result of a run.
struct HeldSlot {
  std::uint64_t nbytes = 0;
  std::uint32_t pins = 0;    // dispatched tasks that read it
  bool stored = false;       // counted in HeldResults
  bool spilled = false;      // on disk only: RunState::input reads it back
  bool unspillable = false;  // too small, or its encoding failed (a custom value)
  bool listed = false;       // `node` is valid: in HeldResults' lru or pinned list
  bool in_lru = false;       // ... and in the lru list
  std::list<std::pair<RunState*, Plan::Id>>::iterator node;
};

/// One run of a graph. The supervisor owns everything here except `plan`
/// (immutable) and the slots of `results` that task actors read: a slot is
/// written before any task that reads it is dispatched and cleared only after
/// all of them have reported, so task actors and the supervisor never touch
/// the same slot at once.
struct RunState {
  /// `ops` is what the plan's ops are checked against (see Plan); nullptr
  /// when the cluster checks them itself (workers with op sets of their own).
  RunState(const Graph& graph, std::span<const Key> outputs, const RunOptions& options,
           const OpRegistry* ops = &OpRegistry::global())
      : plan(graph, outputs, ops), cancel(options.cancel), observers(options) {}

  const Plan plan;
  std::vector<Value> results;            // by task id; Null until done or once released
  std::vector<caf::actor> partitions;    // by task id; set for results held by a partition actor
  std::vector<std::uint32_t> waiting;    // unfinished dependencies
  std::vector<std::uint32_t> holders;    // unfinished dependents
  std::vector<std::uint16_t> worker_of;  // who runs it
  std::vector<HeldSlot> held;            // by task id (HeldResults)
  std::filesystem::path spill_prefix;    // spill files: <prefix><id>.shoal
  std::uint64_t peak_held = 0;           // most bytes the cluster held during the run
  using Entry = std::pair<std::uint32_t, Plan::Id>;  // priority, id
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  std::size_t remaining = 0;                  // tasks not yet finished
  std::size_t in_flight = 0;                  // dispatched, not yet reported
  std::size_t live = 0, peak_live = 0;        // results held
  std::optional<TaskError> error;             // first failure; the run stops
  std::shared_ptr<std::atomic<bool>> cancel;  // RunOptions::cancel; may be null
  bool cancelled = false;                     // the flag was seen: the run stops
  RunObservers observers;
  std::promise<std::vector<Value>> done;
  // Only when some worker lacks some ops (placement.cpp): ready tasks grouped
  // by the set of workers that may run them, instead of `ready`.
  std::vector<std::uint64_t> group_masks;  // workers (bits) of each group
  std::vector<std::uint8_t> group_of;      // by task id
  std::vector<decltype(ready)> ready_by_group;

  std::filesystem::path spill_file(Plan::Id id) const {
    return spill_prefix.string() + std::to_string(id) + ".shoal";
  }
  bool is_spilled(Plan::Id id) const { return !held.empty() && held[id].spilled; }
  /// The result of `id` for a task that reads it: the held value, or the
  /// spilled one read back from disk (it stays spilled).
  Value input(Plan::Id id) const { return is_spilled(id) ? read_spilled(id) : results[id]; }
  /// A spilled result read back from disk. Throws Error naming the file when
  /// it cannot be read back.
  Value read_spilled(Plan::Id id) const;
};
using RunPtr = std::shared_ptr<RunState>;

/// A task actor's report of a finished task.
struct TaskDone {
  Plan::Id id = 0;
  Value value;
  caf::actor partition;  // valid when the value is held by a partition actor
  Clock::time_point start, stop;
};

/// A task actor's report of an op that threw.
struct TaskFailed {
  Plan::Id id = 0;
  std::string message;
  Clock::time_point start, stop;
};

/// The ops a worker has, as it reports them when it joins: every op of the
/// process-wide registry (now or later) when `names` is empty, else those.
struct WorkerOps {
  std::optional<std::unordered_set<std::string>> names;
  bool has(const std::string& op) const {
    return names ? names->count(op) != 0 : OpRegistry::global().find(op) != nullptr;
  }
};

struct WorkerConfig {
  std::string name;
  caf::actor supervisor;
  std::size_t inline_limit = 0;
  std::shared_ptr<SharedCounters> counters;
  /// The worker's op set; null = the global registry (tasks then run the
  /// op objects they hold, the fast path).
  std::shared_ptr<const OpRegistry> registry;
  /// The state of stateful ops on this worker; destroyed with the worker.
  std::shared_ptr<OpStates> states = std::make_shared<OpStates>();
};

struct SupervisorConfig {
  std::size_t slots_per_worker = 1;
  std::shared_ptr<SharedCounters> counters;
  std::uint64_t memory_limit = 0;     // 0: none
  std::uint64_t min_spill_bytes = 0;  // smaller results are never spilled
  std::filesystem::path spill_dir;    // the cluster's own; removed when the supervisor stops
};

/// Schedules runs over the workers that joined it (join_atom, actor, name, WorkerOps).
caf::behavior supervisor_actor(caf::event_based_actor* self, SupervisorConfig config);
caf::behavior worker_actor(caf::event_based_actor* self,
                           std::shared_ptr<const WorkerConfig> config);
void task_actor(caf::event_based_actor* self, RunPtr run, Plan::Id id,
                std::shared_ptr<const WorkerConfig> config);
caf::behavior partition_actor(caf::event_based_actor* self, Value value,
                              std::shared_ptr<SharedCounters> counters);

}  // namespace shoal::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(shoal::actors::RunPtr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(shoal::actors::TaskDone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(shoal::actors::TaskFailed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(shoal::actors::WorkerOps)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(shoal::Value)
