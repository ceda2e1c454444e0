// The simulated world: an event queue on a virtual clock, connections
// that keep order (TCP) but not timing, worker processes that run tasks,
// fetch inputs, freeze, die and come back, and one client. The scheduler
// is the real SchedulerCore; what this file plays is what its actor shell
// would do with the commands (scheduler_actor.cpp).
#include "simulation.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>

#include "distributed/scheduler_core.h"
#include "invariants.h"
#include "sim_graphs.h"

namespace shoal::sim {
namespace {

using namespace std::chrono_literals;
using actors::Command;
using actors::SchedulerCore;
using actors::Time;
using actors::WorkerId;
namespace cmd = actors::cmd;

constexpr Time kHeartbeatInterval = 500ms;
constexpr Time kHeartbeatTimeout = 5s;
constexpr Time kConnectionTimeout = 2s;  // four heartbeat intervals, as the nodes set CAF's
constexpr Time kFetchTimeout = 2s;
constexpr Time kFaultWindow = 20s;  // faults happen before this; then the cluster must settle
constexpr Time kBound = 300s;       // every schedule ends before this, or it livelocked
constexpr std::uint32_t kRetries = 2;
constexpr std::size_t kMaxResubmits = 10;
constexpr std::uint64_t kInlineBytes = 8, kStoredBytes = 5000;

using Slot = std::pair<std::uint64_t, std::uint32_t>;  // run, task

struct Pending {
  wire::AssignTask task;
  std::vector<std::int64_t> inputs;
  std::size_t missing = 0;
  bool queued = false, running = false;
  std::uint64_t serial = 0;  // tells a reassignment of the same slot from an older one
};

// One worker process. It outlives its registrations: a worker removed for
// silence drops everything and registers anew, as the real one does.
struct Proc {
  std::size_t index = 0;
  std::string name, address;
  std::uint32_t threads = 1;
  bool dead = false, frozen = false, straggler = false;
  bool conn_lost = false;  // its connection closed while it was frozen or cut off
  Time cut_until{0};
  std::optional<WorkerId> id;  // its newest registration (what the shell attributes to it)
  std::uint64_t life = 0;      // bumps when it drops everything
  std::uint64_t conn = 0;      // bumps when its connection closes: messages on it are lost
  std::map<Slot, std::int64_t> store;
  std::map<Slot, Pending> pending;
  std::uint32_t running = 0;
  std::vector<std::function<void()>> backlog;  // what arrived while frozen
  Time to_sched{0}, from_sched{0}, hb{0};      // the last delivery on each connection
};

struct JobState {
  bool submitted = false, done = false, failed = false;
  std::uint64_t client_run = 0;
  std::size_t resubmits = 0;
};

class World {
 public:
  World(std::uint64_t seed, bool trace)
      : rng_(seed), trace_(trace), core_(core_config()), jobs_(random_jobs(rng_)) {
    job_state_.resize(jobs_.size());
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
      note("job " + std::to_string(j) + ": " + describe(jobs_[j]));
    }
  }

  SimOutcome run();

 private:
  static actors::SchedulerCoreConfig core_config() {
    actors::SchedulerCoreConfig c;
    c.heartbeat_timeout = kHeartbeatTimeout;
    return c;
  }

  // ---- randomness and time ----

  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool chance(double p) { return static_cast<double>(rng_() % 1000000) < p * 1e6; }
  Time between(Time lo, Time hi) {
    return lo +
           Time(static_cast<Time::rep>(below(static_cast<std::uint64_t>((hi - lo).count()) + 1)));
  }
  Time latency() { return chance(0.05) ? between(5ms, 50ms) : between(50us, 500us); }

  void at(Time t, std::function<void()> f) { queue_.push({t, seq_++, std::move(f)}); }

  void note(const std::string& line) {
    if (!trace_) return;
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%10.3f ms  ", static_cast<double>(now_.count()) / 1e6);
    outcome_.trace.push_back(stamp + line);
  }

  // ---- connections ----

  bool cut(const Proc& p) const { return p.cut_until > now_; }

  // Worker -> scheduler on p's connection: in order, held while cut off,
  // lost if the connection closes first.
  void to_scheduler(Proc& p, Time& channel, std::string what, std::function<void()> f) {
    Time t = now_ + latency();
    if (cut(p)) t = std::max(t, p.cut_until + latency());
    t = std::max(t, channel);
    channel = t;
    at(t, [this, &p, conn = p.conn, what = std::move(what), f = std::move(f)] {
      if (p.conn != conn) return note("lost on a closed connection: " + what);
      note(p.name + " -> scheduler: " + what);
      f();
    });
  }

  // Scheduler -> worker p: in order, held while cut off, run when it is
  // not frozen.
  void to_worker(Proc& p, std::string what, std::function<void()> f) {
    Time t = now_ + latency();
    if (cut(p)) t = std::max(t, p.cut_until + latency());
    t = std::max(t, p.from_sched);
    p.from_sched = t;
    at(t, [this, &p, conn = p.conn, what = std::move(what), f = std::move(f)] {
      if (p.dead || p.conn != conn) return;
      note("scheduler -> " + p.name + ": " + what);
      if (p.frozen) return p.backlog.push_back(f);
      f();
    });
  }

  // Something p does itself at `t` (a task ends, a fetch returns): not if
  // it died or dropped everything since, later if it is frozen.
  void in_proc(Proc& p, Time t, std::function<void()> f) {
    at(t, [this, &p, life = p.life, f = std::move(f)] {
      if (p.dead || p.life != life) return;
      if (p.frozen)
        return p.backlog.push_back([&p, life, f] {
          if (p.life == life) f();
        });
      f();
    });
  }

  // ---- the scheduler's side ----

  void carry_out() {
    for (Command& c : core_.take_commands()) std::visit([&](auto& x) { perform(x); }, c);
  }

  void perform(cmd::ScheduleFlush&) {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    at(now_ + 10us, [this] {
      flush_scheduled_ = false;
      core_.flush(now_);
    });
  }
  void perform(cmd::ToWorker& c) {
    Proc& p = proc_of(c.worker);
    auto messages = std::make_shared<std::vector<wire::Message>>(std::move(c.messages));
    to_worker(p, describe_batch(*messages), [this, &p, messages] { on_batch(p, *messages); });
  }
  void perform(cmd::Steal& c) {
    Proc& p = proc_of(c.worker);
    to_worker(p, "steal " + std::to_string(c.ids.size()),
              [this, &p, run = c.run, ids = c.ids] { on_steal(p, run, ids); });
  }
  void perform(cmd::Peers&) {}  // names resolve directly here
  void perform(cmd::RemoveWorker& c) {
    note("scheduler removes worker " + std::to_string(c.worker));
    if (!c.tell) return;
    Proc& p = proc_of(c.worker);
    to_worker(p, "removed", [this, &p] { on_removed(p); });
  }
  void perform(cmd::ClientEvents&) {}
  void perform(cmd::ClientResult& c) {
    client_in_ = std::max(now_ + latency(), client_in_);
    at(client_in_, [this, r = std::make_shared<wire::RunResult>(std::move(c.result)),
                    run = c.client_run] { on_result(run, *r); });
  }
  void perform(cmd::Publish&) {}

  Proc& proc_of(WorkerId w) { return *procs_[incarnation_.at(w).first]; }

  static std::string describe_batch(const std::vector<wire::Message>& messages) {
    std::string s;
    for (const wire::Message& m : messages) {
      if (auto* a = std::get_if<wire::AssignTask>(&m)) {
        s += "assign " + std::to_string(a->run_id) + "/" + std::to_string(a->task_id) + " ";
      } else if (auto* r = std::get_if<wire::Release>(&m)) {
        s +=
            "release " + std::to_string(r->run_id) + "/" + std::to_string(r->task_ids.size()) + " ";
      }
    }
    return s;
  }

  // What the real shell attributes a batch to: the newest registration of
  // that worker actor.
  void report(Proc& p, wire::Message m, std::string what) {
    auto batch = std::make_shared<std::vector<wire::Message>>();
    batch->push_back(std::move(m));
    to_scheduler(p, p.to_sched, std::move(what), [this, &p, batch] {
      if (!core_.batch(now_, p.id, *batch)) {
        to_worker(p, "removed (told again)", [this, &p] { on_removed(p); });
      }
    });
  }

  // ---- workers ----

  void start_proc(std::size_t index, std::string name) {
    auto p = std::make_unique<Proc>();
    p->index = index;
    p->name = std::move(name);
    p->address = "sim:" + std::to_string(index);
    p->threads = 1 + static_cast<std::uint32_t>(below(2));
    procs_.push_back(std::move(p));
    note("process " + procs_.back()->name + " starts (" + procs_.back()->address + ")");
    register_proc(*procs_.back());
  }

  void register_proc(Proc& p) {
    to_scheduler(p, p.to_sched, "register", [this, &p] {
      if (p.id && core_.alive(*p.id)) core_.worker_left(now_, *p.id, "registered anew");
      carry_out();
      wire::RegisterWorker r{
          p.name,    "sim", static_cast<std::uint16_t>(p.index),
          p.threads, 0,     {"sim.leaf", "sim.combine", "sim.map", "sim.split", "sim.collect"}};
      auto joined = core_.join(now_, r);
      if (auto* w = std::get_if<WorkerId>(&joined)) {
        p.id = *w;
        incarnation_[*w] = {p.index, p.life};
        note(p.name + " registered as worker " + std::to_string(*w));
      } else {
        note(p.name + " refused: " + std::get<std::string>(joined));
        in_proc(p, now_ + 1s, [this, &p] { register_proc(p); });
      }
    });
  }

  void drop_everything(Proc& p) {
    p.store.clear();
    p.pending.clear();
    p.running = 0;
    p.life++;
  }

  void on_removed(Proc& p) {
    note(p.name + " drops everything and registers anew");
    drop_everything(p);
    in_proc(p, now_ + between(10ms, 100ms), [this, &p] { register_proc(p); });
  }

  void on_batch(Proc& p, std::vector<wire::Message>& messages) {
    for (wire::Message& m : messages) {
      if (auto* a = std::get_if<wire::AssignTask>(&m)) on_assign(p, std::move(*a));
      if (auto* r = std::get_if<wire::Release>(&m)) {
        for (std::uint32_t id : r->task_ids) p.store.erase({r->run_id, id});
      }
    }
  }

  void on_assign(Proc& p, wire::AssignTask a) {
    Slot s{a.run_id, a.task_id};
    Pending& t = p.pending[s];
    t = Pending{std::move(a), {}, 0, false, false, ++serial_};
    t.inputs.assign(t.task.inputs.size(), 0);
    for (std::size_t i = 0; i < t.task.inputs.size(); ++i) {
      const wire::InputLocation& in = t.task.inputs[i];
      Slot from{in.run_id ? in.run_id : s.first, in.task_id};
      if (in.has_value) {
        t.inputs[i] = in.value.as_int();
      } else if (in.worker.empty()) {
        auto it = p.store.find(from);
        if (it == p.store.end()) return input_missing(p, s, in, p.name, "not held here");
        t.inputs[i] = it->second;
      } else {
        t.missing++;
        fetch(p, s, t.serial, i, in, from);
      }
    }
    if (t.missing == 0) enqueue(p, s);
  }

  Proc* proc_named(const std::string& name) {
    for (auto it = procs_.rbegin(); it != procs_.rend(); ++it) {
      if ((*it)->name == name && !(*it)->dead) return it->get();
    }
    return nullptr;
  }

  void fetch(Proc& p, Slot s, std::uint64_t serial, std::size_t i, wire::InputLocation in,
             Slot from) {
    Proc* h = proc_named(in.worker);
    std::optional<std::int64_t> value;
    Time took = between(200us, 3ms);
    if (h && (h->frozen || cut(*h) || cut(p))) {
      took = kFetchTimeout;
    } else if (h) {
      auto it = h->store.find(from);
      if (it != h->store.end()) value = it->second;
    }
    in_proc(p, now_ + took, [this, &p, s, serial, i, in, value] {
      auto it = p.pending.find(s);
      if (it == p.pending.end() || it->second.serial != serial) return;
      if (!value) return input_missing(p, s, in, in.worker, "fetch failed");
      it->second.inputs[i] = *value;
      if (--it->second.missing == 0) enqueue(p, s);
    });
  }

  void input_missing(Proc& p, Slot s, const wire::InputLocation& in, const std::string& holder,
                     const std::string& why) {
    p.pending.erase(s);
    report(p, wire::InputMissing{s.first, s.second, in.task_id, holder, why, in.run_id},
           "input missing " + std::to_string(s.first) + "/" + std::to_string(s.second) + " from " +
               holder);
  }

  void enqueue(Proc& p, Slot s) {
    p.pending.at(s).queued = true;
    run_ready(p);
  }

  void run_ready(Proc& p) {
    while (p.running < p.threads) {
      auto next = p.pending.end();
      for (auto it = p.pending.begin(); it != p.pending.end(); ++it) {
        if (!it->second.queued || it->second.running) continue;
        if (next == p.pending.end() || it->second.task.priority < next->second.task.priority)
          next = it;
      }
      if (next == p.pending.end()) return;
      next->second.running = true;
      p.running++;
      Time took = between(500us, 5ms) * (p.straggler ? 10 : 1);
      in_proc(p, now_ + took, [this, &p, s = next->first, serial = next->second.serial, took] {
        finish_task(p, s, serial, took);
      });
    }
  }

  void finish_task(Proc& p, Slot s, std::uint64_t serial, Time took) {
    p.running--;
    auto it = p.pending.find(s);
    if (it == p.pending.end() || it->second.serial != serial) return run_ready(p);
    Pending t = std::move(it->second);
    p.pending.erase(it);
    std::string what = std::to_string(s.first) + "/" + std::to_string(s.second);
    if (failures_[s] < kRetries && chance(0.05)) {
      failures_[s]++;
      report(p,
             wire::TaskFailed{s.first, t.task.task.key, t.task.task.op_name(), "injected", p.name,
                              s.second},
             "failed " + what);
      return run_ready(p);
    }
    std::int64_t v = task_value(t.task.task.key, t.inputs);
    wire::TaskDone done{s.first,
                        t.task.task.key,
                        p.name,
                        kStoredBytes,
                        static_cast<std::uint64_t>(took.count()),
                        false,
                        Value(),
                        s.second,
                        0};
    if (v % 3 == 0) {
      done.has_value = true;
      done.value = Value(v);
      done.nbytes = kInlineBytes;
    } else {
      p.store[s] = v;
    }
    report(p, std::move(done), "done " + what);
    run_ready(p);
  }

  void on_steal(Proc& p, std::uint64_t run, const std::vector<std::string>& ids) {
    std::vector<std::string> given;
    for (const std::string& text : ids) {
      auto it = p.pending.find({run, static_cast<std::uint32_t>(std::stoul(text))});
      if (it == p.pending.end() || !it->second.queued || it->second.running) continue;
      p.pending.erase(it);
      given.push_back(text);
    }
    to_scheduler(p, p.to_sched, "stolen " + std::to_string(given.size()), [this, &p, run, given] {
      if (p.id) core_.stolen(now_, *p.id, run, given);
    });
  }

  void heartbeats() {
    for (auto& owned : procs_) {
      Proc& p = *owned;
      if (p.dead || p.frozen || !p.id || p.conn_lost) continue;
      int copies = chance(0.05) ? 2 : 1;  // a duplicate heartbeat
      for (int c = 0; c < copies; ++c) {
        to_scheduler(p, p.hb, "heartbeat", [this, name = p.name] {
          std::vector<wire::Message> hb{wire::Heartbeat{name, 0, 0, 0, 0, 0, 0}};
          core_.batch(now_, std::nullopt, hb);
        });
      }
    }
    at(now_ + kHeartbeatInterval, [this] { heartbeats(); });
  }

  // ---- faults ----

  void kill(Proc& p) {
    note("FAULT kill -9 " + p.name);
    p.dead = true;
    p.life++;
    // The connection closes after what was already sent: a down message, 1-3 ms on.
    to_scheduler(p, p.to_sched, "connection closed", [this, &p] {
      if (p.id) core_.worker_left(now_, *p.id, "connection closed");
    });
    if (p.index == 0 || chance(0.6)) {
      at(now_ + between(500ms, 3s), [this, name = p.name] { start_proc(procs_.size(), name); });
    }
  }

  // A freeze or cut longer than the transport's timeout closes the
  // connection (half the time: the other half, TCP holds on and only the
  // heartbeat timeout notices).
  void maybe_close(Proc& p, Time lasting) {
    if (lasting <= kConnectionTimeout || chance(0.5)) return;
    at(now_ + kConnectionTimeout, [this, &p] {
      if (p.dead || (!p.frozen && !cut(p))) return;
      note("connection of " + p.name + " times out");
      p.conn++;
      p.conn_lost = true;
      if (p.id) core_.worker_left(now_, *p.id, "connection closed");
      if (!p.frozen) resume(p);
    });
  }

  // Back from a freeze or a closed connection: what a real worker does.
  void resume(Proc& p) {
    if (p.conn_lost) {
      p.conn_lost = false;
      on_removed(p);
    }
    auto backlog = std::move(p.backlog);
    p.backlog.clear();
    for (auto& f : backlog) f();
  }

  void freeze(Proc& p) {
    Time lasting = between(300ms, 8s);
    note("FAULT SIGSTOP " + p.name + " for " + std::to_string(lasting.count() / 1000000) + " ms");
    p.frozen = true;
    maybe_close(p, lasting);
    at(now_ + lasting, [this, &p] {
      if (p.dead || !p.frozen) return;
      note("SIGCONT " + p.name);
      p.frozen = false;
      resume(p);
      run_ready(p);
    });
  }

  void partition(Proc& p) {
    Time lasting = between(300ms, 8s);
    note("FAULT network of " + p.name + " cut for " + std::to_string(lasting.count() / 1000000) +
         " ms");
    p.cut_until = std::max(p.cut_until, now_ + lasting);
    maybe_close(p, lasting);
  }

  void fault() {
    outcome_.faults++;
    std::uint64_t kind = below(5);
    if (kind == 4 || procs_.empty())
      return start_proc(procs_.size(), "w" + std::to_string(procs_.size()));
    Proc& p = *procs_[below(procs_.size())];
    if (p.dead) return;
    switch (kind) {
      case 0:
        return kill(p);
      case 1:
        return p.frozen ? void() : freeze(p);
      case 2:
        return partition(p);
      default:
        note("FAULT " + p.name + " straggles (10x task time)");
        p.straggler = true;
    }
  }

  // ---- the client ----

  void submit(std::size_t j) {
    JobState& js = job_state_[j];
    js.submitted = true;
    js.client_run = ++last_client_run_;
    client_runs_[js.client_run] = j;
    note("client submits job " + std::to_string(j) + " as client run " +
         std::to_string(js.client_run));
    client_out_ = std::max(now_ + latency(), client_out_);
    at(client_out_, [this, j, run = js.client_run] {
      const Job& job = jobs_[j];
      actors::Submission s{1, run, false, job.keep, kRetries, job.priority};
      core_.submit(now_, s, job.graph, job.outputs);
    });
  }

  void release(std::size_t j) {
    client_out_ = std::max(now_ + latency(), client_out_);
    at(client_out_, [this, run = job_state_[j].client_run] { core_.release(now_, 1, run); });
  }

  // A run ended: its outputs must be what a serial evaluation gives.
  void on_result(std::uint64_t client_run, const wire::RunResult& r) {
    std::size_t j = client_runs_.at(client_run);
    JobState& js = job_state_[j];
    note("client gets the result of job " + std::to_string(j) +
         (r.ok ? ": ok" : ": " + r.error_message));
    if (!r.ok) return on_failure(j, r);
    auto truth = serial_values(jobs_, j);
    bool gone = false;
    for (std::size_t i = 0; i < r.outputs.size(); ++i) {
      const wire::InputLocation& loc = r.outputs[i];
      std::optional<std::int64_t> got;
      if (loc.has_value) got = loc.value.as_int();
      for (auto& p : procs_) {
        if (got || p->dead || p->address != loc.worker) continue;
        auto it = p->store.find({loc.run_id ? loc.run_id : r.run_id, loc.task_id});
        if (it != p->store.end()) got = it->second;
      }
      if (!got) {
        gone = true;
        continue;
      }
      if (*got != truth.at(loc.key)) {
        return fail("output-mismatch: job " + std::to_string(j) + " key " + loc.key.str() + " is " +
                    std::to_string(*got) + ", serially " + std::to_string(truth.at(loc.key)));
      }
    }
    if (gone && !jobs_[j].keep) {  // a holder went after the run ended: submit again
      release(j);
      if (++js.resubmits > kMaxResubmits)
        return fail("resubmitted job " + std::to_string(j) + " too often");
      // After a pause, as a client does once its fetch from the holder has
      // failed: until the scheduler notices the loss (a closed connection, or
      // the heartbeat timeout) it rightly names the dead holder again.
      return at(now_ + between(100ms, 1000ms), [this, j] { submit(j); });
    }
    js.done = true;
    if (!jobs_[j].keep) release(j);
    maybe_end();
  }

  // Faults may fail a run only as "killed worker", and the runs on its futures.
  void on_failure(std::size_t j, const wire::RunResult& r) {
    const std::string& m = r.error_message;
    int source = jobs_[j].depends_on;
    bool upstream = source >= 0 && job_state_[static_cast<std::size_t>(source)].failed;
    bool killed = m.rfind("killed worker", 0) == 0 && core_.workers_lost() >= 3;
    if (!killed && !upstream) {
      return fail("unexpected run error: job " + std::to_string(j) + ": " + m);
    }
    job_state_[j].done = job_state_[j].failed = true;
    maybe_end();
  }

  void maybe_end() {
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
      if (!job_state_[j].done) {
        // A job on futures goes in once its source is submitted; a failed
        // source fails it at once.
        return;
      }
    }
    if (ending_) return;
    ending_ = true;
    for (std::size_t j = jobs_.size(); j-- > 0;) {
      if (jobs_[j].keep && !job_state_[j].failed) release(j);
    }
    // Settled: every fault healed (they last at most 8 s) and 10 s to spare.
    at(std::max(now_, kFaultWindow + 8s) + 10s, [this] { ended_ = true; });
  }

  void fail(std::string what) {
    if (outcome_.ok) {
      outcome_.ok = false;
      outcome_.failure = std::move(what);
    }
  }

  Holding holds(WorkerId w, std::uint64_t run, std::uint32_t id) const {
    auto [index, life] = incarnation_.at(w);
    const Proc& p = *procs_[index];
    if (p.dead || p.life != life) return Holding::kUnknown;
    return p.store.count({run, id}) ? Holding::kHolds : Holding::kLacks;
  }

  std::size_t results_still_held() {
    std::size_t n = 0;
    for (const auto& p : procs_) {
      if (p->dead) continue;
      n += p->store.size();
      for (const auto& [slot, v] : p->store) {
        note(p->name + " still holds " + std::to_string(slot.first) + "/" +
             std::to_string(slot.second));
      }
    }
    return n;
  }

  void plan_schedule();
  void tick();

  struct Event {
    Time t;
    std::uint64_t seq;
    std::function<void()> f;
    bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };

  std::mt19937_64 rng_;
  bool trace_;
  SchedulerCore core_;
  std::vector<Job> jobs_;
  std::vector<JobState> job_state_;
  std::map<std::uint64_t, std::size_t> client_runs_;
  std::vector<std::unique_ptr<Proc>> procs_;
  std::map<WorkerId, std::pair<std::size_t, std::uint64_t>> incarnation_;  // -> proc, its life
  std::map<Slot, std::uint32_t> failures_;  // injected per task, at most kRetries
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  std::uint64_t seq_ = 0, serial_ = 0, last_client_run_ = 0;
  Time now_{0}, client_out_{0}, client_in_{0};
  bool flush_scheduled_ = false, ended_ = false, ending_ = false;
  InvariantChecker checker_;
  SimOutcome outcome_;
};

// Workers, submissions and faults of this seed, drawn before anything runs.
void World::plan_schedule() {
  std::size_t workers = 1 + below(4);
  for (std::size_t w = 0; w < workers; ++w) {
    at(between(0ms, 500ms),
       [this] { start_proc(procs_.size(), "w" + std::to_string(procs_.size())); });
  }
  Time t = between(0ms, 1s);
  for (std::size_t j = 0; j < jobs_.size(); ++j) {
    at(t, [this, j] { submit(j); });
    t += between(0ms, 1s);
  }
  std::size_t faults = below(7);
  for (std::size_t f = 0; f < faults; ++f) at(between(100ms, kFaultWindow), [this] { fault(); });
  at(kHeartbeatInterval, [this] { heartbeats(); });
  at(kHeartbeatInterval, [this] { tick(); });
}

void World::tick() {
  core_.tick(now_);
  at(now_ + kHeartbeatInterval, [this] { tick(); });
}

SimOutcome World::run() {
  plan_schedule();
  HoldsFn truth = [this](WorkerId w, std::uint64_t run, std::uint32_t id) {
    return holds(w, run, id);
  };
  while (!queue_.empty() && outcome_.ok && !ended_) {
    Event e = std::move(const_cast<Event&>(queue_.top()));
    queue_.pop();
    now_ = e.t;
    if (now_ > kBound) {
      fail("livelock: the schedule had not ended after " +
           std::to_string(kBound.count() / 1000000000) + " s of virtual time");
      break;
    }
    e.f();
    carry_out();
    outcome_.events++;
    if (std::string bad = checker_.check(core_, truth); !bad.empty()) fail(bad);
  }
  if (std::string e = check_settled(core_, results_still_held()); outcome_.ok && !e.empty()) {
    fail(e);
  }
  outcome_.virtual_seconds = static_cast<double>(now_.count()) / 1e9;
  if (!outcome_.ok) note("FAILED: " + outcome_.failure);
  return outcome_;
}

}  // namespace

SimOutcome simulate(std::uint64_t seed, bool trace) {
  return World(seed, trace).run();
}

}  // namespace shoal::sim
