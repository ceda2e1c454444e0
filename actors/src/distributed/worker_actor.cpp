// The remote worker: registers with the scheduler, gathers each assigned
// task's inputs (inline, its own store, or fetched from the peer holding
// them), runs ready tasks by priority on its threads (one task actor each),
// keeps large results in its ResultStore and serves them to peers and
// clients, reports in batches, and sends heartbeats.
#include "distributed/worker_actor.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <queue>
#include <unordered_map>

#include "common/process_memory.h"
#include "distributed/result_store.h"
#include "distributed/transport.h"
#include "shoal/error.h"
#include "shoal/op.h"
#include "shoal/task.h"
#include "wire/wire_value.h"

namespace shoal::actors {

/// A task actor's report to its worker.
struct RanTask {
  std::uint64_t run = 0;
  std::uint32_t id = 0;
  Key key;
  Value value;
  std::optional<std::string> error;
  std::uint64_t start_ns = 0, duration_ns = 0;
};

}  // namespace shoal::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(shoal::actors::RanTask)

namespace shoal::actors {
namespace {

constexpr double kPauseFraction = 0.85;
constexpr auto kFetchTimeout = std::chrono::seconds(30);
constexpr auto kConnectTimeout = std::chrono::seconds(5);
// Retries to reach the scheduler wait 100 ms, then twice as long each time,
// at most 5 s (as Dask's workers back off): a scheduler that starts a second
// late is found at once, one that is down for minutes costs a log line and a
// connection attempt every 5 s, not four a second.
constexpr auto kFirstRetry = std::chrono::milliseconds(100);
constexpr auto kMaxRetry = std::chrono::milliseconds(5000);

std::uint64_t slot(std::uint64_t run, std::uint32_t id) {
  return (run << 32) | id;
}

// What the heartbeat reports, written by the worker actor.
struct Load {
  std::atomic<std::uint32_t> running{0}, queued{0};
  std::atomic<std::uint64_t> memory{0}, spilled{0};
};

// Sends the worker's heartbeats, from an actor of its own: the worker actor
// may be busy for seconds (reading back spilled results, serving a large
// fetch) and must not look dead then. A frozen process (SIGSTOP) or a cut
// link still silences it. (heartbeat target, scheduler) switches it on;
// an invalid handle switches it off.
caf::behavior heartbeat_actor(caf::event_based_actor* self, std::string name,
                              std::uint64_t memory_limit, std::chrono::milliseconds interval,
                              std::shared_ptr<const Load> load) {
  auto scheduler = std::make_shared<caf::actor>();
  self->delayed_send(self, interval, tick_atom::value);
  return {
      [scheduler](register_atom, const caf::actor& target) { *scheduler = target; },
      [=](tick_atom) {
        if (*scheduler) {
          wire::Heartbeat hb{name,
                             load->running.load(),
                             load->queued.load(),
                             load->memory.load(),
                             memory_limit,
                             load->spilled.load(),
                             now_ns()};
          self->send(*scheduler, batch_atom::value, WireBatch{{wire::Message(std::move(hb))}});
        }
        self->delayed_send(self, interval, tick_atom::value);
      },
  };
}

struct PendingTask {
  std::uint64_t run = 0;
  std::uint32_t id = 0;
  std::uint32_t priority = 0;
  Task task;
  std::unordered_map<Key, Value, KeyHash> inputs;
  // Inputs in this worker's store, read when the task starts: a queued task
  // holds no copy of a spilled result.
  std::vector<wire::InputLocation> local;
  std::size_t missing = 0;
  bool queued = false;  // in the ready queue
};

struct Peer {
  std::string address;
  caf::actor handle;
  bool connecting = false;
  std::vector<wire::FetchRequest> queued;  // until connected
};

class RemoteWorker {
 public:
  RemoteWorker(caf::event_based_actor* self, RemoteWorkerConfig config)
      : self_(self),
        config_(std::move(config)),
        log_(log_sink(config_.log)),
        store_(config_.spill_dir, config_.memory_limit, log_) {}

  // ---- the scheduler ----

  void start(std::uint16_t port) {
    config_.port = port;
    start_trying();
    heart_ = self_->spawn(heartbeat_actor, config_.name, config_.memory_limit,
                          config_.heartbeat_interval, load_);
    // It ends with the worker, whatever the reason (a link would let a
    // normal exit pass, and the actor system would wait for it forever).
    self_->attach_functor(
        [heart = heart_] { caf::anon_send_exit(heart, caf::exit_reason::user_shutdown); });
    connect_scheduler();
    self_->delayed_send(self_, config_.heartbeat_interval, tick_atom::value);
  }

  // A new period of trying to reach the scheduler: death_timeout from now.
  void start_trying() {
    give_up_at_ = SteadyClock::now() + config_.death_timeout;
    retry_delay_ = kFirstRetry;
  }

  // One attempt never outlasts the death timeout by much: a host that drops
  // packets would otherwise hold the worker for kConnectTimeout.
  std::chrono::milliseconds attempt_timeout() const {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(give_up_at_ - SteadyClock::now());
    return std::clamp(left, std::chrono::milliseconds(100),
                      std::chrono::milliseconds(kConnectTimeout));
  }

  void connect_scheduler() {
    auto mm = connection_manager(self_->home_system());
    self_
        ->request(mm, attempt_timeout(), caf::connect_atom::value, config_.scheduler_host,
                  config_.scheduler_port)
        .then(
            [this](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
              scheduler_ = caf::actor_cast<caf::actor>(ptr);
              if (!scheduler_) return retry_later("no actor is published there");
              self_->monitor(scheduler_);
              register_now();
            },
            [this](caf::error& err) { retry_later(self_->home_system().render(err)); });
  }

  void retry_later(const std::string& why) {
    // Timers may fire a fraction of a millisecond early: what is left below
    // one millisecond counts as nothing left, not as a "retry in 0 ms".
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(give_up_at_ - SteadyClock::now());
    if (left.count() <= 0) {
      std::string reason = "cannot reach the scheduler at " + scheduler_address() + " (" + why +
                           "); gave up after the death timeout of " +
                           std::to_string(config_.death_timeout.count()) + " ms";
      log_(reason);
      if (config_.on_gone) config_.on_gone(reason);
      self_->quit();
      return;
    }
    auto delay = std::min(retry_delay_, left);
    log_("cannot reach the scheduler at " + scheduler_address() + " (" + why + "); retrying in " +
         std::to_string(delay.count()) + " ms");
    retry_delay_ = std::min(retry_delay_ * 2, kMaxRetry);
    self_->delayed_send(self_, delay, register_atom::value);
  }

  void register_now() {
    wire::RegisterWorker r{config_.name,         config_.host,
                           config_.port,         static_cast<std::uint32_t>(config_.threads),
                           config_.memory_limit, {}};
    for (const OpPtr& op : OpRegistry::global().list()) r.ops.push_back(op->name);
    std::sort(r.ops.begin(), r.ops.end());
    self_
        ->request(scheduler_, attempt_timeout(), register_atom::value,
                  caf::actor_cast<caf::actor>(self_), WireEnvelope{std::move(r)})
        .then(
            [this](const std::string& answer) {
              if (answer != "ok") {
                log_("the scheduler refused this worker: " + answer);
                if (config_.on_gone) config_.on_gone(answer);
                return self_->quit();
              }
              registered_ = true;
              self_->send(heart_, register_atom::value, scheduler_);
              log_("registered with " + scheduler_address());
              if (config_.on_registered) config_.on_registered();
            },
            [this](caf::error& err) { retry_later(self_->home_system().render(err)); });
  }

  // The scheduler is gone, or removed this worker: everything it knew of us
  // is void. Drop it all and register anew.
  void reset(const std::string& why) {
    if (!registered_ && scheduler_) return;  // a registration is under way
    log_("lost the scheduler (" + why + "); dropping " + std::to_string(store_.size()) +
         " results and registering anew");
    registered_ = false;
    self_->send(heart_, register_atom::value, caf::actor());
    store_.clear();
    pending_.clear();
    ready_ = {};
    waiters_.clear();
    outbox_.clear();
    start_trying();
    if (scheduler_) self_->demonitor(scheduler_);
    scheduler_ = caf::actor();
    connect_scheduler();
  }

  void on_down(const caf::down_msg& down) {
    if (scheduler_ && down.source == scheduler_.address()) return reset("connection closed");
    for (auto& [name, peer] : peers_) {
      if (peer.handle && peer.handle.address() == down.source) peer.handle = caf::actor();
    }
  }

  void on_removed() {
    if (registered_) reset("it removed this worker");
  }

  void on_peers(const std::vector<std::string>& names, const std::vector<std::string>& addresses) {
    for (std::size_t i = 0; i < names.size() && i < addresses.size(); ++i) {
      Peer& p = peers_[names[i]];
      if (p.address != addresses[i]) p = Peer{addresses[i]};
    }
  }

  // ---- tasks ----

  void on_batch(WireBatch& batch) {
    if (!registered_ || caf::actor_cast<caf::actor>(self_->current_sender()) != scheduler_) return;
    std::vector<std::pair<std::string, wire::FetchRequest>> fetches;  // peer, request
    for (wire::Message& m : batch.messages) {
      if (auto* a = std::get_if<wire::AssignTask>(&m)) {
        accept(*a, fetches);
      } else if (auto* r = std::get_if<wire::Release>(&m)) {
        for (std::uint32_t id : r->task_ids) store_.erase(r->run_id, id);
      }
    }
    for (auto& [peer, request] : fetches) send_fetch(peer, std::move(request));
    run_ready();
    schedule_flush();
  }

  // Inputs come inline, from this worker's store, or from the peer that
  // holds them. An input may belong to another run: a future's result.
  void accept(wire::AssignTask& a,
              std::vector<std::pair<std::string, wire::FetchRequest>>& fetches) {
    PendingTask p{a.run_id, a.task_id, a.priority, std::move(a.task), {}, {}, 0, false};
    for (wire::InputLocation& in : a.inputs) {
      std::uint64_t run = in.run_id ? in.run_id : a.run_id;
      if (in.has_value) {
        p.inputs.emplace(in.key, std::move(in.value));
      } else if (in.worker.empty() || in.worker == config_.name) {
        if (!store_.contains(run, in.task_id)) {
          return missing(a.run_id, a.task_id, in, config_.name, "not in this worker's store");
        }
        if (!in.run_id) in.run_id = a.run_id;
        p.local.push_back(std::move(in));
      } else {
        p.missing++;
        // One request per input: results that do not travel inline are
        // large, and one reply per value keeps each message (and the time
        // the transport spends on it) the size of one value.
        auto& waiting = waiters_[slot(run, in.task_id)];
        if (waiting.empty())
          fetches.push_back({in.worker, wire::FetchRequest{0, {in.key}, run, {in.task_id}}});
        waiting.push_back({slot(a.run_id, a.task_id), in.key, in.worker});
      }
    }
    std::uint64_t s = slot(p.run, p.id);
    bool ready = p.missing == 0;
    pending_[s] = std::move(p);
    if (ready) enqueue(s);
  }

  void enqueue(std::uint64_t s) {
    PendingTask& p = pending_.at(s);
    p.queued = true;
    ready_.emplace(p.priority, s);
  }

  void missing(std::uint64_t run, std::uint32_t task, const wire::InputLocation& in,
               const std::string& holder, const std::string& why) {
    outbox_.emplace_back(wire::InputMissing{run, task, in.task_id, holder, why, in.run_id});
  }

  // Starts ready tasks while threads are free. Past kPauseFraction of the
  // memory limit (resident memory) it starts none while another task still
  // runs: that one's end frees memory or the limit is simply too small, and
  // the worker never stalls with nothing running.
  void run_ready() {
    while (running_ < config_.threads && !ready_.empty()) {
      if (running_ > 0 && over_pause_threshold()) break;
      std::uint64_t s = ready_.top().second;
      ready_.pop();
      auto it = pending_.find(s);
      if (it == pending_.end() || !it->second.queued) continue;  // stolen
      PendingTask p = std::move(it->second);
      pending_.erase(it);
      if (read_local_inputs(p)) launch(std::move(p));
    }
  }

  bool over_pause_threshold() {
    if (!config_.memory_limit) return false;
    std::uint64_t rss = resident_bytes();
    bool over =
        static_cast<double>(rss) > kPauseFraction * static_cast<double>(config_.memory_limit);
    if (over && !paused_) {  // freed memory glibc kept may be all there is
      malloc_trim(0);
      rss = resident_bytes();
      over = static_cast<double>(rss) > kPauseFraction * static_cast<double>(config_.memory_limit);
    }
    if (over != paused_) {
      paused_ = over;
      log_(over ? "paused: resident memory " + std::to_string(rss >> 20) +
                      " MiB is past 85% of the limit"
                : "resumed: resident memory is below 85% of the limit again");
    }
    return over;
  }

  // The task's inputs from this worker's store; false (and reported) when
  // one is gone, spilled to a file that cannot be read back.
  bool read_local_inputs(PendingTask& p) {
    for (const wire::InputLocation& in : p.local) {
      std::optional<Value> v = store_.get(in.run_id, in.task_id);
      if (!v) {
        wire::InputLocation loc = in;
        if (loc.run_id == p.run) loc.run_id = 0;
        missing(p.run, p.id, loc, config_.name,
                "not in this worker's store (or its spill file is unreadable)");
        schedule_flush();
        return false;
      }
      p.inputs.emplace(in.key, std::move(*v));
    }
    return true;
  }

  void launch(PendingTask p) {
    running_++;
    std::vector<Value> refs;
    for_each_external_ref(p.task, [&](const Key& k) {
      auto it = p.inputs.find(k);
      refs.push_back(it == p.inputs.end() ? Value() : it->second);
    });
    caf::actor worker = caf::actor_cast<caf::actor>(self_);
    auto name = std::make_shared<const std::string>(config_.name);
    auto states = &states_;
    self_->spawn([worker, name, states, guard = config_.paths, run = p.run, id = p.id,
                  task = std::move(p.task), refs = std::move(refs)](caf::event_based_actor* t) {
      RanTask out{run, id, task.key, Value(), std::nullopt, now_ns(), 0};
      auto start = SteadyClock::now();
      try {
        // Checked here, on the task's thread: canonical paths cost a few
        // system calls, which the worker actor's thread should not pay.
        if (auto why = guard->refusal(task)) throw Error(*why);
        OpContext ctx;
        ctx.worker = *name;
        ctx.states = states;
        out.value = run_task(task, refs, ctx);
      } catch (const std::exception& e) {
        out.error = e.what();
      } catch (...) {
        out.error = "unknown exception (not derived from std::exception)";
      }
      out.duration_ns = static_cast<std::uint64_t>((SteadyClock::now() - start).count());
      t->send(worker, ran_atom::value, std::move(out));
    });
  }

  void on_ran(RanTask& r) {
    running_--;
    if (!registered_) return run_ready();
    if (r.error) {
      outbox_.emplace_back(wire::TaskFailed{r.run, r.key, "", *r.error, config_.name, r.id});
    } else {
      std::uint64_t nbytes = r.value.nbytes();
      wire::TaskDone done{r.run, r.key,   config_.name, nbytes,    r.duration_ns,
                          false, Value(), r.id,         r.start_ns};
      if (nbytes < config_.inline_limit) {
        done.has_value = true;
        done.value = std::move(r.value);
      } else {
        store_.put(r.run, r.id, std::move(r.value));
      }
      outbox_.emplace_back(std::move(done));
    }
    run_ready();
    schedule_flush();
  }

  // Gives up the tasks among `ids` that have not started and tells the
  // scheduler which.
  void steal(std::uint64_t run, const std::vector<std::string>& ids) {
    std::vector<std::string> given;
    for (const std::string& text : ids) {
      std::uint64_t s = slot(run, static_cast<std::uint32_t>(std::stoul(text)));
      auto it = pending_.find(s);
      if (it == pending_.end() || !it->second.queued) continue;  // running, or still fetching
      pending_.erase(it);
      given.push_back(text);
    }
    if (scheduler_) self_->send(scheduler_, stolen_atom::value, run, std::move(given));
  }

  // ---- fetching ----

  struct Waiter {
    std::uint64_t task;
    Key key;
    std::string holder;
  };

  void send_fetch(const std::string& peer_name, wire::FetchRequest request) {
    auto it = peers_.find(peer_name);
    if (it == peers_.end())
      return fetch_failed(request, peer_name, "no worker of that name is known");
    Peer& peer = it->second;
    if (peer.handle) return request_values(peer_name, peer.handle, std::move(request));
    peer.queued.push_back(std::move(request));
    if (!peer.connecting) connect_peer(peer_name);
  }

  void connect_peer(const std::string& peer_name) {
    Peer& peer = peers_.at(peer_name);
    peer.connecting = true;
    auto [host, port] = parse_address(peer.address, "peer address");
    auto mm = connection_manager(self_->home_system());
    self_->request(mm, kConnectTimeout, caf::connect_atom::value, host, port)
        .then(
            [this, peer_name](const caf::node_id&, caf::strong_actor_ptr& ptr,
                              const std::set<std::string>&) {
              Peer& p = peers_.at(peer_name);
              p.connecting = false;
              p.handle = caf::actor_cast<caf::actor>(ptr);
              if (p.handle) self_->monitor(p.handle);
              auto queued = std::move(p.queued);
              p.queued.clear();
              for (auto& r : queued) {
                if (p.handle)
                  request_values(peer_name, p.handle, std::move(r));
                else
                  fetch_failed(r, peer_name, "nothing is published at " + p.address);
              }
              flush();
            },
            [this, peer_name](caf::error& err) {
              Peer& p = peers_.at(peer_name);
              p.connecting = false;
              auto queued = std::move(p.queued);
              p.queued.clear();
              for (auto& r : queued) fetch_failed(r, peer_name, self_->home_system().render(err));
              flush();
            });
  }

  void request_values(const std::string& peer_name, const caf::actor& peer,
                      wire::FetchRequest request) {
    wire::FetchRequest copy = request;  // kept to name what failed
    self_->request(peer, kFetchTimeout, rfetch_atom::value, WireEnvelope{std::move(request)})
        .then(
            [this, peer_name, copy](WireEnvelope& reply) {
              auto* r = std::get_if<wire::FetchReply>(&reply.message);
              if (!r)
                return fetch_failed(copy, peer_name, "it answered with another kind of message");
              for (wire::FetchedValue& v : r->values) deliver(r->run_id, v.task_id, v.value);
              wire::FetchRequest rest{0, {}, copy.run_id, {}};
              for (std::size_t i = 0; i < copy.task_ids.size(); ++i) {
                if (waiters_.count(slot(copy.run_id, copy.task_ids[i]))) {
                  rest.keys.push_back(copy.keys[i]);
                  rest.task_ids.push_back(copy.task_ids[i]);
                }
              }
              if (!rest.task_ids.empty()) fetch_failed(rest, peer_name, "it does not hold them");
              run_ready();
              flush();
            },
            [this, peer_name, copy](caf::error& err) {
              fetch_failed(copy, peer_name, self_->home_system().render(err));
              run_ready();
              flush();
            });
  }

  void deliver(std::uint64_t run, std::uint32_t input, const Value& value) {
    auto it = waiters_.find(slot(run, input));
    if (it == waiters_.end()) return;
    for (const Waiter& w : it->second) {
      auto p = pending_.find(w.task);
      if (p == pending_.end()) continue;
      p->second.inputs.emplace(w.key, value);
      if (--p->second.missing == 0) enqueue(w.task);
    }
    waiters_.erase(it);
  }

  // The tasks waiting for these inputs cannot run here: the scheduler hears
  // of each, and places them again once the inputs exist somewhere.
  void fetch_failed(const wire::FetchRequest& r, const std::string& holder,
                    const std::string& why) {
    for (std::uint32_t input : r.task_ids) {
      auto it = waiters_.find(slot(r.run_id, input));
      if (it == waiters_.end()) continue;
      for (const Waiter& w : it->second) {
        if (pending_.erase(w.task)) {
          wire::InputLocation in{w.key, holder,  input,
                                 false, Value(), r.run_id == (w.task >> 32) ? 0 : r.run_id};
          missing(w.task >> 32, static_cast<std::uint32_t>(w.task & 0xffffffffu), in, holder,
                  "fetching from " + holder + " failed: " + why);
        }
      }
      waiters_.erase(it);
    }
  }

  WireEnvelope serve(const wire::FetchRequest& r) {
    wire::FetchReply reply{r.request_id, {}, {}, r.run_id};
    for (std::size_t i = 0; i < r.task_ids.size() && i < r.keys.size(); ++i) {
      std::optional<Value> v = store_.get(r.run_id, r.task_ids[i]);
      if (v)
        reply.values.push_back({r.keys[i], std::move(*v), r.task_ids[i]});
      else
        reply.missing.push_back(r.keys[i]);
    }
    return WireEnvelope{std::move(reply)};
  }

  // ---- reports ----

  // Refreshes what the heartbeat actor reports.
  void heartbeat() {
    load_->running = static_cast<std::uint32_t>(running_);
    load_->queued = static_cast<std::uint32_t>(pending_.size());
    load_->memory = store_.memory_bytes();
    load_->spilled = store_.spilled_bytes();
    self_->delayed_send(self_, config_.heartbeat_interval, tick_atom::value);
  }

  void schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    self_->send(self_, flush_atom::value);
  }

  void flush() {
    flush_scheduled_ = false;
    if (outbox_.empty() || !scheduler_ || !registered_) return;
    self_->send(scheduler_, batch_atom::value, WireBatch{std::move(outbox_)});
    outbox_.clear();
  }

  std::string scheduler_address() const {
    return config_.scheduler_host + ":" + std::to_string(config_.scheduler_port);
  }

  caf::event_based_actor* self_;
  RemoteWorkerConfig config_;
  std::function<void(const std::string&)> log_;
  ResultStore store_;
  OpStates states_;
  caf::actor scheduler_;
  bool registered_ = false;
  bool paused_ = false;
  bool flush_scheduled_ = false;
  SteadyClock::time_point give_up_at_;
  std::chrono::milliseconds retry_delay_ = kFirstRetry;
  std::unordered_map<std::uint64_t, PendingTask> pending_;  // assigned, not started
  using Entry = std::pair<std::uint32_t, std::uint64_t>;    // priority, slot
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready_;
  std::unordered_map<std::uint64_t, std::vector<Waiter>> waiters_;  // by input slot
  std::unordered_map<std::string, Peer> peers_;
  std::vector<wire::Message> outbox_;
  std::size_t running_ = 0;
  std::shared_ptr<Load> load_ = std::make_shared<Load>();
  caf::actor heart_;
};

}  // namespace

caf::behavior remote_worker_actor(caf::event_based_actor* self, RemoteWorkerConfig config) {
  auto w = std::make_shared<RemoteWorker>(self, std::move(config));
  self->set_down_handler([w](caf::down_msg& down) { w->on_down(down); });
  self->set_default_handler(caf::drop);
  return {
      [w](register_atom, std::uint16_t port) { w->start(port); },
      [w](register_atom) { w->connect_scheduler(); },  // a retry
      [w](removed_atom) { w->on_removed(); },
      [w](peers_atom, const std::vector<std::string>& names,
          const std::vector<std::string>& addresses) { w->on_peers(names, addresses); },
      [w](batch_atom, WireBatch& batch) { w->on_batch(batch); },
      [w](ran_atom, RanTask& r) { w->on_ran(r); },
      [w](steal_atom, std::uint64_t run, const std::vector<std::string>& ids) {
        w->steal(run, ids);
      },
      [w](rfetch_atom, const WireEnvelope& e) -> caf::result<WireEnvelope> {
        if (auto* r = std::get_if<wire::FetchRequest>(&e.message)) return w->serve(*r);
        return caf::make_error(caf::sec::invalid_argument, "expected a fetch request");
      },
      [w](flush_atom) { w->flush(); },
      [w](tick_atom) { w->heartbeat(); },
  };
}

}  // namespace shoal::actors
