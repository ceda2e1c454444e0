// Internal: read-only questions about the distributed scheduler's state —
// where a task's input is and what a worker would have to fetch, which
// worker should run a task, whether the live workers have a graph's ops,
// and the status report. SchedulerCore (scheduler_core.h) asks them; it
// alone changes the state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "distributed/scheduler_state.h"

namespace shoal::actors {

inline constexpr double kBandwidth = 100e6;   // bytes/s assumed for a fetch (Dask's default)
inline constexpr double kQueueAhead = 0.002;  // seconds of work queued per thread, for short tasks
inline constexpr std::size_t kMaxPerThread = 512;
inline constexpr const char* kFutureOpName = "shoal.future";  // placeholder tasks of futures

using RunTable = std::map<std::uint64_t, std::unique_ptr<RemoteRun>>;  // by run id, oldest first

/// Task durations the scheduler has seen, for placement.
struct PlacementStats {
  double avg_task_s = 0;                               // every task
  std::unordered_map<std::string, double> op_seconds;  // by op
  std::size_t tasks_per_thread = 4;
  void observe(const std::string& op, double seconds);
};

class ClusterView {
 public:
  ClusterView(const std::vector<RemoteWorker>& workers, const RunTable& runs,
              const PlacementStats& stats)
      : workers_(workers), runs_(runs), stats_(stats) {}

  /// Who holds input `dep` of `run`: the run itself, or for a placeholder
  /// the future's run (null when that run is gone).
  std::pair<const RemoteRun*, Plan::Id> holder_of(const RemoteRun& run, Plan::Id dep) const;
  /// Bytes of `id`'s inputs that worker `w` lacks.
  std::uint64_t missing_bytes(const RemoteRun& run, Plan::Id id, std::uint32_t w) const;
  /// Where worker `w` gets input `dep`: inline, its own store (""), or the
  /// name of a live holder. `w` past the last worker: any holder.
  wire::InputLocation location(const RemoteRun& run, Plan::Id dep, std::size_t w) const;
  /// Tasks of `op` that worker `w` may hold in flight.
  std::size_t capacity(const RemoteWorker& w, const std::string& op) const;
  /// The worker with the earliest estimated start for `id`, among those
  /// with room and the op; workers.size() if none.
  std::size_t choose_worker(const RemoteRun& run, Plan::Id id) const;
  /// Throws GraphError naming an op of `plan` that no live worker has (with
  /// no worker at all, runs wait for one).
  void check_ops(const Plan& plan) const;
  /// "run<TAB>key<TAB>op<TAB>worker", the start of a task event line.
  std::string task_line(const RemoteRun& run, Plan::Id id, std::size_t w) const;
  /// The lines of a status reply (see Client::status).
  std::vector<std::string> status(std::size_t workers_lost, std::size_t recomputed) const;

 private:
  const std::vector<RemoteWorker>& workers_;
  const RunTable& runs_;
  const PlacementStats& stats_;
};

}  // namespace shoal::actors
