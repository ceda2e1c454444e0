// SchedulerCore: the events it takes, and the life of a run — submitted,
// its tasks made ready as their inputs arrive, finished or failed, dropped.
// Reports from workers are in scheduler_reports.cpp, repair after a loss in
// scheduler_repair.cpp, placement and stealing in scheduler_placement.cpp.
#include "distributed/scheduler_core.h"

#include <algorithm>

#include "shoal/error.h"

namespace shoal::actors {

SchedulerCore::SchedulerCore(SchedulerCoreConfig config) : config_(std::move(config)) {
  stats_.tasks_per_thread = config_.tasks_per_thread;
}

// ---- workers ----

std::variant<WorkerId, std::string> SchedulerCore::join(Time now, const wire::RegisterWorker& r) {
  now_ = now;
  for (const RemoteWorker& w : workers_) {
    if (w.alive && w.name == r.name) {
      return "a live worker is already named '" + r.name + "'; give this one another --name";
    }
  }
  RemoteWorker worker;
  worker.name = r.name;
  worker.address = r.host + ":" + std::to_string(r.port);
  worker.threads = std::max<std::uint32_t>(1, r.threads);
  worker.memory_limit = r.memory_limit;
  worker.ops.insert(r.ops.begin(), r.ops.end());
  worker.last_heartbeat = now;
  workers_.push_back(std::move(worker));
  publish("worker-joined\t" + r.name + "\t" + workers_.back().address + "\t" +
          std::to_string(r.threads));
  log("worker joined: " + r.name + " (" + workers_.back().address + ", " +
      std::to_string(r.threads) + " threads)");
  broadcast_peers();
  schedule_flush();
  return static_cast<WorkerId>(workers_.size() - 1);
}

void SchedulerCore::worker_left(Time now, WorkerId w, const std::string& reason) {
  now_ = now;
  if (alive(w)) remove_worker(w, reason, false);
}

std::optional<WorkerId> SchedulerCore::worker_named(const std::string& name) const {
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    if (workers_[w].alive && workers_[w].name == name) return static_cast<WorkerId>(w);
  }
  return std::nullopt;
}

void SchedulerCore::tick(Time now) {
  now_ = now;
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    const RemoteWorker& worker = workers_[w];
    if (!worker.alive || now - worker.last_heartbeat <= config_.heartbeat_timeout) continue;
    auto silent =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - worker.last_heartbeat);
    // Told: if it comes back, it registers anew.
    remove_worker(static_cast<WorkerId>(w),
                  "no heartbeat for " + std::to_string(silent.count()) + " ms", true);
  }
}

bool SchedulerCore::batch(Time now, std::optional<WorkerId> from,
                          std::vector<wire::Message>& messages) {
  now_ = now;
  bool live = from && alive(*from);
  if (!live && heartbeats_only(messages)) return true;
  if (!live) return false;  // a worker removed for silence that still talks
  for (wire::Message& m : messages) {
    std::visit([&](auto& msg) { on_message(*from, msg); }, m);
  }
  schedule_flush();
  return true;
}

void SchedulerCore::stolen(Time now, WorkerId w, std::uint64_t run_id,
                           const std::vector<std::string>& ids) {
  now_ = now;
  RemoteRun* run = find_run(run_id);
  if (!alive(w) || !run) return;
  stealing_ = false;
  for (const std::string& text : ids) {
    Plan::Id id = static_cast<Plan::Id>(std::stoul(text));
    if (!is_current(run, id, w)) continue;
    workers_[w].assigned--;
    run->state[id] = TaskState::kWaiting;
    recount(*run, id);
  }
  schedule_flush();
}

// ---- clients ----

namespace {

std::unique_ptr<RemoteRun> new_run(std::uint64_t id, const Submission& s) {
  auto run = std::make_unique<RemoteRun>();
  run->id = id;
  run->client = s.client;
  run->client_run = s.client_run;
  run->want_events = s.want_events;
  run->keep = s.keep;
  run->retries = s.retries;
  run->priority = s.priority;
  return run;
}

}  // namespace

void SchedulerCore::submit(Time now, const Submission& s, std::span<const std::byte> run_graph) {
  now_ = now;
  auto run = new_run(++last_run_, s);
  std::vector<Key> outputs;
  try {
    auto message = decode_wire(run_graph);
    auto* rg = std::get_if<wire::RunGraph>(&message);
    if (!rg) throw Error("expected a run-graph message, got another kind");
    run->graph = std::move(rg->graph);
    outputs = std::move(rg->outputs);
    run->plan = std::make_unique<Plan>(run->graph, outputs, nullptr);  // ops: the workers'
  } catch (const std::exception& e) {
    return reply_error(*run, wire::RunResult::kGraphError, "", "", e.what());
  }
  start(std::move(run));
}

void SchedulerCore::submit(Time now, const Submission& s, Graph graph, std::vector<Key> outputs) {
  now_ = now;
  auto run = new_run(++last_run_, s);
  run->graph = std::move(graph);
  try {
    run->plan = std::make_unique<Plan>(run->graph, outputs, nullptr);
  } catch (const std::exception& e) {
    return reply_error(*run, wire::RunResult::kGraphError, "", "", e.what());
  }
  start(std::move(run));
}

void SchedulerCore::start(std::unique_ptr<RemoteRun> run) {
  try {
    view().check_ops(*run->plan);
    check_futures(*run->plan);
  } catch (const std::exception& e) {
    return reply_error(*run, wire::RunResult::kGraphError, "", "", e.what());
  }
  RemoteRun& r = *run;
  runs_.emplace(run->id, std::move(run));
  by_client_[{r.client, r.client_run}] = r.id;
  if (r.keep) {
    for (Plan::Id o : r.plan->outputs()) futures_[r.plan->task(o).key] = {r.id, o};
  }
  init(r);
  if (r.remaining == 0 && !r.finished) finish(r);
  schedule_flush();
}

void SchedulerCore::cancel(Time now, ClientId client, std::uint64_t client_run) {
  now_ = now;
  if (RemoteRun* run = find_client_run(client, client_run)) {
    reply_error(*run, wire::RunResult::kCancelled, "", "", "cancelled");
    drop_run(run->id);
  }
}

void SchedulerCore::release(Time now, ClientId client, std::uint64_t client_run) {
  now_ = now;
  if (RemoteRun* run = find_client_run(client, client_run)) drop_run(run->id);
}

void SchedulerCore::client_gone(Time now, ClientId client) {
  now_ = now;
  std::vector<RunId> gone;
  for (auto& [id, run] : runs_) {
    if (run->client == client) gone.push_back(id);
  }
  for (auto id : gone) drop_run(id);
}

// Everything that changed since the last flush goes out: placement, then
// one batch per worker and the clients' events.
void SchedulerCore::flush(Time now) {
  now_ = now;
  flush_scheduled_ = false;
  fail_doomed();
  dispatch();
  maybe_steal();
  for (std::size_t w = 0; w < workers_.size(); ++w) send_outbox(static_cast<WorkerId>(w));
  if (!feed_.empty()) {
    commands_.emplace_back(cmd::Publish{std::move(feed_)});
    feed_.clear();
  }
  for (auto& [id, run] : runs_) send_events(*run);
}

void SchedulerCore::shutdown() {
  for (auto& [id, run] : runs_) {
    if (!run->finished)
      reply_error(*run, wire::RunResult::kOther, "", "", "the scheduler was shut down");
  }
  runs_.clear();
}

std::vector<Command> SchedulerCore::take_commands() {
  std::vector<Command> out = std::move(commands_);
  commands_.clear();
  return out;
}

std::vector<std::string> SchedulerCore::status() const {
  return view().status(workers_lost_, recomputed_);
}

// ---- runs ----

void SchedulerCore::init(RemoteRun& run) {
  const Plan& plan = *run.plan;
  const std::size_t n = plan.size();
  run.state.assign(n, TaskState::kWaiting);
  run.waiting.resize(n);
  run.holders.resize(n);
  run.on.assign(n, -1);
  run.who_has.resize(n);
  run.value.resize(n);
  run.is_inline.assign(n, 0);
  run.nbytes.assign(n, 0);
  run.deaths.assign(n, 0);
  run.failures.assign(n, 0);
  run.alias.assign(n, {0, 0});
  run.remaining = n;
  for (Plan::Id id = 0; id < n; ++id) {
    run.waiting[id] = static_cast<std::uint32_t>(plan.dependencies(id).size());
    run.holders[id] = static_cast<std::uint32_t>(plan.dependents(id).size());
  }
  for (Plan::Id id : plan.roots()) make_ready(run, id);
}

// Every future a graph names must be held here (its placeholder resolves
// against it): otherwise it was released, or is another client's.
void SchedulerCore::check_futures(const Plan& plan) const {
  for (Plan::Id id = 0; id < plan.size(); ++id) {
    if (plan.task(id).op_name() == kFutureOpName && !futures_.count(plan.task(id).key)) {
      throw GraphError(
          "the future " + plan.task(id).key.str() +
          " is not held by the cluster: it was released, or it failed; submit it again");
    }
  }
}

void SchedulerCore::make_ready(RemoteRun& run, Plan::Id id) {
  if (run.plan->task(id).op_name() == kFutureOpName) return resolve_future(run, id);
  run.state[id] = TaskState::kReady;
  run.ready.emplace(run.plan->priority(id), id);
}

// A placeholder is in memory as soon as its future is; until then it
// waits for the future's run to compute it (or compute it again).
void SchedulerCore::resolve_future(RemoteRun& run, Plan::Id id) {
  const Key& key = run.plan->task(id).key;
  auto it = futures_.find(key);
  RemoteRun* source = it == futures_.end() ? nullptr : find_run(it->second.first);
  if (!source) {
    run.state[id] = TaskState::kWaiting;
    return fail_later(run.id,
                      "the future " + key.str() + " was released before this run could use it");
  }
  run.alias[id] = it->second;
  if (source->state[it->second.second] == TaskState::kMemory) return now_in_memory(run, id);
  run.state[id] = TaskState::kWaiting;
  future_waiters_[key].push_back({run.id, id});
}

// `id` of `run` (the output of a keep run) is in memory: placeholders
// waiting for it follow.
void SchedulerCore::wake_future_waiters(const RemoteRun& run, Plan::Id id) {
  auto it = future_waiters_.find(run.plan->task(id).key);
  if (it == future_waiters_.end()) return;
  auto waiters = std::move(it->second);
  future_waiters_.erase(it);
  for (auto [run_id, placeholder] : waiters) {
    RemoteRun* w = find_run(run_id);
    if (w && w->state[placeholder] == TaskState::kWaiting) now_in_memory(*w, placeholder);
  }
}

// A result is in memory: dependents may become ready, and the run may be
// done.
void SchedulerCore::now_in_memory(RemoteRun& run, Plan::Id id) {
  run.state[id] = TaskState::kMemory;
  run.remaining--;
  for (Plan::Id o : run.plan->dependents(id)) {
    if (run.state[o] == TaskState::kWaiting && --run.waiting[o] == 0) make_ready(run, o);
  }
  if (run.keep && run.plan->is_output(id)) wake_future_waiters(run, id);
  if (run.remaining == 0 && !run.finished) finish(run);
}

// Fails a run at the next flush (not while its state is being walked).
void SchedulerCore::fail_later(RunId run_id, std::string message) {
  doomed_.emplace_back(run_id, std::move(message));
  schedule_flush();
}

void SchedulerCore::fail_doomed() {
  auto doomed = std::move(doomed_);
  doomed_.clear();
  for (auto& [id, message] : doomed) {
    if (RemoteRun* run = find_run(id)) {
      if (!run->finished) reply_error(*run, wire::RunResult::kOther, "", "", message);
      drop_run(id);
    }
  }
}

void SchedulerCore::finish(RemoteRun& run) {
  if (run.finished) return;
  run.finished = true;
  wire::RunResult result{run.id, true, "", "", "", {}, wire::RunResult::kTaskError};
  ClusterView v = view();
  for (Plan::Id o : run.plan->outputs()) {
    wire::InputLocation loc = v.location(run, o, workers_.size());
    // The client connects to the holder: its address, not its name. An
    // output that is a future is held under the future's run.
    auto [src, sid] = v.holder_of(run, o);
    if (!loc.has_value && src && !src->who_has[sid].empty())
      loc.worker = workers_[src->who_has[sid].front()].address;
    result.outputs.push_back(std::move(loc));
  }
  send_events(run);
  commands_.emplace_back(cmd::ClientResult{run.client, run.client_run, std::move(result)});
}

void SchedulerCore::reply_error(RemoteRun& run, std::uint8_t kind, std::string key, std::string op,
                                std::string message) {
  if (kind == wire::RunResult::kTaskError && !key.empty()) {
    log("run " + std::to_string(run.id) + " failed: task " + key + " (op " + op + "): " + message);
  }
  wire::RunResult result{run.id, false, std::move(key), std::move(op), std::move(message),
                         {},     kind};
  send_events(run);
  commands_.emplace_back(cmd::ClientResult{run.client, run.client_run, std::move(result)});
  run.finished = true;
}

void SchedulerCore::send_events(RemoteRun& run) {
  if (run.events.empty()) return;
  commands_.emplace_back(cmd::ClientEvents{run.client, run.client_run, std::move(run.events)});
  run.events.clear();
}

// Forgets a run and everything its workers hold for it.
void SchedulerCore::drop_run(RunId id) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return;
  RemoteRun& run = *it->second;
  by_client_.erase({run.client, run.client_run});
  if (run.keep) forget_futures(run);
  for (Plan::Id t = 0; t < run.state.size(); ++t) {
    for (WorkerId h : run.who_has[t]) {
      if (workers_[h].alive) workers_[h].releases[id].push_back(t);
    }
    if (run.state[t] == TaskState::kProcessing && run.on[t] >= 0) {
      workers_[static_cast<std::size_t>(run.on[t])].assigned--;  // its report will be stale
    }
  }
  runs_.erase(it);
  schedule_flush();
}

// A keep run's outputs are futures no more: runs waiting for one fail.
void SchedulerCore::forget_futures(const RemoteRun& run) {
  for (Plan::Id o : run.plan->outputs()) {
    const Key& key = run.plan->task(o).key;
    auto f = futures_.find(key);
    if (f != futures_.end() && f->second.first == run.id) futures_.erase(f);
    auto w = future_waiters_.find(key);
    if (w == future_waiters_.end()) continue;
    for (auto [waiter, placeholder] : w->second) {
      fail_later(waiter, "the future " + key.str() + " it depends on failed or was released");
    }
    future_waiters_.erase(w);
  }
}

// ---- small things ----

void SchedulerCore::publish(std::string line) {
  if (!subscribed_) return;
  feed_.push_back(std::move(line));
  schedule_flush();
}

// The flush runs after every event already queued: replies that arrive
// together are placed and sent together.
void SchedulerCore::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  commands_.emplace_back(cmd::ScheduleFlush{});
}

RemoteRun* SchedulerCore::find_run(RunId id) {
  auto it = runs_.find(id);
  return it == runs_.end() ? nullptr : it->second.get();
}

RemoteRun* SchedulerCore::find_client_run(ClientId client, std::uint64_t client_run) {
  auto it = by_client_.find({client, client_run});
  return it == by_client_.end() ? nullptr : find_run(it->second);
}

}  // namespace shoal::actors
