// LocalCluster: the embedded actor runtime — a supervisor and N workers in
// this process, on the C++ Actor Framework. The default executor.
//
//   shoal::LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
//   std::vector<shoal::Value> out = cluster.run(graph, {root});
//
// Every task runs in a task actor of its own, spawned when the task becomes
// ready; the supervisor actor hands ready tasks to workers by priority
// (Graph::order()), at most a few more per worker than it has threads, and
// releases each intermediate result as soon as no remaining task needs it.
// A result larger than `inline_limit` bytes is owned by a partition actor of
// its own (the unit that a distributed cluster fetches and spills); smaller
// results stay inline in the run's table. Values are passed by shared
// pointer: nothing is copied or encoded inside the process.
//
// Memory: the results the cluster holds are counted (Value::nbytes) against
// `memory_limit`. Past 70% of it the least recently used results that no
// running task reads are spilled to `spill_dir` in Shoal's columnar encoding
// and read back by the tasks that need them (results under `inline_limit`
// are counted but stay in memory); past 85% of it in process
// memory (RSS), no new task starts while others are running. Inputs being
// read and results being computed are not counted until they are stored,
// so the limit is a target for what is held, not a hard cap on the process.
//
// Stateful ops (Op::make_state) keep one state per worker, created before
// the op's first task on that worker and destroyed when the cluster stops.
//
// Thread-safety: run() may be called from several threads at once; runs
// share the workers. The destructor stops every actor and joins the threads;
// a run still in progress then fails with shoal::Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shoal/executor.h"
#include "shoal/op.h"

namespace shoal {

struct LocalClusterOptions {
  /// Worker actors. 0 = 1.
  std::size_t workers = 1;
  /// Tasks each worker runs at once. 0 = hardware threads / workers.
  std::size_t threads_per_worker = 0;
  /// Results of at least this many bytes get a partition actor.
  std::size_t inline_limit = 64 * 1024;
  /// The op set of each worker: entry i, when present and not null, is
  /// worker i's registry (e.g. a copy of the global one with a plugin
  /// loaded into it: see plugin_loader.h); other workers use the global
  /// registry. Workers report their ops when they join; a task then runs
  /// only on a worker that has its op, and there by name (the worker's own
  /// op object and per-worker state), and run() refuses a graph naming an
  /// op that no worker has with a GraphError naming it, before any task
  /// runs. A registry must not change once the cluster has started. At most
  /// 64 workers when any entry is set.
  std::vector<std::shared_ptr<const OpRegistry>> worker_registries = {};
  /// Bytes of results the cluster may hold in memory (see above). nullopt:
  /// default_memory_limit(); 0: no limit (nothing is spilled).
  std::optional<std::uint64_t> memory_limit = std::nullopt;
  /// Where spilled results go: a directory of this cluster's own is made in
  /// it at the first spill and removed when the cluster is destroyed.
  /// Empty: the system's temporary directory ($TMPDIR or /tmp).
  std::string spill_dir = {};
};

/// The default memory limit of a LocalCluster, as Dask's LocalCluster takes
/// its share of the machine: 80% of physical memory, or of the cgroup's
/// memory.max when that is lower.
std::uint64_t default_memory_limit();

/// What the cluster did, for tests and monitoring.
struct LocalClusterStats {
  std::size_t tasks_run = 0;             ///< Since the cluster started.
  std::size_t partitions_spawned = 0;    ///< Since the cluster started.
  std::size_t partitions_alive = 0;      ///< Right now.
  std::size_t last_run_peak_live = 0;    ///< Most results held at once.
  std::size_t last_run_live_at_end = 0;  ///< Results held when it finished.
  std::uint64_t memory_limit = 0;        ///< 0: none.
  std::uint64_t held_bytes = 0;          ///< Results in memory, right now.
  std::uint64_t spilled_bytes = 0;       ///< Results on disk, right now.
  std::uint64_t spilled_total = 0;       ///< Bytes spilled since the cluster started.
  std::size_t spills = 0;                ///< Results spilled since the cluster started.
  std::size_t paused_dispatches = 0;     ///< Dispatches held to one task by the pause.
  std::uint64_t last_run_peak_held = 0;  ///< Most bytes held in memory during the last run.
};

class LocalCluster : public Executor {
 public:
  explicit LocalCluster(LocalClusterOptions options = {});
  ~LocalCluster() override;
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  std::vector<Value> run(const Graph& graph, std::span<const Key> outputs,
                         const RunOptions& options = {}) override;
  std::string name() const override;

  std::size_t workers() const noexcept;
  std::size_t threads() const noexcept;
  LocalClusterStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace detail {
/// Makes LocalCluster the default executor; returns true. Called through
/// kLocalClusterIsDefault, so any program that includes this header and
/// links Shoal::actors gets a LocalCluster from default_executor().
bool make_local_cluster_default();
inline const bool kLocalClusterIsDefault = make_local_cluster_default();
}  // namespace detail

}  // namespace shoal
