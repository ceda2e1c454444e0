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
// Stateful ops (Op::make_state) keep one state per worker, created before
// the op's first task on that worker and destroyed when the cluster stops.
//
// Thread-safety: run() may be called from several threads at once; runs
// share the workers. The destructor stops every actor and joins the threads;
// a run still in progress then fails with shoal::Error.
#pragma once

#include <cstddef>
#include <memory>
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
};

/// What the cluster did, for tests and monitoring.
struct LocalClusterStats {
  std::size_t tasks_run = 0;             ///< Since the cluster started.
  std::size_t partitions_spawned = 0;    ///< Since the cluster started.
  std::size_t partitions_alive = 0;      ///< Right now.
  std::size_t last_run_peak_live = 0;    ///< Most results held at once.
  std::size_t last_run_live_at_end = 0;  ///< Results held when it finished.
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
