// The supervisor: the task state machine of every run, and placement.
//
// For each run it keeps a priority queue of ready tasks and hands them to
// the least occupied worker, never more than `slots_per_worker` at once per
// worker, so a wide graph does not flood the scheduler with actors and the
// priorities (memory order) are honoured. On each report it stores the
// result, releases dependencies that nothing needs any more, and readies the
// dependents. The first failure stops the run: nothing new is dispatched,
// and once the tasks in flight have reported, the caller gets the error.
// Cancellation (RunOptions::cancel) stops a run the same way; the flag is
// read whenever the supervisor dispatches, and LocalCluster::run() pokes it
// with a cancel message when the flag is set while nothing reports.
//
// Memory: results are counted against the cluster's limit (HeldResults),
// spilled least recently used first past 70% of it, and while the process
// is past 85% only one task runs at a time.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>

#include "local/held_results.h"
#include "local/messages.h"
#include "local/placement.h"

namespace shoal::actors {
namespace {

struct WorkerSlot {
  caf::actor handle;
  std::string name;
  std::size_t busy = 0;
  WorkerOps ops;
};

using Batches = std::vector<std::vector<Plan::Id>>;  // by worker

class Supervisor {
 public:
  Supervisor(caf::event_based_actor* self, const SupervisorConfig& config)
      : self_(self),
        slots_(config.slots_per_worker),
        counters_(config.counters),
        held_(config.memory_limit, config.min_spill_bytes, config.spill_dir, config.counters) {}

  void join(caf::actor worker, std::string name, WorkerOps ops) {
    restricted_ = restricted_ || ops.names.has_value();
    workers_.push_back({std::move(worker), std::move(name), 0, std::move(ops)});
    dispatch();
  }

  void start(RunPtr run) {
    const Plan& plan = run->plan;
    const std::size_t n = plan.size();
    run->results.resize(n);
    run->partitions.resize(n);
    run->waiting.resize(n);
    run->holders.resize(n);
    run->worker_of.resize(n);
    run->held.resize(n);
    run->spill_prefix = held_.dir() / ("run-" + std::to_string(++runs_started_) + "-");
    run->remaining = n;
    for (Plan::Id id = 0; id < n; ++id) {
      run->waiting[id] = static_cast<std::uint32_t>(plan.dependencies(id).size());
      run->holders[id] = static_cast<std::uint32_t>(plan.dependents(id).size());
    }
    if (restricted_ && !place(*run)) return;
    for (Plan::Id id : plan.roots()) push_ready(*run, id);
    run->observers.run_start(n);
    if (n == 0) return finish(run);
    runs_.push_back(std::move(run));
    dispatch();
  }

  void on_done(const RunPtr& run, TaskDone& d) {
    workers_[run->worker_of[d.id]].busy--;
    run->in_flight--;
    unpin_inputs(*run, d.id);
    counters_->tasks_run.fetch_add(1, std::memory_order_relaxed);
    if (run->error || run->cancelled) {
      if (d.partition) release_partition(run, d.partition);
      return drain(run);
    }
    store(run, d);
    const Plan& plan = run->plan;
    for (Plan::Id o : plan.dependents(d.id)) {
      if (--run->waiting[o] == 0) push_ready(*run, o);
    }
    if (--run->remaining == 0) return finish(run);
    dispatch();
  }

  void on_failed(const RunPtr& run, TaskFailed& f) {
    workers_[run->worker_of[f.id]].busy--;
    run->in_flight--;
    unpin_inputs(*run, f.id);
    const Task& task = run->plan.task(f.id);
    if (!run->observers.empty()) {
      TaskEvent e{task.key,
                  task.op_name(),
                  workers_[run->worker_of[f.id]].name,
                  TaskEvent::State::kErred,
                  f.start,
                  f.stop,
                  f.message};
      run->observers.task(e);
    }
    if (!run->error) {
      run->error.emplace(task.key.str(), task.op_name(), f.message);
      clear_ready(*run);  // cancel: nothing more is dispatched for this run
    }
    drain(run);
  }

  /// A run's cancel flag may have been set: look.
  void poke() { dispatch(); }

  /// Fails every active run: the cluster is shutting down.
  void shutdown() {
    for (auto& run : runs_) {
      release_all(run);
      run->observers.run_end(false);
      run->done.set_exception(std::make_exception_ptr(
          Error("the LocalCluster was shut down while a graph was running")));
    }
    runs_.clear();
  }

 private:
  void store(const RunPtr& run, TaskDone& d) {
    const Plan& plan = run->plan;
    run->results[d.id] = std::move(d.value);
    run->partitions[d.id] = std::move(d.partition);
    run->live++;
    for (Plan::Id dep : plan.dependencies(d.id)) {
      if (--run->holders[dep] == 0 && !plan.is_output(dep)) release(run, dep);
    }
    held_.add(*run, d.id);  // after the releases: what they free need not be spilled
    run->peak_live = std::max(run->peak_live, run->live);
    if (!run->observers.empty()) {
      const Task& task = plan.task(d.id);
      TaskEvent e{task.key,
                  task.op_name(),
                  workers_[run->worker_of[d.id]].name,
                  TaskEvent::State::kFinished,
                  d.start,
                  d.stop,
                  {}};
      run->observers.task(e);
    }
  }

  void release(const RunPtr& run, Plan::Id id) {
    held_.remove(*run, id);
    run->results[id] = Value();
    if (run->partitions[id]) release_partition(run, run->partitions[id]);
    run->partitions[id] = caf::actor();
    run->live--;
  }

  void release_partition(const RunPtr&, const caf::actor& partition) {
    caf::anon_send_exit(partition, caf::exit_reason::user_shutdown);
  }

  void release_all(const RunPtr& run) {
    for (Plan::Id id = 0; id < run->partitions.size(); ++id) {
      held_.remove(*run, id);
      if (run->partitions[id]) release_partition(run, run->partitions[id]);
      run->partitions[id] = caf::actor();
    }
  }

  void unpin_inputs(RunState& run, Plan::Id id) {
    for (Plan::Id dep : run.plan.dependencies(id)) held_.unpin(run, dep);
  }

  std::size_t busy_total() const {
    std::size_t n = 0;
    for (const WorkerSlot& w : workers_) n += w.busy;
    return n;
  }

  // Hands ready tasks to workers, one batch per worker. A worker is refilled
  // to `slots_` only once it has drained to half of that (or is idle), so
  // that each message carries several tasks instead of one.
  void dispatch() {
    check_cancelled();
    if (workers_.empty()) return;
    // Over the pause threshold only one task runs at a time: what is held
    // can then only shrink, and a run never waits on nothing.
    budget_ = SIZE_MAX;
    if (held_.over_pause_threshold()) {
      held_.count_pause();
      if (busy_total() > 0) return;
      budget_ = 1;
    }
    for (const RunPtr& run : runs_) {
      Batches batches(workers_.size());
      if (run->group_masks.empty()) {
        fill(run, run->ready, batches, ~std::uint64_t{0});
      } else {
        fill_groups(run, batches);
      }
      for (std::size_t w = 0; w < workers_.size(); ++w) {
        if (!batches[w].empty()) {
          self_->send(workers_[w].handle, execute_atom::value, run, std::move(batches[w]));
        }
      }
    }
  }

  // Stops the runs whose cancel flag is set: nothing more is dispatched and
  // a run with nothing in flight finishes now (the others when they drain).
  void check_cancelled() {
    std::vector<RunPtr> idle;
    for (const RunPtr& run : runs_) {
      if (run->cancelled || run->error || !run->cancel || !run->cancel->load()) continue;
      run->cancelled = true;
      clear_ready(*run);
      if (run->in_flight == 0) idle.push_back(run);
    }
    for (const RunPtr& run : idle) finish(run);
  }

  // Hands tasks of `ready` to the least busy workers of `mask`.
  void fill(const RunPtr& run, decltype(RunState::ready)& ready, Batches& batches,
            std::uint64_t mask) {
    while (!ready.empty() && budget_ > 0) {
      auto w = least_busy(mask);
      if (w == workers_.size() || workers_[w].busy > slots_ / 2) break;
      while (!ready.empty() && workers_[w].busy < slots_ && budget_ > 0) {
        budget_--;
        Plan::Id id = ready.top().second;
        ready.pop();
        workers_[w].busy++;
        run->worker_of[id] = static_cast<std::uint16_t>(w);
        run->in_flight++;
        for (Plan::Id dep : run->plan.dependencies(id)) held_.pin(*run, dep);
        batches[w].push_back(id);
        if (!run->observers.empty()) report_started(run, id, w);
      }
    }
  }

  // Workers with different op sets: each group of tasks goes only to the
  // workers that have its ops (placement.h). The groups that fewest workers
  // can run go first, so that tasks that could run anywhere do not take the
  // only workers able to run the others.
  void fill_groups(const RunPtr& run, Batches& batches) {
    std::vector<std::size_t> order(run->ready_by_group.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::popcount(run->group_masks[a]) < std::popcount(run->group_masks[b]);
    });
    for (std::size_t g : order) fill(run, run->ready_by_group[g], batches, run->group_masks[g]);
  }

  // The least busy worker among those in `mask` (bit w = worker w; workers
  // past the 64th are in every mask, which only unrestricted runs use).
  std::size_t least_busy(std::uint64_t mask) const {
    std::size_t best = workers_.size();
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      if (w < 64 && !((mask >> w) & 1)) continue;
      if (best == workers_.size() || workers_[w].busy < workers_[best].busy) best = w;
    }
    return best;
  }

  // Groups a new run's tasks by the workers that have their ops; fails the
  // run, before any task runs, when some op is on no worker.
  bool place(RunState& run) {
    std::vector<const WorkerOps*> ops;
    for (const WorkerSlot& w : workers_) ops.push_back(&w.ops);
    std::string missing = group_by_workers(run, ops);
    if (missing.empty()) return true;
    run.done.set_exception(std::make_exception_ptr(GraphError(missing)));
    return false;
  }

  void report_started(const RunPtr& run, Plan::Id id, std::size_t w) {
    const Task& task = run->plan.task(id);
    TaskEvent e{
        task.key, task.op_name(), workers_[w].name, TaskEvent::State::kStarted, Clock::now(), {},
        {}};
    run->observers.task(e);
  }

  // After a failure: once nothing is in flight, hand the error to the caller.
  void drain(const RunPtr& run) {
    if (run->in_flight == 0) finish(run);
    dispatch();
  }

  void finish(const RunPtr& run) {
    counters_->last_run_peak_live = run->peak_live;
    counters_->last_run_live_at_end = run->live;
    counters_->last_run_peak_held = run->peak_held;
    runs_.erase(std::remove(runs_.begin(), runs_.end(), run), runs_.end());
    if (run->error) {
      release_all(run);
      run->observers.run_end(false);
      run->done.set_exception(std::make_exception_ptr(*run->error));
      return;
    }
    if (run->cancelled) {
      release_all(run);
      run->observers.run_end(false);
      run->done.set_exception(std::make_exception_ptr(CancelledError()));
      return;
    }
    std::vector<Value> out;
    out.reserve(run->plan.outputs().size());
    try {
      for (Plan::Id o : run->plan.outputs()) out.push_back(run->input(o));  // spilled: read back
    } catch (const std::exception& e) {
      release_all(run);
      run->observers.run_end(false);
      run->done.set_exception(std::make_exception_ptr(Error(e.what())));
      return;
    }
    release_all(run);  // the outputs now belong to the caller
    run->observers.run_end(true);
    run->done.set_value(std::move(out));
  }

  caf::event_based_actor* self_;
  std::size_t slots_;
  std::shared_ptr<SharedCounters> counters_;
  std::vector<WorkerSlot> workers_;
  bool restricted_ = false;  // some worker lacks some ops: runs are grouped
  std::vector<RunPtr> runs_;
  std::uint64_t runs_started_ = 0;  // names each run's spill files
  std::size_t budget_ = SIZE_MAX;   // tasks this dispatch may still hand out
  HeldResults held_;
};

}  // namespace

caf::behavior supervisor_actor(caf::event_based_actor* self, SupervisorConfig config) {
  auto sup = std::make_shared<Supervisor>(self, config);
  self->attach_functor([sup] { sup->shutdown(); });
  return {
      [sup](join_atom, caf::actor worker, std::string name, WorkerOps ops) {
        sup->join(std::move(worker), std::move(name), std::move(ops));
      },
      [sup](run_atom, RunPtr run) { sup->start(std::move(run)); },
      [sup](done_atom, RunPtr run, TaskDone& d) { sup->on_done(run, d); },
      [sup](failed_atom, RunPtr run, TaskFailed& f) { sup->on_failed(run, f); },
      [sup](cancel_atom) { sup->poke(); },
  };
}

}  // namespace shoal::actors
