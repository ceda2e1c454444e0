#include "shoal/scheduler_node.h"

#include <mutex>

#include "distributed/scheduler_actor.h"
#include "distributed/transport.h"
#include "shoal/error.h"

namespace shoal {

struct SchedulerNode::Impl {
  SchedulerNodeOptions options;
  caf::actor_system_config config;  // must outlive the system
  std::unique_ptr<caf::actor_system> system;
  caf::actor scheduler;
  std::uint16_t port = 0;
  std::mutex mutex;
};

SchedulerNode::SchedulerNode(SchedulerNodeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const auto& o = impl_->options;
  // One thread: the scheduler is one actor; a second only adds hand-offs.
  actors::configure_node(impl_->config, 1, o.heartbeat_interval);
  actors::configure_tls(impl_->config, o.tls, "shoal scheduler");
  if (!o.tls.enabled() && !actors::is_loopback(o.host)) {
    actors::log_sink(o.log)("shoal scheduler: warning: listening on " + o.host +
                            " without TLS: anyone who reaches this port can run tasks on the "
                            "workers; pass --tls-ca, --tls-cert and --tls-key (`shoal certs`)");
  }
  impl_->system = std::make_unique<caf::actor_system>(impl_->config);
  actors::RemoteSchedulerConfig c{o.heartbeat_interval, o.heartbeat_timeout,
                                  std::max<std::size_t>(1, o.allowed_failures),
                                  std::max<std::size_t>(1, o.tasks_per_thread), o.log};
  impl_->scheduler = impl_->system->spawn(actors::remote_scheduler_actor, c);
  // SO_REUSEADDR: a scheduler restarted after a crash gets its port back at
  // once, not after its old connections' TIME_WAIT (60 s); a port another
  // process listens on is still refused.
  auto port = actors::publish_actor(*impl_->system, impl_->scheduler, o.port, o.host, true);
  if (!port) {
    std::string why = impl_->system->render(port.error());
    stop();
    throw Error("shoal scheduler: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                ": " + why + "; pick another --port (0 = any free one) or stop what holds it");
  }
  impl_->port = *port;
}

SchedulerNode::~SchedulerNode() {
  stop();
}

std::uint16_t SchedulerNode::port() const noexcept {
  return impl_->port;
}

std::string SchedulerNode::address() const {
  return impl_->options.host + ":" + std::to_string(impl_->port);
}

void SchedulerNode::stop() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->system) return;
  // The system's destructor waits for every actor: stop the published one.
  caf::anon_send_exit(impl_->scheduler, caf::exit_reason::user_shutdown);
  impl_->scheduler = caf::actor();
  impl_->system.reset();
  caf::logger::set_current_actor_system(nullptr);
}

}  // namespace shoal
