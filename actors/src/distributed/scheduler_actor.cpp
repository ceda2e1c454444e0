// The distributed scheduler actor: a thin shell around SchedulerCore. It
// turns messages into the core's events (stamped with the steady clock),
// and the core's commands into messages. What it owns is what the core
// must not know: actor handles, monitors, subscribers, timers.
#include "distributed/scheduler_actor.h"

#include <algorithm>
#include <map>

#include "distributed/scheduler_core.h"
#include "wire/wire_value.h"

namespace shoal::actors {
namespace {

Time now() {
  return std::chrono::duration_cast<Time>(SteadyClock::now().time_since_epoch());
}

class SchedulerShell {
 public:
  SchedulerShell(caf::event_based_actor* self, const RemoteSchedulerConfig& config)
      : self_(self), core_(core_config(config)) {}

  std::string join(const caf::actor& handle, const wire::RegisterWorker& r) {
    if (auto old = worker_of(handle.address()); old && core_.alive(*old)) {
      core_.worker_left(now(), *old, "registered anew");
      carry_out();  // stops monitoring it before it is monitored anew
    }
    auto joined = core_.join(now(), r);
    if (auto* error = std::get_if<std::string>(&joined)) return *error;
    WorkerId id = std::get<WorkerId>(joined);
    if (workers_.size() <= id) workers_.resize(id + 1);
    workers_[id] = handle;
    self_->monitor(handle);
    carry_out();
    return "ok";
  }

  void on_down(const caf::down_msg& down) {
    auto unsubscribed =
        std::remove_if(subscribers_.begin(), subscribers_.end(),
                       [&](const caf::actor& s) { return s.address() == down.source; });
    subscribers_.erase(unsubscribed, subscribers_.end());
    core_.set_subscribed(!subscribers_.empty());
    if (auto w = worker_of(down.source); w && core_.alive(*w)) {
      core_.worker_left(now(), *w, "connection closed");
    } else if (auto c = clients_.find(down.source); c != clients_.end()) {
      core_.client_gone(now(), c->second);
      carry_out();
      client_handles_.erase(c->second);
      clients_.erase(c);
      return;
    }
    carry_out();
  }

  void on_batch(const caf::actor_addr& from, WireBatch& batch) {
    if (!core_.batch(now(), worker_of(from), batch.messages)) {
      if (auto handle = caf::actor_cast<caf::actor>(from)) self_->send(handle, removed_atom::value);
    }
    carry_out();
  }

  void on_stolen(const caf::actor_addr& from, std::uint64_t run,
                 const std::vector<std::string>& ids) {
    if (auto w = worker_of(from)) core_.stolen(now(), *w, run, ids);
    carry_out();
  }

  void submit(const caf::actor& client, std::uint64_t client_run, const std::vector<char>& bytes,
              bool events, bool keep, std::uint32_t retries, std::int32_t priority) {
    Submission s{client_id(client), client_run, events, keep, retries, priority};
    core_.submit(now(), s, {reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
    carry_out();
  }

  void cancel(const caf::actor_addr& client, std::uint64_t client_run) {
    if (auto c = clients_.find(client); c != clients_.end()) {
      core_.cancel(now(), c->second, client_run);
    }
    carry_out();
  }

  void release(const caf::actor_addr& client, std::uint64_t client_run) {
    if (auto c = clients_.find(client); c != clients_.end()) {
      core_.release(now(), c->second, client_run);
    }
    carry_out();
  }

  // The event stream: every subscriber gets every event from now on.
  void subscribe(const caf::actor& who) {
    if (!who) return;
    subscribers_.push_back(who);
    self_->monitor(who);
    core_.set_subscribed(true);
  }

  void flush() {
    flush_scheduled_ = false;
    core_.flush(now());
    carry_out();
  }

  void tick(std::chrono::milliseconds interval) {
    core_.tick(now());
    carry_out();
    self_->delayed_send(self_, interval, tick_atom::value);
  }

  std::vector<std::string> status() const { return core_.status(); }

  void shutdown() {
    core_.shutdown();
    carry_out();
  }

 private:
  static SchedulerCoreConfig core_config(const RemoteSchedulerConfig& c) {
    return {c.heartbeat_timeout, c.allowed_failures, c.tasks_per_thread, log_sink(c.log)};
  }

  // The newest worker id of that actor (a worker that registered anew has
  // several; the core knows which one is alive).
  std::optional<WorkerId> worker_of(const caf::actor_addr& a) const {
    for (std::size_t w = workers_.size(); w-- > 0;) {
      if (workers_[w] && workers_[w].address() == a) return static_cast<WorkerId>(w);
    }
    return std::nullopt;
  }

  ClientId client_id(const caf::actor& client) {
    auto [it, added] = clients_.emplace(client.address(), clients_.size() + 1);
    if (added) {
      client_handles_.emplace(it->second, client);
      self_->monitor(client);
    }
    return it->second;
  }

  // ---- commands into messages ----

  void carry_out() {
    for (Command& c : core_.take_commands()) std::visit([&](auto& x) { run(x); }, c);
  }

  void run(cmd::ScheduleFlush&) {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    self_->send(self_, flush_atom::value);  // behind every message already queued
  }
  void run(cmd::ToWorker& c) {
    self_->send(workers_[c.worker], batch_atom::value, WireBatch{std::move(c.messages)});
  }
  void run(cmd::Steal& c) {
    self_->send(workers_[c.worker], steal_atom::value, c.run, std::move(c.ids));
  }
  void run(cmd::Peers& c) {
    self_->send(workers_[c.worker], peers_atom::value, std::move(c.names), std::move(c.addresses));
  }
  void run(cmd::RemoveWorker& c) {
    self_->demonitor(workers_[c.worker]);
    if (c.tell) self_->send(workers_[c.worker], removed_atom::value);
  }
  void run(cmd::ClientEvents& c) {
    if (auto* h = client(c.client))
      self_->send(*h, events_atom::value, c.client_run, std::move(c.lines));
  }
  void run(cmd::ClientResult& c) {
    if (auto* h = client(c.client))
      self_->send(*h, result_atom::value, c.client_run, WireEnvelope{std::move(c.result)});
  }
  void run(cmd::Publish& c) {
    for (const caf::actor& s : subscribers_)
      self_->send(s, events_atom::value, std::uint64_t{0}, c.lines);
  }

  const caf::actor* client(ClientId id) const {
    auto it = client_handles_.find(id);
    return it == client_handles_.end() ? nullptr : &it->second;
  }

  caf::event_based_actor* self_;
  SchedulerCore core_;
  std::vector<caf::actor> workers_;  // by WorkerId
  std::map<caf::actor_addr, ClientId> clients_;
  std::map<ClientId, caf::actor> client_handles_;
  std::vector<caf::actor> subscribers_;  // of the event stream
  bool flush_scheduled_ = false;
};

}  // namespace

caf::behavior remote_scheduler_actor(caf::event_based_actor* self, RemoteSchedulerConfig config) {
  auto s = std::make_shared<SchedulerShell>(self, config);
  self->attach_functor([s] { s->shutdown(); });
  self->set_down_handler([s](caf::down_msg& down) { s->on_down(down); });
  // A message of a kind nobody sends (a confused or hostile peer) is dropped.
  self->set_default_handler(caf::drop);
  self->delayed_send(self, config.heartbeat_interval, tick_atom::value);
  auto interval = config.heartbeat_interval;
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
        if (client) s->submit(client, client_run, graph, events, keep, retries, priority);
      },
      [s, self](rcancel_atom, std::uint64_t client_run) {
        s->cancel(caf::actor_cast<caf::actor_addr>(self->current_sender()), client_run);
      },
      [s, self](release_atom, std::uint64_t client_run) {
        s->release(caf::actor_cast<caf::actor_addr>(self->current_sender()), client_run);
      },
      [s](status_atom) { return s->status(); },
      [s, self](subscribe_atom) {
        s->subscribe(caf::actor_cast<caf::actor>(self->current_sender()));
      },
      [s](flush_atom) { s->flush(); },
      [s, interval](tick_atom) { s->tick(interval); },
  };
}

}  // namespace shoal::actors
