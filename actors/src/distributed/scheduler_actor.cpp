// The distributed scheduler: workers, runs, placement, repair. One actor; its
// state lives in RemoteScheduler and is touched only from its handlers.
#include "distributed/scheduler_actor.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "distributed/cluster_view.h"
#include "distributed/scheduler_state.h"
#include "shoal/error.h"

namespace shoal::actors {
namespace {

// The op of placeholder tasks: a client's graph names a future this way.
constexpr const char* kFutureOp = kFutureOpName;

class RemoteScheduler {
 public:
  RemoteScheduler(caf::event_based_actor* self, RemoteSchedulerConfig config)
      : self_(self), config_(std::move(config)) {
    config_.log = log_sink(config_.log);
    stats_.tasks_per_thread = config_.tasks_per_thread;
  }

  // ---- workers ----

  std::string join(const caf::actor& handle, const wire::RegisterWorker& r) {
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      if (!workers_[w].alive) continue;
      if (workers_[w].handle == handle) {
        remove_worker(w, "registered anew");
      } else if (workers_[w].name == r.name) {
        return "a live worker is already named '" + r.name + "'; give this one another --name";
      }
    }
    RemoteWorker worker;
    worker.handle = handle;
    worker.name = r.name;
    worker.address = r.host + ":" + std::to_string(r.port);
    worker.threads = std::max<std::uint32_t>(1, r.threads);
    worker.memory_limit = r.memory_limit;
    worker.ops.insert(r.ops.begin(), r.ops.end());
    worker.last_heartbeat = SteadyClock::now();
    workers_.push_back(std::move(worker));
    self_->monitor(handle);
    publish("worker-joined\t" + r.name + "\t" + workers_.back().address + "\t" +
            std::to_string(r.threads));
    config_.log("worker joined: " + r.name + " (" + workers_.back().address + ", " +
                std::to_string(r.threads) + " threads)");
    broadcast_peers();
    schedule_flush();
    return "ok";
  }

  void on_down(const caf::down_msg& down) {
    auto unsubscribed =
        std::remove_if(subscribers_.begin(), subscribers_.end(),
                       [&](const caf::actor& s) { return s.address() == down.source; });
    subscribers_.erase(unsubscribed, subscribers_.end());
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      if (workers_[w].alive && workers_[w].handle.address() == down.source) {
        return remove_worker(w, "connection closed");
      }
    }
    std::vector<std::uint64_t> gone;
    for (auto& [id, run] : runs_) {
      if (run->client.address() == down.source) gone.push_back(id);
    }
    for (auto id : gone) drop_run(id);
  }

  void check_heartbeats() {
    auto now = SteadyClock::now();
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      auto& worker = workers_[w];
      if (!worker.alive || now - worker.last_heartbeat <= config_.heartbeat_timeout) continue;
      auto silent =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - worker.last_heartbeat);
      caf::actor handle = worker.handle;
      remove_worker(w, "no heartbeat for " + std::to_string(silent.count()) + " ms");
      self_->send(handle, removed_atom::value);  // if it comes back, it registers anew
    }
    self_->delayed_send(self_, config_.heartbeat_interval, tick_atom::value);
  }

  // ---- messages from workers ----

  void on_batch(const caf::actor_addr& from, WireBatch& batch) {
    std::size_t w = worker_index(from);
    if (w == workers_.size() && heartbeats_only(batch)) return;
    if (w == workers_.size()) {
      // A worker removed for silence that still talks: tell it again.
      if (auto handle = caf::actor_cast<caf::actor>(from)) self_->send(handle, removed_atom::value);
      return;
    }
    for (wire::Message& m : batch.messages) {
      std::visit([&](auto& msg) { on_message(w, msg); }, m);
    }
    schedule_flush();
  }

  // A worker's heartbeats come from an actor of its own (remote_worker.cpp),
  // known by the worker's name.
  bool heartbeats_only(WireBatch& batch) {
    for (const wire::Message& m : batch.messages) {
      if (!std::holds_alternative<wire::Heartbeat>(m)) return false;
    }
    for (wire::Message& m : batch.messages) {
      auto& hb = std::get<wire::Heartbeat>(m);
      for (std::size_t w = 0; w < workers_.size(); ++w) {
        if (workers_[w].alive && workers_[w].name == hb.worker) on_message(w, hb);
      }
    }
    return true;
  }

  void on_stolen(const caf::actor_addr& from, std::uint64_t run_id,
                 const std::vector<std::string>& ids) {
    std::size_t w = worker_index(from);
    RemoteRun* run = find_run(run_id);
    if (w == workers_.size() || !run) return;
    stealing_ = false;
    for (const std::string& text : ids) {
      Plan::Id id = static_cast<Plan::Id>(std::stoul(text));
      if (id >= run->state.size() || run->state[id] != TaskState::kProcessing ||
          run->on[id] != (int)w)
        continue;
      workers_[w].assigned--;
      run->state[id] = TaskState::kWaiting;
      recount(*run, id);
    }
    schedule_flush();
  }

  // ---- messages from clients ----

  void start_run(const caf::actor& client, std::uint64_t client_run, const std::vector<char>& bytes,
                 bool events, bool keep, std::uint32_t retries, std::int32_t priority) {
    auto run = std::make_unique<RemoteRun>();
    run->id = ++last_run_;
    run->client = client;
    run->client_run = client_run;
    run->want_events = events;
    run->keep = keep;
    run->retries = retries;
    run->priority = priority;
    self_->monitor(client);
    std::vector<Key> outputs;
    try {
      auto message = decode_wire({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
      auto* rg = std::get_if<wire::RunGraph>(&message);
      if (!rg) throw Error("expected a run-graph message, got another kind");
      run->graph = std::move(rg->graph);
      outputs = std::move(rg->outputs);
      run->plan =
          std::make_unique<Plan>(run->graph, outputs, nullptr);  // ops: checked against the workers
      view().check_ops(*run->plan);
      check_futures(*run->plan);
    } catch (const std::exception& e) {
      reply_error(*run, wire::RunResult::kGraphError, "", "", e.what());
      return;
    }
    RemoteRun& r = *run;
    runs_.emplace(run->id, std::move(run));
    by_client_[{r.client.address(), r.client_run}] = r.id;
    if (r.keep) {
      for (Plan::Id o : r.plan->outputs()) futures_[r.plan->task(o).key] = {r.id, o};
    }
    init(r);
    if (r.remaining == 0 && !r.finished) finish(r);
    schedule_flush();
  }

  void cancel(const caf::actor_addr& client, std::uint64_t client_run) {
    if (RemoteRun* run = find_client_run(client, client_run)) {
      reply_error(*run, wire::RunResult::kCancelled, "", "", "cancelled");
      drop_run(run->id);
    }
  }

  void release_run(const caf::actor_addr& client, std::uint64_t client_run) {
    if (RemoteRun* run = find_client_run(client, client_run)) drop_run(run->id);
  }

  // Everything that changed since the last flush goes out: placement, then
  // one batch per worker and the clients' events.
  void flush() {
    flush_scheduled_ = false;
    fail_doomed();
    dispatch();
    maybe_steal();
    for (RemoteWorker& w : workers_) send_outbox(w);
    if (!feed_.empty()) {
      for (const caf::actor& s : subscribers_)
        self_->send(s, events_atom::value, std::uint64_t{0}, feed_);
      feed_.clear();
    }
    for (auto& [id, run] : runs_) {
      if (run->events.empty()) continue;
      self_->send(run->client, events_atom::value, run->client_run, std::move(run->events));
      run->events.clear();
    }
  }

  // The event stream: every subscriber gets every event from now on.
  void subscribe(const caf::actor& who) {
    if (!who) return;
    subscribers_.push_back(who);
    self_->monitor(who);
  }

  std::vector<std::string> status() const { return view().status(workers_lost_, recomputed_); }

  void shutdown() {
    for (auto& [id, run] : runs_) {
      if (!run->finished)
        reply_error(*run, wire::RunResult::kOther, "", "", "the scheduler was shut down");
    }
    runs_.clear();
  }

 private:
  // ---- runs ----

  void init(RemoteRun& run) {
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
  void check_futures(const Plan& plan) const {
    for (Plan::Id id = 0; id < plan.size(); ++id) {
      if (plan.task(id).op_name() == kFutureOp && !futures_.count(plan.task(id).key)) {
        throw GraphError(
            "the future " + plan.task(id).key.str() +
            " is not held by the cluster: it was released, or it failed; submit it again");
      }
    }
  }

  void make_ready(RemoteRun& run, Plan::Id id) {
    if (run.plan->task(id).op_name() == kFutureOp) return resolve_future(run, id);
    run.state[id] = TaskState::kReady;
    run.ready.emplace(run.plan->priority(id), id);
  }

  // A placeholder is in memory as soon as its future is; until then it
  // waits for the future's run to compute it (or compute it again).
  void resolve_future(RemoteRun& run, Plan::Id id) {
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
  void wake_future_waiters(const RemoteRun& run, Plan::Id id) {
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
  void now_in_memory(RemoteRun& run, Plan::Id id) {
    run.state[id] = TaskState::kMemory;
    run.remaining--;
    for (Plan::Id o : run.plan->dependents(id)) {
      if (run.state[o] == TaskState::kWaiting && --run.waiting[o] == 0) make_ready(run, o);
    }
    if (run.keep && run.plan->is_output(id)) wake_future_waiters(run, id);
    if (run.remaining == 0 && !run.finished) finish(run);
  }

  // Fails a run at the next flush (not while its state is being walked).
  void fail_later(std::uint64_t run_id, std::string message) {
    doomed_.emplace_back(run_id, std::move(message));
    schedule_flush();
  }

  void fail_doomed() {
    auto doomed = std::move(doomed_);
    doomed_.clear();
    for (auto& [id, message] : doomed) {
      if (RemoteRun* run = find_run(id)) {
        if (!run->finished) reply_error(*run, wire::RunResult::kOther, "", "", message);
        drop_run(id);
      }
    }
  }

  void on_message(std::size_t w, wire::TaskDone& d) {
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
      run->who_has[id].push_back(static_cast<std::uint32_t>(w));
    }
    if (run->want_events) {
      run->events.push_back("F " + std::to_string(id) + " " + std::to_string(d.duration_ns) + " " +
                            workers_[w].name);
    }
    if (!subscribers_.empty()) {
      publish("task-finished\t" + view().task_line(*run, id, w) + "\t" +
              std::to_string(d.duration_ns / 1000) + " us");
    }
    const Plan& plan = *run->plan;
    for (Plan::Id dep : plan.dependencies(id)) {
      if (--run->holders[dep] == 0 && !plan.is_output(dep)) release(*run, dep);
    }
    now_in_memory(*run, id);
  }

  void on_message(std::size_t w, wire::TaskFailed& f) {
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
    if (!subscribers_.empty())
      publish("task-erred\t" + view().task_line(*run, f.task_id, w) + "\t" + f.message);
    const Task& task = run->plan->task(f.task_id);
    reply_error(*run, wire::RunResult::kTaskError, task.key.str(), task.op_name(), f.message);
    drop_run(run->id);
  }

  void on_message(std::size_t w, wire::InputMissing& m) {
    RemoteRun* run = find_run(m.run_id);
    if (!is_current(run, m.task_id, w)) return;
    workers_[w].assigned--;
    RemoteRun* source =
        m.input_run_id && m.input_run_id != run->id ? find_run(m.input_run_id) : run;
    auto holder =
        std::find_if(workers_.begin(), workers_.end(), [&](auto& x) { return x.name == m.holder; });
    if (source && m.input_id < source->state.size() && holder != workers_.end()) {
      forget_copy(*source, m.input_id, static_cast<std::uint32_t>(holder - workers_.begin()));
    }
    if (source != run) unalias_lost(*run, m.task_id);
    run->state[m.task_id] = TaskState::kWaiting;
    recount(*run, m.task_id);
  }

  void on_message(std::size_t w, wire::Heartbeat& hb) {
    RemoteWorker& worker = workers_[w];
    worker.last_heartbeat = SteadyClock::now();
    worker.memory_bytes = hb.memory_bytes;
    worker.spilled_bytes = hb.spilled_bytes;
  }

  template <class M>
  void on_message(std::size_t w, M&) {
    config_.log("ignored an unexpected message from worker " + workers_[w].name);
  }

  bool is_current(RemoteRun* run, std::uint32_t id, std::size_t w) const {
    return run && (!run->finished || run->keep) && id < run->state.size() &&
           run->state[id] == TaskState::kProcessing && run->on[id] == static_cast<std::int32_t>(w);
  }

  // Placeholders among `task`'s inputs whose future is no longer in memory
  // go back to waiting for it.
  void unalias_lost(RemoteRun& run, Plan::Id task) {
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
  void release(RemoteRun& run, Plan::Id id) {
    run.state[id] = TaskState::kForgotten;
    run.value[id] = Value();
    run.is_inline[id] = 0;
    if (run.alias[id].first) return;  // the future's run holds it
    for (std::uint32_t h : run.who_has[id]) {
      if (workers_[h].alive) workers_[h].releases[run.id].push_back(id);
    }
    run.who_has[id].clear();
  }

  // Worker `h` does not hold `id` (any more).
  void forget_copy(RemoteRun& run, Plan::Id id, std::uint32_t h) {
    auto& holders = run.who_has[id];
    holders.erase(std::remove(holders.begin(), holders.end(), h), holders.end());
    if (holders.empty() && !run.is_inline[id] && run.state[id] == TaskState::kMemory) lost(run, id);
  }

  // The last copy of `id` is gone. Dependents that counted on it wait again;
  // if anything still needs it, it is computed anew.
  void lost(RemoteRun& run, Plan::Id id) {
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
  void require(RemoteRun& run, Plan::Id root) {
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
  void recount(RemoteRun& run, Plan::Id id) {
    run.on[id] = -1;
    run.waiting[id] = 0;
    for (Plan::Id dep : run.plan->dependencies(id)) {
      if (run.state[dep] == TaskState::kForgotten) require(run, dep);
      if (run.state[dep] != TaskState::kMemory) run.waiting[id]++;
    }
    if (run.waiting[id] == 0) make_ready(run, id);
  }

  void remove_worker(std::size_t w, const std::string& reason) {
    RemoteWorker& worker = workers_[w];
    worker.alive = false;
    worker.outbox.clear();
    worker.releases.clear();
    self_->demonitor(worker.handle);
    workers_lost_++;
    std::size_t rescheduled = 0, lost_results = 0;
    std::vector<std::uint64_t> failed;
    for (auto& [run_id, run] : runs_) {
      // A finished run's client fetches the outputs, and submits again if one
      // is gone; a keep run's outputs are futures, recomputed when lost.
      if (run->finished && !run->keep) continue;
      auto [r, l] = repair(*run, static_cast<std::uint32_t>(w));
      rescheduled += r;
      lost_results += l;
      if (run->failed_key >= 0) failed.push_back(run_id);
    }
    publish("worker-lost\t" + worker.name + "\t" + reason);
    config_.log("worker lost: " + worker.name + " (" + reason + "); " +
                std::to_string(rescheduled) + " tasks rescheduled, " +
                std::to_string(lost_results) + " results lost");
    for (auto id : failed) drop_run(id);
    fail_runs_without_ops();
    broadcast_peers();
    schedule_flush();
  }

  // With the last worker that had some op gone, the runs that need it would
  // wait forever: they fail, naming the op. (With no worker at all, runs
  // wait for one to join, as in Dask.)
  void fail_runs_without_ops() {
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
  std::pair<std::size_t, std::size_t> repair(RemoteRun& run, std::uint32_t w) {
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

  void publish(std::string line) {
    if (subscribers_.empty()) return;
    feed_.push_back(std::move(line));
    schedule_flush();
  }

  // ---- placement ----

  ClusterView view() const { return ClusterView(workers_, runs_, stats_); }

  // Runs by priority (higher first), then age.
  std::vector<RemoteRun*> runs_by_priority() {
    std::vector<RemoteRun*> order;
    for (auto& [id, run] : runs_) {
      if (!run->finished || run->keep) order.push_back(run.get());
    }
    std::stable_sort(order.begin(), order.end(),
                     [](auto* a, auto* b) { return a->priority > b->priority; });
    return order;
  }

  void dispatch() {
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
        assign(*run, id, w);
      }
    }
  }

  void assign(RemoteRun& run, Plan::Id id, std::size_t w) {
    RemoteWorker& worker = workers_[w];
    run.state[id] = TaskState::kProcessing;
    run.on[id] = static_cast<std::int32_t>(w);
    worker.assigned++;
    wire::AssignTask a{run.id, run.plan->task(id), run.plan->priority(id), {}, id};
    ClusterView v = view();
    for (Plan::Id dep : run.plan->dependencies(id)) a.inputs.push_back(v.location(run, dep, w));
    worker.outbox.emplace_back(std::move(a));
    if (run.want_events) run.events.push_back("S " + std::to_string(id) + " 0 " + worker.name);
    if (!subscribers_.empty()) publish("task-started\t" + view().task_line(run, id, w));
  }

  // An idle worker (threads free, nothing ready anywhere) takes queued tasks
  // from the most saturated one, when the wait they would have there beats
  // fetching their inputs. One steal at a time keeps the bookkeeping simple.
  void maybe_steal() {
    if (stealing_ || stats_.avg_task_s < 1e-3) return;
    for (auto& [id, run] : runs_) {
      if (!run->finished && !run->ready.empty()) return;
    }
    std::size_t idle = workers_.size(), victim = workers_.size();
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      const RemoteWorker& x = workers_[w];
      if (!x.alive) continue;
      if (x.assigned < x.threads &&
          (idle == workers_.size() || x.assigned < workers_[idle].assigned))
        idle = w;
      if (x.assigned > x.threads &&
          (victim == workers_.size() || x.assigned > workers_[victim].assigned))
        victim = w;
    }
    if (idle == workers_.size() || victim == workers_.size()) return;
    steal(victim, workers_[victim].assigned - workers_[victim].threads);
  }

  void steal(std::size_t victim, std::size_t want) {
    for (auto& [run_id, run] : runs_) {
      std::vector<std::string> ids;
      for (Plan::Id id = static_cast<Plan::Id>(run->state.size()); id-- > 0 && ids.size() < want;) {
        if (run->state[id] != TaskState::kProcessing ||
            run->on[id] != static_cast<std::int32_t>(victim))
          continue;
        double wait = stats_.avg_task_s * static_cast<double>(workers_[victim].assigned) /
                      static_cast<double>(workers_[victim].threads);
        if (static_cast<double>(run->nbytes[id]) / kBandwidth < wait)
          ids.push_back(std::to_string(id));
      }
      if (ids.empty()) continue;
      stealing_ = true;
      self_->send(workers_[victim].handle, steal_atom::value, run_id, std::move(ids));
      return;
    }
  }

  // ---- results ----

  void finish(RemoteRun& run) {
    if (run.finished) return;
    run.finished = true;
    wire::RunResult result{run.id, true, "", "", "", {}, wire::RunResult::kTaskError};
    for (Plan::Id o : run.plan->outputs()) {
      wire::InputLocation loc = view().location(run, o, workers_.size());
      if (!loc.has_value && !run.who_has[o].empty())
        loc.worker = workers_[run.who_has[o].front()].address;
      result.outputs.push_back(std::move(loc));
    }
    send_events(run);
    self_->send(run.client, result_atom::value, run.client_run, WireEnvelope{std::move(result)});
  }

  void reply_error(RemoteRun& run, std::uint8_t kind, std::string key, std::string op,
                   std::string message) {
    if (kind == wire::RunResult::kTaskError && !key.empty()) {
      config_.log("run " + std::to_string(run.id) + " failed: task " + key + " (op " + op +
                  "): " + message);
    }
    wire::RunResult result{run.id, false, std::move(key), std::move(op), std::move(message),
                           {},     kind};
    send_events(run);
    self_->send(run.client, result_atom::value, run.client_run, WireEnvelope{std::move(result)});
    run.finished = true;
  }

  void send_events(RemoteRun& run) {
    if (run.events.empty()) return;
    self_->send(run.client, events_atom::value, run.client_run, std::move(run.events));
    run.events.clear();
  }

  // Forgets a run and everything its workers hold for it.
  void drop_run(std::uint64_t id) {
    auto it = runs_.find(id);
    if (it == runs_.end()) return;
    RemoteRun& run = *it->second;
    by_client_.erase({run.client.address(), run.client_run});
    if (run.keep) forget_futures(run);
    for (Plan::Id t = 0; t < run.state.size(); ++t) {
      for (std::uint32_t h : run.who_has[t]) {
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
  void forget_futures(const RemoteRun& run) {
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

  void send_outbox(RemoteWorker& w) {
    if (!w.alive) return;
    for (auto& [run, ids] : w.releases) w.outbox.emplace_back(wire::Release{run, std::move(ids)});
    w.releases.clear();
    if (w.outbox.empty()) return;
    self_->send(w.handle, batch_atom::value, WireBatch{std::move(w.outbox)});
    w.outbox.clear();
  }

  void broadcast_peers() {
    std::vector<std::string> names, addresses;
    for (const RemoteWorker& w : workers_) {
      if (!w.alive) continue;
      names.push_back(w.name);
      addresses.push_back(w.address);
    }
    for (const RemoteWorker& w : workers_) {
      if (w.alive) self_->send(w.handle, peers_atom::value, names, addresses);
    }
  }

  // The flush runs after every message already queued: replies that arrive
  // together are placed and sent together.
  void schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    self_->send(self_, flush_atom::value);
  }

  std::size_t worker_index(const caf::actor_addr& a) const {
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      if (workers_[w].alive && workers_[w].handle.address() == a) return w;
    }
    return workers_.size();
  }

  RemoteRun* find_run(std::uint64_t id) {
    auto it = runs_.find(id);
    return it == runs_.end() ? nullptr : it->second.get();
  }

  RemoteRun* find_client_run(const caf::actor_addr& client, std::uint64_t client_run) {
    auto it = by_client_.find({client, client_run});
    return it == by_client_.end() ? nullptr : find_run(it->second);
  }

  caf::event_based_actor* self_;
  RemoteSchedulerConfig config_;
  std::vector<RemoteWorker> workers_;  // never shrinks: indices stay valid; the dead are marked
  RunTable runs_;                      // oldest first
  std::map<std::pair<caf::actor_addr, std::uint64_t>, std::uint64_t> by_client_;  // -> run id
  std::unordered_map<Key, std::pair<std::uint64_t, Plan::Id>, KeyHash>
      futures_;  // keep runs' outputs
  std::unordered_map<Key, std::vector<std::pair<std::uint64_t, Plan::Id>>, KeyHash> future_waiters_;
  std::vector<std::pair<std::uint64_t, std::string>> doomed_;  // runs to fail at the next flush
  std::vector<caf::actor> subscribers_;                        // of the event stream
  std::vector<std::string> feed_;  // events for them, sent at the next flush
  std::uint64_t last_run_ = 0;
  PlacementStats stats_;
  bool flush_scheduled_ = false;
  bool stealing_ = false;
  std::size_t workers_lost_ = 0, recomputed_ = 0;
};

}  // namespace

caf::behavior remote_scheduler_actor(caf::event_based_actor* self, RemoteSchedulerConfig config) {
  auto s = std::make_shared<RemoteScheduler>(self, config);
  self->attach_functor([s] { s->shutdown(); });
  self->set_down_handler([s](caf::down_msg& down) { s->on_down(down); });
  // A message of a kind nobody sends (a confused or hostile peer) is dropped.
  self->set_default_handler(caf::drop);
  self->delayed_send(self, config.heartbeat_interval, tick_atom::value);
  return {
      [s](register_atom, const caf::actor& worker, const WireEnvelope& info) -> std::string {
        const auto* r = std::get_if<wire::RegisterWorker>(&info.message);
        if (!r || !worker) return "expected a register-worker message";
        return s->join(worker, *r);
      },
      [s, self](batch_atom, WireBatch& batch) {
        s->on_batch(caf::actor_cast<caf::actor_addr>(self->current_sender()), batch);
      },
      [s, self](stolen_atom, std::uint64_t run, const std::vector<std::string>& ids) {
        s->on_stolen(caf::actor_cast<caf::actor_addr>(self->current_sender()), run, ids);
      },
      [s, self](rrun_atom, std::uint64_t client_run, const std::vector<char>& graph, bool events,
                bool keep, std::uint32_t retries, std::int32_t priority) {
        auto client = caf::actor_cast<caf::actor>(self->current_sender());
        if (client) s->start_run(client, client_run, graph, events, keep, retries, priority);
      },
      [s, self](rcancel_atom, std::uint64_t client_run) {
        s->cancel(caf::actor_cast<caf::actor_addr>(self->current_sender()), client_run);
      },
      [s, self](release_atom, std::uint64_t client_run) {
        s->release_run(caf::actor_cast<caf::actor_addr>(self->current_sender()), client_run);
      },
      [s](status_atom) { return s->status(); },
      [s, self](subscribe_atom) {
        s->subscribe(caf::actor_cast<caf::actor>(self->current_sender()));
      },
      [s](flush_atom) { s->flush(); },
      [s](tick_atom) { s->check_heartbeats(); },
  };
}

}  // namespace shoal::actors
