// SchedulerCore: repair. A worker that goes takes with it the tasks it was
// running (rescheduled; a task under which `allowed_failures` workers died
// fails its run as "killed worker") and the results only it held (lost,
// and computed again from their lineage if anything still needs them). A
// result nobody needs any more is released, here and on its holders.
#include <algorithm>

#include "distributed/scheduler_core.h"
#include "shoal/error.h"

namespace shoal::actors {

// Placeholders among `task`'s inputs whose future is no longer in memory
// go back to waiting for it.
void SchedulerCore::unalias_lost(RemoteRun& run, Plan::Id task) {
  for (Plan::Id dep : run.plan->dependencies(task)) {
    auto [src_run, src_id] = run.alias[dep];
    RemoteRun* src = src_run ? find_run(src_run) : nullptr;
    if (src_run && run.state[dep] == TaskState::kMemory &&
        (!src || src->state[src_id] != TaskState::kMemory)) {
      run.state[dep] = TaskState::kForgotten;
      require(run, dep);
    }
  }
}

// The result of `id` is no longer needed: drop it here and on its holders.
void SchedulerCore::release(RemoteRun& run, Plan::Id id) {
  run.state[id] = TaskState::kForgotten;
  run.value[id] = Value();
  run.is_inline[id] = 0;
  if (run.alias[id].first) return;  // the future's run holds it
  for (WorkerId h : run.who_has[id]) {
    if (workers_[h].alive) workers_[h].releases[run.id].push_back(id);
  }
  run.who_has[id].clear();
}

// Worker `h` does not hold `id` (any more).
void SchedulerCore::forget_copy(RemoteRun& run, Plan::Id id, WorkerId h) {
  auto& holders = run.who_has[id];
  holders.erase(std::remove(holders.begin(), holders.end(), h), holders.end());
  if (holders.empty() && !run.is_inline[id] && run.state[id] == TaskState::kMemory) lost(run, id);
}

// The last copy of `id` is gone. Dependents that counted on it wait again;
// if anything still needs it, it is computed anew.
void SchedulerCore::lost(RemoteRun& run, Plan::Id id) {
  run.state[id] = TaskState::kForgotten;
  bool needed = run.plan->is_output(id);
  for (Plan::Id o : run.plan->dependents(id)) {
    TaskState s = run.state[o];
    if (s == TaskState::kWaiting) run.waiting[o]++;
    if (s == TaskState::kReady) {
      run.state[o] = TaskState::kWaiting;
      run.waiting[o] = 1;
    }
    // A dependent processing on another worker fetched it already, or will
    // report InputMissing (which requires it again). Requiring it here
    // instead leaked a count: that dependent's end released the task being
    // recomputed, and the run's `remaining` never reached zero (a hang).
    needed = needed || s == TaskState::kWaiting || s == TaskState::kReady;
  }
  if (needed) require(run, id);
}

// Brings a forgotten task (and, recursively, its forgotten dependencies)
// back to waiting: recomputation from lineage.
void SchedulerCore::require(RemoteRun& run, Plan::Id root) {
  std::vector<Plan::Id> stack{root};
  while (!stack.empty()) {
    Plan::Id id = stack.back();
    stack.pop_back();
    if (run.state[id] != TaskState::kForgotten) continue;
    run.state[id] = TaskState::kWaiting;
    run.remaining++;
    recomputed_++;
    run.waiting[id] = 0;
    for (Plan::Id dep : run.plan->dependencies(id)) {
      run.holders[dep]++;
      if (run.state[dep] == TaskState::kForgotten) stack.push_back(dep);
      if (run.state[dep] != TaskState::kMemory) run.waiting[id]++;
    }
    if (run.waiting[id] == 0) make_ready(run, id);
  }
}

// A task back in waiting: count what it lacks, require what is gone.
void SchedulerCore::recount(RemoteRun& run, Plan::Id id) {
  run.on[id] = -1;
  run.waiting[id] = 0;
  for (Plan::Id dep : run.plan->dependencies(id)) {
    if (run.state[dep] == TaskState::kForgotten) require(run, dep);
    if (run.state[dep] != TaskState::kMemory) run.waiting[id]++;
  }
  if (run.waiting[id] == 0) make_ready(run, id);
}

void SchedulerCore::remove_worker(WorkerId w, const std::string& reason, bool tell) {
  RemoteWorker& worker = workers_[w];
  worker.alive = false;
  worker.outbox.clear();
  worker.releases.clear();
  commands_.emplace_back(cmd::RemoveWorker{w, tell});
  workers_lost_++;
  std::size_t rescheduled = 0, lost_results = 0;
  std::vector<RunId> failed;
  for (auto& [run_id, run] : runs_) {
    // A finished run's client fetches the outputs, and submits again if one
    // is gone; a keep run's outputs are futures, recomputed when lost.
    if (run->finished && !run->keep) continue;
    auto [r, l] = repair(*run, w);
    rescheduled += r;
    lost_results += l;
    if (run->failed_key >= 0) failed.push_back(run_id);
  }
  publish("worker-lost\t" + worker.name + "\t" + reason);
  log("worker lost: " + worker.name + " (" + reason + "); " + std::to_string(rescheduled) +
      " tasks rescheduled, " + std::to_string(lost_results) + " results lost");
  for (auto id : failed) drop_run(id);
  fail_runs_without_ops();
  broadcast_peers();
  schedule_flush();
}

// With the last worker that had some op gone, the runs that need it would
// wait forever: they fail, naming the op. (With no worker at all, runs
// wait for one to join, as in Dask.)
void SchedulerCore::fail_runs_without_ops() {
  for (auto& [id, run] : runs_) {
    if (run->finished && !run->keep) continue;
    try {
      view().check_ops(*run->plan);
    } catch (const GraphError& e) {
      fail_later(id, std::string(e.what()) + " (the workers that had it are gone)");
    }
  }
}

// What worker w's loss means for one run: (tasks rescheduled, results lost).
std::pair<std::size_t, std::size_t> SchedulerCore::repair(RemoteRun& run, WorkerId w) {
  std::vector<Plan::Id> rerun, gone;
  for (Plan::Id id = 0; id < run.state.size(); ++id) {
    if (run.state[id] == TaskState::kProcessing && run.on[id] == static_cast<std::int32_t>(w)) {
      rerun.push_back(id);
    } else if (run.state[id] == TaskState::kMemory &&
               std::find(run.who_has[id].begin(), run.who_has[id].end(), w) !=
                   run.who_has[id].end()) {
      gone.push_back(id);
    }
  }
  for (Plan::Id id : rerun) run.state[id] = TaskState::kWaiting;  // counts as needing its inputs
  for (Plan::Id id : gone) forget_copy(run, id, w);
  for (Plan::Id id : rerun) {
    if (++run.deaths[id] >= config_.allowed_failures && run.failed_key < 0) {
      run.failed_key = id;
      const Task& task = run.plan->task(id);
      reply_error(
          run, wire::RunResult::kTaskError, task.key.str(), task.op_name(),
          "killed worker: " + std::to_string(run.deaths[id]) +
              " workers died while running this task; it may be crashing them (see their logs)");
    }
    if (run.failed_key < 0) recount(run, id);
  }
  return {rerun.size(), gone.size()};
}

}  // namespace shoal::actors
