// Internal: the distributed scheduler's bookkeeping — workers, and per run
// each task's state in the dask.distributed manner:
//
//   waiting -> ready -> processing -> memory -> forgotten
//      ^         |          |            |
//      +---------+----------+------------+   a lost input, a dead worker, a
//                                            lost result that is still needed
//
// `memory` means the result is held inline here (small results) or by the
// workers in `who_has`; `forgotten` means released because nothing needs it,
// or lost with the last worker that held it. A forgotten task that becomes
// needed again (a dependent lost its result and must rerun) is required
// anew, recursively: recomputation from lineage.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "shoal/plan.h"
#include "shoal/wire.h"

namespace shoal::actors {

/// Time as the scheduler sees it: nanoseconds since an arbitrary epoch. The
/// actor passes its steady clock; the simulator a virtual one.
using Time = std::chrono::nanoseconds;
/// A worker: its index in the scheduler's table of every worker that ever
/// joined (a worker that registers anew gets a new one).
using WorkerId = std::uint32_t;
/// A client, as numbered by whoever feeds the scheduler its events.
using ClientId = std::uint64_t;

enum class TaskState : std::uint8_t { kWaiting, kReady, kProcessing, kMemory, kForgotten };

struct RemoteWorker {
  std::string name;
  std::string address;  // where it serves fetches
  std::size_t threads = 1;
  std::uint64_t memory_limit = 0;
  std::unordered_set<std::string> ops;
  bool alive = true;
  Time last_heartbeat{0};
  std::size_t assigned = 0;  // tasks in flight on it, every run
  std::uint64_t memory_bytes = 0, spilled_bytes = 0;
  std::vector<wire::Message> outbox;                                       // sent at the next flush
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> releases;  // by run
};

struct RemoteRun {
  std::uint64_t id = 0;
  ClientId client = 0;
  std::uint64_t client_run = 0;
  bool want_events = false;
  Graph graph;
  std::unique_ptr<Plan> plan;
  std::vector<TaskState> state;
  std::vector<std::uint32_t> waiting;  // dependencies not in memory
  std::vector<std::uint32_t> holders;  // dependents not yet finished
  std::vector<std::int32_t> on;        // the worker processing it
  std::vector<std::vector<std::uint32_t>> who_has;
  std::vector<Value> value;  // inline results
  std::vector<std::uint8_t> is_inline;
  std::vector<std::uint64_t> nbytes;
  std::vector<std::uint8_t> deaths;                  // workers that died while it ran there
  using Entry = std::pair<std::uint32_t, Plan::Id>;  // priority, id
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  std::size_t remaining = 0;           // tasks waiting, ready or processing
  bool keep = false;                   // futures: outputs stay (and are repaired) until released
  std::uint32_t retries = 0;           // re-runs allowed per task after an exception
  std::int32_t priority = 0;           // higher runs first
  std::vector<std::uint8_t> failures;  // exceptions per task so far
  // Placeholders ("shoal.future" tasks) stand for a future's result, held by
  // the run that computed it: (that run, its task), {0, 0} for other tasks.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> alias;
  bool finished = false;            // the result went out; kept until the client releases it
  std::int64_t failed_key = -1;     // the task that failed the run ("killed worker")
  std::vector<std::string> events;  // for the client, sent at the next flush
};

}  // namespace shoal::actors
