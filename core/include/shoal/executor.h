// Executor: what runs a graph for some keys.
//
// Implementations: InlineExecutor (core, one thread, for debugging),
// LocalCluster (actors, in one process: the default) and, across nodes,
// Client (actors). A graph is validated before anything runs.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "shoal/graph.h"
#include "shoal/observer.h"
#include "shoal/value.h"

namespace shoal {

struct RunOptions {
  TaskObserver* observer = nullptr;  ///< Not owned; may be null.
  /// Draw a ProgressBar on stderr when it is a terminal.
  bool progress = false;
  /// Cancellation: when set, the executor reads the flag (from its own
  /// threads) and, once it is true, dispatches no further task of the run,
  /// lets the tasks already running finish (an op is never interrupted) and
  /// throws CancelledError from run(). Shared so that another thread (a GUI's
  /// Stop button) can set it while run() blocks; set it with
  /// `cancel->store(true)`. A flag that is already true cancels the run
  /// before its first task.
  std::shared_ptr<std::atomic<bool>> cancel;
  bool cancelled() const noexcept { return cancel && cancel->load(std::memory_order_relaxed); }
};

class Executor {
 public:
  virtual ~Executor() = default;

  /// Computes the values of `outputs`, in their order. Throws GraphError
  /// before running anything when the graph is not runnable, and TaskError
  /// (naming key, op and message) when an op throws; in that case the rest
  /// of the run is cancelled. Intermediate results are released as soon as
  /// no remaining task needs them. Thread-safe: runs may overlap.
  virtual std::vector<Value> run(const Graph& graph, std::span<const Key> outputs,
                                 const RunOptions& options = {}) = 0;

  virtual std::string name() const = 0;
};

/// The executor compute() uses when given none: the process-wide LocalCluster
/// when Shoal::actors is linked (it registers itself), else an
/// InlineExecutor. Created on first use.
Executor& default_executor();

/// Replaces the factory behind default_executor(); for Shoal::actors and for
/// applications that want another default. Takes effect if called before
/// the first default_executor() call.
void set_default_executor_factory(std::unique_ptr<Executor> (*factory)());

namespace detail {
/// The options compute() of every collection runs with: a progress bar on
/// a terminal.
RunOptions compute_options();
}  // namespace detail

}  // namespace shoal
