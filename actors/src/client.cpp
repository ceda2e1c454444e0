#include "shoal/client.h"

#include <charconv>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "remote.h"
#include "shoal/error.h"
#include "shoal/plan.h"
#include "shoal/wire.h"
#include "wire_value.h"

namespace shoal {

struct Client::Impl {
  std::string address;
  std::string host;
  std::uint16_t port = 0;
  caf::actor_system_config config;  // must outlive the system
  std::unique_ptr<caf::actor_system> system;
  caf::actor scheduler;
  std::mutex mutex;  // guards the two below
  std::uint64_t last_run = 0;
  std::map<std::string, caf::actor> workers;  // by fetch address
};

namespace {

constexpr auto kFetchTimeout = std::chrono::seconds(60);
constexpr auto kRequestTimeout = std::chrono::seconds(10);

// See local_cluster.cpp: a caller's thread must not keep CAF's thread-local
// logger reference past an entry point.
struct ForgetCafThreadState {
  ~ForgetCafThreadState() { caf::logger::set_current_actor_system(nullptr); }
};

// Ops travel by name: a C++ function of this process cannot run elsewhere.
void check_remote_ops(const Plan& plan) {
  auto check = [](const Task& t) {
    if (t.op && t.op->local_only) {
      throw GraphError("graph is not runnable on a remote cluster: task " + t.key.str() + " uses op '" +
                       t.op->name + "', a C++ function of this process (local_only); register it by name "
                       "(SHOAL_FUNCTION or a plugin loaded on the workers) or run on a LocalCluster");
    }
  };
  for (Plan::Id id = 0; id < plan.size(); ++id) {
    check(plan.task(id));
    if (plan.task(id).prelude) {
      for (const Task& p : *plan.task(id).prelude) check(p);
    }
  }
}

std::vector<char> encode_run(const Graph& graph, std::span<const Key> outputs) {
  std::vector<std::byte> bytes;
  try {
    bytes = encode_wire(wire::RunGraph{0, graph, {outputs.begin(), outputs.end()}});
  } catch (const EncodeError& e) {
    throw GraphError(std::string("graph cannot be sent to the cluster: ") + e.what());
  }
  const char* p = reinterpret_cast<const char*>(bytes.data());
  return {p, p + bytes.size()};
}

// "S|F|E id duration_ns worker [message]" from the scheduler, as a TaskEvent.
void report(const Plan& plan, const std::string& line, RunObservers& observers) {
  std::istringstream in(line);
  char kind = 0;
  std::uint64_t id = 0, ns = 0;
  std::string worker;
  if (!(in >> kind >> id >> ns >> worker) || id >= plan.size()) return;
  const Task& task = plan.task(static_cast<Plan::Id>(id));
  auto now = std::chrono::steady_clock::now();
  TaskEvent e{task.key, task.op_name(), worker, TaskEvent::State::kStarted, now, {}, {}};
  if (kind == 'F' || kind == 'E') {
    e.state = kind == 'F' ? TaskEvent::State::kFinished : TaskEvent::State::kErred;
    e.start = now - std::chrono::nanoseconds(ns);
    e.stop = now;
    if (kind == 'E') std::getline(in >> std::ws, e.error);
  }
  observers.task(e);
}

[[noreturn]] void throw_result(const wire::RunResult& r) {
  switch (r.kind) {
    case wire::RunResult::kTaskError: throw TaskError(r.error_key, r.error_op, r.error_message);
    case wire::RunResult::kGraphError: throw GraphError(r.error_message);
    case wire::RunResult::kCancelled: throw CancelledError();
    default: throw Error("the run failed on the cluster: " + r.error_message);
  }
}

}  // namespace

Client::Client(const std::string& address, ClientOptions options) : impl_(std::make_unique<Impl>()) {
  ForgetCafThreadState forget;
  impl_->address = address;
  std::tie(impl_->host, impl_->port) = actors::parse_address(address, "Client");
  actors::configure_node(impl_->config, 2, std::chrono::milliseconds(500));
  impl_->system = std::make_unique<caf::actor_system>(impl_->config);
  auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
  std::string why;
  for (;;) {
    auto s = impl_->system->middleman().remote_actor(impl_->host, impl_->port);
    if (s && *s) {
      impl_->scheduler = *s;
      return;
    }
    why = s ? "nothing is published there" : impl_->system->render(s.error());
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  impl_->system.reset();
  throw Error("cannot reach the scheduler at " + address + " (" + why +
              "); start one with `shoal scheduler --port " + std::to_string(impl_->port) + "` or check the address");
}

Client::~Client() {
  ForgetCafThreadState forget;
  impl_->scheduler = caf::actor();
  impl_->workers.clear();
  impl_->system.reset();
}

std::string Client::name() const { return "Client(" + impl_->address + ")"; }

std::vector<Value> Client::run(const Graph& graph, std::span<const Key> outputs, const RunOptions& options) {
  ForgetCafThreadState forget;
  Graph culled = graph.cull(outputs);
  Plan plan(culled, outputs, nullptr);  // validates: cycles, missing keys
  check_remote_ops(plan);
  std::vector<char> bytes = encode_run(culled, outputs);
  RunObservers observers(options);
  observers.run_start(plan.size());
  // A worker holding an output may die between the end of the run and the
  // fetch: the run is submitted again, once.
  for (int attempt = 0;; ++attempt) {
    std::uint64_t client_run;
    {
      std::lock_guard lock(impl_->mutex);
      client_run = ++impl_->last_run;
    }
    caf::scoped_actor self{*impl_->system};
    self->monitor(impl_->scheduler);
    self->send(impl_->scheduler, actors::rrun_atom::value, client_run, bytes, !observers.empty());
    std::optional<wire::RunResult> result;
    bool cancel_sent = false;
    while (!result) {
      self->receive(
          [&](actors::result_atom, actors::WireEnvelope& e) {
            if (auto* r = std::get_if<wire::RunResult>(&e.message)) result = std::move(*r);
          },
          [&](actors::events_atom, std::uint64_t, const std::vector<std::string>& lines) {
            for (const std::string& line : lines) report(plan, line, observers);
          },
          [&](caf::down_msg&) {
            observers.run_end(false);
            throw Error("lost the scheduler at " + impl_->address + " during the run; restart it and run again");
          },
          caf::after(std::chrono::milliseconds(50)) >> [&] {
            if (!cancel_sent && options.cancelled()) {
              self->send(impl_->scheduler, actors::rcancel_atom::value, client_run);
              cancel_sent = true;
            }
          });
    }
    if (!result->ok) {
      observers.run_end(false);
      throw_result(*result);
    }
    std::vector<Value> values;
    bool complete = true;
    for (const wire::InputLocation& loc : result->outputs) {
      if (loc.has_value) {
        values.push_back(loc.value);
        continue;
      }
      std::optional<Value> v = loc.worker.empty() ? std::nullopt : fetch_output(self, result->run_id, loc);
      if (!v) {
        complete = false;
        break;
      }
      values.push_back(std::move(*v));
    }
    self->send(impl_->scheduler, actors::release_atom::value, client_run);
    if (complete) {
      observers.run_end(true);
      return values;
    }
    if (attempt == 1) {
      observers.run_end(false);
      throw Error("the workers holding this run's outputs were lost twice before they could be fetched");
    }
  }
}

// Fetches one output from the worker that holds it; nullopt when it cannot.
std::optional<Value> Client::fetch_output(caf::scoped_actor& self, std::uint64_t run,
                                          const wire::InputLocation& loc) {
  Impl& impl = *impl_;
  caf::actor worker;
  {
    std::lock_guard lock(impl.mutex);
    auto it = impl.workers.find(loc.worker);
    if (it != impl.workers.end()) worker = it->second;
  }
  if (!worker) {
    auto [host, port] = actors::parse_address(loc.worker, "worker address");
    auto w = impl.system->middleman().remote_actor(host, port);
    if (!w || !*w) return std::nullopt;
    worker = *w;
    std::lock_guard lock(impl.mutex);
    impl.workers[loc.worker] = worker;
  }
  std::optional<Value> out;
  wire::FetchRequest request{0, {loc.key}, run, {loc.task_id}};
  self->request(worker, kFetchTimeout, actors::rfetch_atom::value, actors::WireEnvelope{std::move(request)})
      .receive(
          [&](actors::WireEnvelope& reply) {
            auto* r = std::get_if<wire::FetchReply>(&reply.message);
            if (r && r->values.size() == 1) out = std::move(r->values[0].value);
          },
          [&](caf::error&) {
            std::lock_guard lock(impl.mutex);
            impl.workers.erase(loc.worker);  // reconnect next time
          });
  return out;
}

ClusterStatus Client::status() {
  ForgetCafThreadState forget;
  caf::scoped_actor self{*impl_->system};
  std::vector<std::string> lines;
  std::string failure;
  self->request(impl_->scheduler, kRequestTimeout, actors::status_atom::value)
      .receive([&](std::vector<std::string>& l) { lines = std::move(l); },
               [&](caf::error& e) { failure = impl_->system->render(e); });
  if (!failure.empty() || lines.empty()) {
    throw Error("the scheduler at " + impl_->address + " did not answer a status request: " + failure);
  }
  ClusterStatus s;
  std::istringstream head(lines[0]);
  head >> s.runs >> s.waiting >> s.queued >> s.processing >> s.memory >> s.workers_lost >> s.tasks_recomputed;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::istringstream in(lines[i]);
    WorkerStatus w;
    std::getline(in, w.name, '\t');
    std::getline(in, w.address, '\t');
    in >> w.threads >> w.running >> w.memory_bytes >> w.memory_limit >> w.spilled_bytes;
    s.workers.push_back(std::move(w));
  }
  return s;
}

}  // namespace shoal
