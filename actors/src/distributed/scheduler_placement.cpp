// SchedulerCore: placement. Ready tasks go, runs of higher priority first,
// to the worker with the earliest estimated start (ClusterView); an idle
// worker takes queued tasks from a saturated one; what each worker must do
// leaves in one batch per flush.
#include <algorithm>

#include "distributed/scheduler_core.h"

namespace shoal::actors {

// Runs by priority (higher first), then age.
std::vector<RemoteRun*> SchedulerCore::runs_by_priority() {
  std::vector<RemoteRun*> order;
  for (auto& [id, run] : runs_) {
    if (!run->finished || run->keep) order.push_back(run.get());
  }
  std::stable_sort(order.begin(), order.end(),
                   [](auto* a, auto* b) { return a->priority > b->priority; });
  return order;
}

void SchedulerCore::dispatch() {
  for (RemoteRun* run : runs_by_priority()) {
    while (!run->ready.empty()) {
      Plan::Id id = run->ready.top().second;
      if (run->state[id] != TaskState::kReady) {
        run->ready.pop();  // stale entry
        continue;
      }
      std::size_t w = view().choose_worker(*run, id);
      if (w == workers_.size()) break;
      run->ready.pop();
      assign(*run, id, static_cast<WorkerId>(w));
    }
  }
}

void SchedulerCore::assign(RemoteRun& run, Plan::Id id, WorkerId w) {
  RemoteWorker& worker = workers_[w];
  run.state[id] = TaskState::kProcessing;
  run.on[id] = static_cast<std::int32_t>(w);
  worker.assigned++;
  wire::AssignTask a{run.id, run.plan->task(id), run.plan->priority(id), {}, id};
  ClusterView v = view();
  for (Plan::Id dep : run.plan->dependencies(id)) a.inputs.push_back(v.location(run, dep, w));
  worker.outbox.emplace_back(std::move(a));
  if (run.want_events) run.events.push_back("S " + std::to_string(id) + " 0 " + worker.name);
  if (subscribed_) publish("task-started\t" + v.task_line(run, id, w));
}

// An idle worker (threads free, nothing ready anywhere) takes queued tasks
// from the most saturated one, when the wait they would have there beats
// fetching their inputs. One steal at a time keeps the bookkeeping simple.
void SchedulerCore::maybe_steal() {
  if (stealing_ || stats_.avg_task_s < 1e-3) return;
  for (auto& [id, run] : runs_) {
    if (!run->finished && !run->ready.empty()) return;
  }
  std::size_t idle = workers_.size(), victim = workers_.size();
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    const RemoteWorker& x = workers_[w];
    if (!x.alive) continue;
    if (x.assigned < x.threads && (idle == workers_.size() || x.assigned < workers_[idle].assigned))
      idle = w;
    if (x.assigned > x.threads &&
        (victim == workers_.size() || x.assigned > workers_[victim].assigned))
      victim = w;
  }
  if (idle == workers_.size() || victim == workers_.size()) return;
  steal(static_cast<WorkerId>(victim), workers_[victim].assigned - workers_[victim].threads);
}

void SchedulerCore::steal(WorkerId victim, std::size_t want) {
  const RemoteWorker& v = workers_[victim];
  double wait =
      stats_.avg_task_s * static_cast<double>(v.assigned) / static_cast<double>(v.threads);
  for (auto& [run_id, run] : runs_) {
    std::vector<std::string> ids;
    for (Plan::Id id = static_cast<Plan::Id>(run->state.size()); id-- > 0 && ids.size() < want;) {
      if (run->state[id] != TaskState::kProcessing ||
          run->on[id] != static_cast<std::int32_t>(victim))
        continue;
      if (static_cast<double>(run->nbytes[id]) / kBandwidth < wait)
        ids.push_back(std::to_string(id));
    }
    if (ids.empty()) continue;
    stealing_ = true;
    commands_.emplace_back(cmd::Steal{victim, run_id, std::move(ids)});
    return;
  }
}

void SchedulerCore::send_outbox(WorkerId id) {
  RemoteWorker& w = workers_[id];
  if (!w.alive) return;
  for (auto& [run, ids] : w.releases) w.outbox.emplace_back(wire::Release{run, std::move(ids)});
  w.releases.clear();
  if (w.outbox.empty()) return;
  commands_.emplace_back(cmd::ToWorker{id, std::move(w.outbox)});
  w.outbox.clear();
}

void SchedulerCore::broadcast_peers() {
  std::vector<std::string> names, addresses;
  for (const RemoteWorker& w : workers_) {
    if (!w.alive) continue;
    names.push_back(w.name);
    addresses.push_back(w.address);
  }
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    if (workers_[w].alive)
      commands_.emplace_back(cmd::Peers{static_cast<WorkerId>(w), names, addresses});
  }
}

}  // namespace shoal::actors
