// Internal: the distributed scheduler's state and decisions, as a plain
// class — no actors, no clock, no I/O.
//
// SchedulerCore takes events (a worker joined, left, reported; a graph was
// submitted; a client went away; the timer ticked), each with the time it
// happened, and answers with commands (scheduler_commands.h): assign,
// steal, release, report to a client, remove a worker. Everything it does
// follows from the events and their times, so the same events give the
// same commands: the scheduler actor (scheduler_actor.cpp) is a thin shell
// around it, and the simulator (tests/sim) runs it against thousands of
// fault schedules on a virtual clock.
//
//   SchedulerCore core(config);
//   auto joined = core.join(now, register_worker);       // a WorkerId, or why not
//   core.batch(now, worker, messages);                    // its reports
//   core.flush(now);                                      // placement
//   for (Command& c : core.take_commands()) ...           // carry them out
//
// Events about unknown runs, removed workers and tasks no longer where the
// report says are stale and ignored (a removed worker's batch makes batch()
// return false: tell it it was removed). Not thread-safe: one owner feeds it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "distributed/cluster_view.h"
#include "distributed/scheduler_commands.h"
#include "distributed/scheduler_state.h"

namespace shoal::actors {

struct SchedulerCoreConfig {
  std::chrono::nanoseconds heartbeat_timeout = std::chrono::seconds(5);
  std::size_t allowed_failures = 3;  // workers that may die under one task
  std::size_t tasks_per_thread = 4;
  std::function<void(const std::string&)> log;  // null: no log
};

/// What a client submits with a graph.
struct Submission {
  ClientId client = 0;
  std::uint64_t client_run = 0;
  bool want_events = false;
  bool keep = false;  // futures: outputs stay until released
  std::uint32_t retries = 0;
  std::int32_t priority = 0;
};

class SchedulerCore {
 public:
  explicit SchedulerCore(SchedulerCoreConfig config);

  // ---- events ----

  /// A worker registers: its new id, or why it is refused.
  std::variant<WorkerId, std::string> join(Time now, const wire::RegisterWorker& r);
  /// Worker `w` is gone (connection closed, registered anew). Ignored if
  /// it was already removed.
  void worker_left(Time now, WorkerId w, const std::string& reason);
  /// Reports from worker `from` (nullopt: an unknown sender, such as a
  /// worker's heartbeat actor). False when the sender is not a live worker
  /// and sent more than heartbeats: tell it it was removed.
  bool batch(Time now, std::optional<WorkerId> from, std::vector<wire::Message>& messages);
  /// Worker `w` gave back these tasks of `run` after a steal.
  void stolen(Time now, WorkerId w, std::uint64_t run, const std::vector<std::string>& ids);
  /// A client submits an encoded wire::RunGraph.
  void submit(Time now, const Submission& s, std::span<const std::byte> run_graph);
  /// A client submits a graph (the simulator's way: nothing to decode).
  void submit(Time now, const Submission& s, Graph graph, std::vector<Key> outputs);
  void cancel(Time now, ClientId client, std::uint64_t client_run);
  /// The client fetched the outputs (or dropped its futures).
  void release(Time now, ClientId client, std::uint64_t client_run);
  /// The client is gone: its runs go too.
  void client_gone(Time now, ClientId client);
  /// The heartbeat timer: workers silent for longer than the timeout go.
  void tick(Time now);
  /// Placement, then one batch per worker and the clients' events.
  void flush(Time now);
  /// Every unfinished run fails ("the scheduler was shut down").
  void shutdown();
  /// Whether anyone reads the event stream (lines are built only then).
  void set_subscribed(bool subscribed) { subscribed_ = subscribed; }

  /// The commands decided since the last call, in order.
  std::vector<Command> take_commands();

  // ---- questions ----

  std::vector<std::string> status() const;
  bool alive(WorkerId w) const { return w < workers_.size() && workers_[w].alive; }
  /// The live worker named `name`, if any.
  std::optional<WorkerId> worker_named(const std::string& name) const;
  /// For checks (the simulator's invariants): the state, read-only.
  const std::vector<RemoteWorker>& workers() const { return workers_; }
  const RunTable& runs() const { return runs_; }
  std::size_t workers_lost() const { return workers_lost_; }
  std::size_t recomputed() const { return recomputed_; }

 private:
  using RunId = std::uint64_t;

  // runs (scheduler_core.cpp)
  void start(std::unique_ptr<RemoteRun> run);
  void init(RemoteRun& run);
  void check_futures(const Plan& plan) const;
  void make_ready(RemoteRun& run, Plan::Id id);
  void resolve_future(RemoteRun& run, Plan::Id id);
  void wake_future_waiters(const RemoteRun& run, Plan::Id id);
  void now_in_memory(RemoteRun& run, Plan::Id id);
  void fail_later(RunId run_id, std::string message);
  void fail_doomed();
  void finish(RemoteRun& run);
  void reply_error(RemoteRun& run, std::uint8_t kind, std::string key, std::string op,
                   std::string message);
  void send_events(RemoteRun& run);
  void drop_run(RunId id);
  void forget_futures(const RemoteRun& run);

  // reports (scheduler_reports.cpp)
  bool heartbeats_only(std::vector<wire::Message>& messages);
  void on_message(WorkerId w, wire::TaskDone& d);
  void on_message(WorkerId w, wire::TaskFailed& f);
  void on_message(WorkerId w, wire::InputMissing& m);
  void on_message(WorkerId w, wire::Heartbeat& hb);
  template <class M>
  void on_message(WorkerId w, M&) {
    log("ignored an unexpected message from worker " + workers_[w].name);
  }
  bool is_current(const RemoteRun* run, std::uint32_t id, WorkerId w) const;

  // repair (scheduler_repair.cpp)
  void unalias_lost(RemoteRun& run, Plan::Id task);
  void release(RemoteRun& run, Plan::Id id);
  void forget_copy(RemoteRun& run, Plan::Id id, WorkerId h);
  void lost(RemoteRun& run, Plan::Id id);
  void require(RemoteRun& run, Plan::Id root);
  void recount(RemoteRun& run, Plan::Id id);
  void remove_worker(WorkerId w, const std::string& reason, bool tell);
  void fail_runs_without_ops();
  std::pair<std::size_t, std::size_t> repair(RemoteRun& run, WorkerId w);

  // placement (scheduler_placement.cpp)
  ClusterView view() const { return ClusterView(workers_, runs_, stats_); }
  std::vector<RemoteRun*> runs_by_priority();
  void dispatch();
  void assign(RemoteRun& run, Plan::Id id, WorkerId w);
  void maybe_steal();
  void steal(WorkerId victim, std::size_t want);
  void send_outbox(WorkerId w);
  void broadcast_peers();

  void publish(std::string line);
  void schedule_flush();
  void log(const std::string& line) const {
    if (config_.log) config_.log(line);
  }
  RemoteRun* find_run(RunId id);
  RemoteRun* find_client_run(ClientId client, std::uint64_t client_run);

  SchedulerCoreConfig config_;
  Time now_{0};                        // of the event being handled
  std::vector<RemoteWorker> workers_;  // never shrinks: indices stay valid; the dead are marked
  RunTable runs_;                      // oldest first
  std::map<std::pair<ClientId, std::uint64_t>, RunId> by_client_;
  std::unordered_map<Key, std::pair<RunId, Plan::Id>, KeyHash> futures_;  // keep runs' outputs
  std::unordered_map<Key, std::vector<std::pair<RunId, Plan::Id>>, KeyHash> future_waiters_;
  std::vector<std::pair<RunId, std::string>> doomed_;  // runs to fail at the next flush
  std::vector<std::string> feed_;                      // event-stream lines, sent at the next flush
  std::vector<Command> commands_;
  RunId last_run_ = 0;
  PlacementStats stats_;
  bool subscribed_ = false;
  bool flush_scheduled_ = false;
  bool stealing_ = false;
  std::size_t workers_lost_ = 0, recomputed_ = 0;
};

}  // namespace shoal::actors
