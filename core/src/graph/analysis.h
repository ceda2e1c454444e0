// The dense view of a graph that validation, ordering, fusing and Plan share:
// tasks numbered 0..n-1, dependencies and dependents as flat arrays.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "shoal/graph.h"

namespace shoal::detail {

struct GraphAnalysis {
  std::vector<const Task*> tasks;      // by id
  std::vector<std::size_t> positions;  // id -> position in Graph::tasks()
  std::vector<std::size_t> dep_off, out_off, ref_off;
  std::vector<std::uint32_t> dep_ids, out_ids, ref_ids;
  std::vector<std::uint32_t> outputs;  // ids of the requested outputs
  std::vector<std::string> problems;

  std::size_t size() const { return tasks.size(); }
  std::span<const std::uint32_t> deps(std::uint32_t id) const {
    return {dep_ids.data() + dep_off[id], dep_off[id + 1] - dep_off[id]};
  }
  std::span<const std::uint32_t> dependents(std::uint32_t id) const {
    return {out_ids.data() + out_off[id], out_off[id + 1] - out_off[id]};
  }
};

/// Analyzes the tasks that `outputs` need, or the whole graph when `whole`
/// (then ids equal positions). Fills `problems` rather than throwing. Ops are
/// checked against `registry`; nullptr checks only that every task has one.
GraphAnalysis analyze(const Graph& graph, std::span<const Key> outputs, bool whole,
                      const OpRegistry* registry = &OpRegistry::global());

/// Priorities in the manner of dask.order (see Graph::order()): a
/// depth-first post-order from the sinks, most demanding dependency first.
/// `sinks_first` lists sinks to start from, in order; other sinks follow by id.
std::vector<std::uint32_t> order_priorities(const GraphAnalysis& a,
                                            std::span<const std::uint32_t> sinks_first);

}  // namespace shoal::detail
