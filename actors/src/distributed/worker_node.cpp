#include "shoal/worker_node.h"

#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "distributed/transport.h"
#include "distributed/worker_actor.h"
#include "shoal/error.h"

namespace shoal {

namespace {

// What the worker actor tells the node, from the actor's threads.
struct Signals {
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::size_t registrations = 0;
  bool gone = false;
  std::string gone_reason;
  bool stopped = false;  // by stop(), not on its own
};

}  // namespace

struct WorkerNode::Impl : Signals {
  WorkerNodeOptions options;
  std::string name;
  std::filesystem::path spill_dir;
  bool own_spill_dir = false;
  caf::actor_system_config config;  // must outlive the system
  std::unique_ptr<caf::actor_system> system;
  caf::actor worker;
};

namespace {

std::string default_name(const std::string& host) {
  return "worker-" + host + "-" + std::to_string(getpid());
}

// The worker actor calls these from its threads; the Impl outlives the actor
// (stop() joins the actor system before anything is destroyed).
actors::RemoteWorkerConfig worker_config(Signals& impl, const std::string& name,
                                         const std::filesystem::path& spill_dir,
                                         const WorkerNodeOptions& o) {
  auto [host, port] = actors::parse_address(o.scheduler, "shoal worker: the scheduler's address");
  actors::RemoteWorkerConfig c;
  c.name = name;
  c.scheduler_host = host;
  c.scheduler_port = port;
  c.host = o.host;
  c.threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  c.memory_limit = o.memory_limit;
  c.spill_dir = spill_dir;
  c.inline_limit = o.inline_limit;
  c.heartbeat_interval = o.heartbeat_interval;
  c.death_timeout = o.death_timeout;
  c.paths = std::make_shared<const actors::PathGuard>(o.allowed_paths);
  c.log = o.log;
  c.on_registered = [&impl, name, user = o.on_registered] {
    {
      std::lock_guard lock(impl.mutex);
      impl.registrations++;
    }
    impl.changed.notify_all();
    if (user) user(name);
  };
  c.on_gone = [&impl](const std::string& reason) {
    {
      std::lock_guard lock(impl.mutex);
      impl.gone = true;
      impl.gone_reason = reason;
    }
    impl.changed.notify_all();
  };
  return c;
}

}  // namespace

WorkerNode::WorkerNode(WorkerNodeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const auto& o = impl_->options;
  impl_->name = o.name.empty() ? default_name(o.host) : o.name;
  impl_->own_spill_dir = o.spill_dir.empty();
  impl_->spill_dir = impl_->own_spill_dir
                         ? std::filesystem::temp_directory_path() /
                               ("shoal-spill-" + impl_->name + "-" + std::to_string(getpid()))
                         : std::filesystem::path(o.spill_dir);
  actors::RemoteWorkerConfig c = worker_config(*impl_, impl_->name, impl_->spill_dir, o);
  // One thread more than tasks: the worker actor always has one to answer
  // fetches and send heartbeats while every task thread is busy.
  actors::configure_node(impl_->config, c.threads + 1, o.heartbeat_interval);
  actors::configure_tls(impl_->config, o.tls, "shoal worker");
  impl_->system = std::make_unique<caf::actor_system>(impl_->config);
  impl_->worker = impl_->system->spawn(actors::remote_worker_actor, c);
  auto port = actors::publish_actor(*impl_->system, impl_->worker, o.port, o.host, false);
  if (!port) {
    std::string why = impl_->system->render(port.error());
    stop();
    throw Error("shoal worker: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                " for fetches: " + why +
                "; pass --host with an address of this machine, and a free --port (0 = any)");
  }
  caf::anon_send(impl_->worker, actors::register_atom::value, *port);
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait(lock, [&] { return impl_->registrations > 0 || impl_->gone; });
  if (impl_->registrations == 0) {
    std::string reason = impl_->gone_reason;
    lock.unlock();
    stop();
    throw Error("shoal worker: " + reason +
                "; start the scheduler first (`shoal scheduler`) or check the address");
  }
}

WorkerNode::~WorkerNode() {
  stop();
}

const std::string& WorkerNode::name() const noexcept {
  return impl_->name;
}

void WorkerNode::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait(lock, [&] { return impl_->gone; });
}

std::string WorkerNode::failure() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->gone && !impl_->stopped ? impl_->gone_reason : std::string();
}

void WorkerNode::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->system) return;
    if (!impl_->gone) impl_->stopped = true;
    impl_->gone = true;
    if (impl_->gone_reason.empty()) impl_->gone_reason = "stopped";
  }
  impl_->changed.notify_all();
  caf::anon_send_exit(impl_->worker, caf::exit_reason::user_shutdown);
  impl_->worker = caf::actor();
  impl_->system.reset();
  caf::logger::set_current_actor_system(nullptr);
  if (impl_->own_spill_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(impl_->spill_dir, ignored);
  }
}

}  // namespace shoal
