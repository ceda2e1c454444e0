// InlineExecutor: runs a graph on the calling thread, in priority order.
// For debugging (step through ops in a debugger) and as the reference that
// the parallel executors are tested against.
#pragma once

#include "shoal/executor.h"

namespace shoal {

class InlineExecutor : public Executor {
 public:
  std::vector<Value> run(const Graph& graph, std::span<const Key> outputs,
                         const RunOptions& options = {}) override;
  std::string name() const override { return "inline"; }

  /// The most results held at once during the last run (outputs included);
  /// tests use it to check ordering and release.
  std::size_t last_peak_live() const noexcept { return peak_live_; }

 private:
  std::size_t peak_live_ = 0;
};

}  // namespace shoal
