// SchedulerCore: what workers report — a task finished, threw, lacked an
// input; a heartbeat. A report counts only if it is current: its run still
// exists and the task is processing on the worker that reports it.
// Anything else is a stale copy (a task stolen, rescheduled after a loss,
// or from a run already dropped).
#include <algorithm>

#include "distributed/scheduler_core.h"

namespace shoal::actors {

bool SchedulerCore::is_current(const RemoteRun* run, std::uint32_t id, WorkerId w) const {
  return run && (!run->finished || run->keep) && id < run->state.size() &&
         run->state[id] == TaskState::kProcessing && run->on[id] == static_cast<std::int32_t>(w);
}

// A worker's heartbeats come from an actor of its own (worker_actor.cpp),
// known by the worker's name.
bool SchedulerCore::heartbeats_only(std::vector<wire::Message>& messages) {
  for (const wire::Message& m : messages) {
    if (!std::holds_alternative<wire::Heartbeat>(m)) return false;
  }
  for (wire::Message& m : messages) {
    auto& hb = std::get<wire::Heartbeat>(m);
    if (auto w = worker_named(hb.worker)) on_message(*w, hb);
  }
  return true;
}

void SchedulerCore::on_message(WorkerId w, wire::TaskDone& d) {
  RemoteRun* run = find_run(d.run_id);
  if (!is_current(run, d.task_id, w)) {
    if (!d.has_value) workers_[w].releases[d.run_id].push_back(d.task_id);  // a stale copy
    return;
  }
  workers_[w].assigned--;
  Plan::Id id = d.task_id;
  double seconds = static_cast<double>(d.duration_ns) * 1e-9;
  stats_.observe(run->plan->task(id).op_name(), seconds);
  run->nbytes[id] = d.nbytes;
  if (d.has_value) {
    run->value[id] = std::move(d.value);
    run->is_inline[id] = 1;
  } else {
    run->who_has[id].push_back(w);
  }
  if (run->want_events) {
    run->events.push_back("F " + std::to_string(id) + " " + std::to_string(d.duration_ns) + " " +
                          workers_[w].name);
  }
  if (subscribed_) {
    publish("task-finished\t" + view().task_line(*run, id, w) + "\t" +
            std::to_string(d.duration_ns / 1000) + " us");
  }
  const Plan& plan = *run->plan;
  for (Plan::Id dep : plan.dependencies(id)) {
    if (--run->holders[dep] == 0 && !plan.is_output(dep)) release(*run, dep);
  }
  now_in_memory(*run, id);
}

void SchedulerCore::on_message(WorkerId w, wire::TaskFailed& f) {
  RemoteRun* run = find_run(f.run_id);
  if (!is_current(run, f.task_id, w)) return;
  workers_[w].assigned--;
  run->state[f.task_id] = TaskState::kWaiting;    // no longer processing
  if (run->failures[f.task_id] < run->retries) {  // `retries` of the submission: run it again
    run->failures[f.task_id]++;
    return recount(*run, f.task_id);
  }
  if (run->want_events) {
    run->events.push_back("E " + std::to_string(f.task_id) + " 0 " + workers_[w].name + " " +
                          f.message);
  }
  if (subscribed_)
    publish("task-erred\t" + view().task_line(*run, f.task_id, w) + "\t" + f.message);
  const Task& task = run->plan->task(f.task_id);
  reply_error(*run, wire::RunResult::kTaskError, task.key.str(), task.op_name(), f.message);
  drop_run(run->id);
}

void SchedulerCore::on_message(WorkerId w, wire::InputMissing& m) {
  RemoteRun* run = find_run(m.run_id);
  if (!is_current(run, m.task_id, w)) return;
  workers_[w].assigned--;
  RemoteRun* source = m.input_run_id && m.input_run_id != run->id ? find_run(m.input_run_id) : run;
  auto holder = worker_named(m.holder);  // a removed holder's copies are forgotten already
  if (source && m.input_id < source->state.size() && holder) {
    auto& has = source->who_has[m.input_id];
    // The holder may still have it (the fetch timed out, it was frozen):
    // once forgotten here, only a release frees it there.
    if (std::find(has.begin(), has.end(), *holder) != has.end()) {
      workers_[*holder].releases[source->id].push_back(m.input_id);
    }
    forget_copy(*source, m.input_id, *holder);
  }
  if (source != run) unalias_lost(*run, m.task_id);
  run->state[m.task_id] = TaskState::kWaiting;
  recount(*run, m.task_id);
}

void SchedulerCore::on_message(WorkerId w, wire::Heartbeat& hb) {
  RemoteWorker& worker = workers_[w];
  worker.last_heartbeat = now_;
  worker.memory_bytes = hb.memory_bytes;
  worker.spilled_bytes = hb.spilled_bytes;
}

}  // namespace shoal::actors
