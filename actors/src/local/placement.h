// Placement when workers have different op sets: which workers may run each
// task of a run. Internal to actors/.
#pragma once

#include <span>
#include <string>

#include "local/messages.h"

namespace shoal::actors {

/// The most workers a LocalCluster with per-worker op sets may have (one bit
/// each in a task group's mask).
inline constexpr std::size_t kMaxPlacedWorkers = 64;

/// Groups the tasks of `run` by the set of workers having every op they run
/// (a fused task runs several), filling run.group_masks, group_of and
/// ready_by_group. Returns a message naming an op (and a task using it) that
/// no worker has, or an empty string when every task can be placed.
std::string group_by_workers(RunState& run, std::span<const WorkerOps* const> workers);

/// Queues a ready task: in its group when the run is grouped, else in `ready`.
inline void push_ready(RunState& run, Plan::Id id) {
  if (run.group_masks.empty()) {
    run.ready.emplace(run.plan.priority(id), id);
  } else {
    run.ready_by_group[run.group_of[id]].emplace(run.plan.priority(id), id);
  }
}

/// Drops every ready task of `run` (it failed: nothing more is dispatched).
inline void clear_ready(RunState& run) {
  run.ready = {};
  for (auto& q : run.ready_by_group) q = {};
}

}  // namespace shoal::actors
