// Client: submissions to a remote scheduler, and their Futures.
//
// Every submission is a run on the scheduler. A dispatcher actor in the
// client's actor system receives every run's events and result and hands
// them to the run's SubmittedRun, which blocking callers wait on and
// Futures share. Client::run() is a submission whose outputs are fetched
// and released at once; futures keep theirs until the last Future of the
// submission is dropped (the SubmittedRun's destructor releases it).
#include "shoal/client.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "distributed/protocol.h"
#include "distributed/transport.h"
#include "shoal/error.h"
#include "shoal/plan.h"
#include "shoal/wire.h"
#include "wire/wire_value.h"

namespace shoal {
namespace detail {

struct SubmittedRun {
  std::weak_ptr<ClientCore> core;
  std::uint64_t client_run = 0;
  std::vector<Key> outputs;
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<wire::RunResult> result;
  std::vector<std::optional<Value>> fetched;  // by output
  std::vector<std::function<void()>> callbacks;
  std::vector<std::shared_ptr<SubmittedRun>> uses;  // futures it depends on: kept until it is done
  std::shared_ptr<SubmittedRun> keep_alive;         // fire_and_forget: held until done
  // A blocking run's observers (Client::run) get its events.
  const Plan* plan = nullptr;
  RunObservers* observers = nullptr;

  ~SubmittedRun();
  bool done() {
    std::lock_guard lock(mutex);
    return result.has_value();
  }
};

struct ClientCore : std::enable_shared_from_this<ClientCore> {
  std::string address, host;
  std::uint16_t port = 0;
  caf::actor_system_config config;  // must outlive the system
  std::unique_ptr<caf::actor_system> system;
  caf::actor scheduler, dispatcher;
  std::mutex mutex;  // guards what follows
  bool closed = false;
  bool lost = false;  // the scheduler's connection is gone: its proxy drops what is sent
  std::uint64_t last_run = 0, last_key = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<SubmittedRun>> runs;
  std::unordered_map<Key, std::pair<std::weak_ptr<SubmittedRun>, std::size_t>, KeyHash> futures;
  std::map<std::string, caf::actor> workers;  // by fetch address
  std::vector<std::function<void(const ClusterEvent&)>> subscribers;

  void feed(const std::vector<std::string>& lines);
  void deliver(std::uint64_t client_run, wire::RunResult result);
  void events(std::uint64_t client_run, const std::vector<std::string>& lines);
  void lost_scheduler();
  void send(caf::message message);
  std::optional<Value> fetch(std::uint64_t run, const wire::InputLocation& loc);
};

}  // namespace detail

namespace {

using detail::ClientCore;
using detail::SubmittedRun;

constexpr auto kFetchTimeout = std::chrono::seconds(60);
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr const char* kFutureOp = "shoal.future";

// See local_cluster.cpp: a caller's thread must not keep CAF's thread-local
// logger reference past an entry point.
struct ForgetCafThreadState {
  ~ForgetCafThreadState() { caf::logger::set_current_actor_system(nullptr); }
};

// The op of placeholder tasks: it stands for a future's result, which the
// scheduler supplies; it never runs.
OpPtr future_op() {
  static OpPtr op = [] {
    auto o = std::make_shared<Op>();
    o->name = kFutureOp;
    o->doc = "A future's result, supplied by the scheduler.";
    o->fn = [](OpContext&, std::span<const Value>, const Params&) -> Value {
      throw Error("a future's placeholder task ran; only the scheduler resolves it");
    };
    return o;
  }();
  return op;
}

caf::behavior dispatcher_actor(caf::event_based_actor* self, ClientCore* core,
                               caf::actor scheduler) {
  self->monitor(scheduler);
  self->set_down_handler([core](caf::down_msg&) { core->lost_scheduler(); });
  self->set_default_handler(caf::drop);
  return {
      [core](actors::result_atom, std::uint64_t client_run, actors::WireEnvelope& e) {
        if (auto* r = std::get_if<wire::RunResult>(&e.message))
          core->deliver(client_run, std::move(*r));
      },
      [core](actors::events_atom, std::uint64_t client_run, const std::vector<std::string>& lines) {
        if (client_run == 0) return core->feed(lines);  // the event stream
        core->events(client_run, lines);
      },
  };
}

// Ops travel by name: a C++ function of this process cannot run elsewhere.
void check_remote_ops(const Graph& graph) {
  auto check = [](const Task& t) {
    if (t.op && t.op->local_only) {
      throw GraphError(
          "graph is not runnable on a remote cluster: task " + t.key.str() + " uses op '" +
          t.op->name +
          "', a C++ function of this process (local_only); register it by name "
          "(SHOAL_FUNCTION or a plugin loaded on the workers) or run on a LocalCluster");
    }
  };
  for (const Task& t : graph.tasks()) {
    check(t);
    if (t.prelude) {
      for (const Task& p : *t.prelude) check(p);
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
    case wire::RunResult::kTaskError:
      throw TaskError(r.error_key, r.error_op, r.error_message);
    case wire::RunResult::kGraphError:
      throw GraphError(r.error_message);
    case wire::RunResult::kCancelled:
      throw CancelledError();
    default:
      throw Error("the run failed on the cluster: " + r.error_message);
  }
}

wire::RunResult failure(std::string message) {
  return wire::RunResult{0, false, "", "", std::move(message), {}, wire::RunResult::kOther};
}

}  // namespace

namespace detail {

SubmittedRun::~SubmittedRun() {
  if (auto c = core.lock()) {
    {
      std::lock_guard lock(c->mutex);
      c->runs.erase(client_run);
      for (const Key& k : outputs) {
        auto it = c->futures.find(k);
        if (it != c->futures.end() && it->second.first.expired()) c->futures.erase(it);
      }
    }
    ForgetCafThreadState forget;
    c->send(caf::make_message(actors::release_atom::value, client_run));
  }
}

void ClientCore::send(caf::message message) {
  std::lock_guard lock(mutex);
  if (closed || !dispatcher) return;
  caf::send_as(dispatcher, scheduler, std::move(message));
}

void ClientCore::deliver(std::uint64_t client_run, wire::RunResult result) {
  std::shared_ptr<SubmittedRun> run;
  {
    std::lock_guard lock(mutex);
    auto it = runs.find(client_run);
    if (it != runs.end()) run = it->second.lock();
  }
  if (!run) return;
  std::vector<std::function<void()>> callbacks;
  std::shared_ptr<SubmittedRun> keep;
  std::vector<std::shared_ptr<SubmittedRun>> uses;
  {
    std::lock_guard lock(run->mutex);
    if (run->result) return;
    run->result = std::move(result);
    run->fetched.resize(run->result->outputs.size());
    callbacks = std::move(run->callbacks);
    keep = std::move(run->keep_alive);
    uses = std::move(run->uses);
  }
  run->changed.notify_all();
  for (auto& cb : callbacks) cb();
}

void ClientCore::events(std::uint64_t client_run, const std::vector<std::string>& lines) {
  std::shared_ptr<SubmittedRun> run;
  {
    std::lock_guard lock(mutex);
    auto it = runs.find(client_run);
    if (it != runs.end()) run = it->second.lock();
  }
  if (!run || !run->plan || !run->observers) return;
  for (const std::string& line : lines) report(*run->plan, line, *run->observers);
}

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
    parts.push_back(line.substr(start, tab - start));
  }
  parts.push_back(line.substr(start));
  return parts;
}

// A line of the scheduler's event stream (remote.h) as a ClusterEvent.
std::optional<ClusterEvent> parse_event(const std::string& line) {
  using Kind = ClusterEvent::Kind;
  std::vector<std::string> f = split_tabs(line);
  ClusterEvent e;
  if (f[0] == "worker-joined" && f.size() >= 4) {
    return ClusterEvent{Kind::kWorkerJoined, f[1], "", "", 0, f[2] + ", " + f[3] + " threads"};
  }
  if (f[0] == "worker-lost" && f.size() >= 3)
    return ClusterEvent{Kind::kWorkerLost, f[1], "", "", 0, f[2]};
  if (f.size() < 5) return std::nullopt;
  if (f[0] == "task-started")
    e.kind = Kind::kTaskStarted;
  else if (f[0] == "task-finished")
    e.kind = Kind::kTaskFinished;
  else if (f[0] == "task-erred")
    e.kind = Kind::kTaskErred;
  else
    return std::nullopt;
  e.run = std::strtoull(f[1].c_str(), nullptr, 10);
  e.key = f[2];
  e.op = f[3];
  e.worker = f[4];
  if (f.size() > 5) e.detail = f[5];
  return e;
}

}  // namespace

void ClientCore::feed(const std::vector<std::string>& lines) {
  std::vector<std::function<void(const ClusterEvent&)>> callbacks;
  {
    std::lock_guard lock(mutex);
    callbacks = subscribers;
  }
  for (const std::string& line : lines) {
    if (auto e = parse_event(line)) {
      for (auto& cb : callbacks) cb(*e);
    }
  }
}

void ClientCore::lost_scheduler() {
  std::vector<std::pair<std::uint64_t, std::shared_ptr<SubmittedRun>>> pending;
  {
    std::lock_guard lock(mutex);
    lost = true;
    for (auto& [id, weak] : runs) {
      if (auto r = weak.lock()) pending.emplace_back(id, std::move(r));
    }
  }
  for (auto& [id, run] : pending) {
    deliver(id, failure("lost the scheduler at " + address + "; restart it and submit again"));
  }
}

// Fetches one output from the worker that holds it; nullopt when it cannot.
std::optional<Value> ClientCore::fetch(std::uint64_t run, const wire::InputLocation& loc) {
  ForgetCafThreadState forget;
  caf::actor worker;
  {
    std::lock_guard lock(mutex);
    if (closed) throw Error("the Client was destroyed; its futures' results are gone");
    auto it = workers.find(loc.worker);
    if (it != workers.end()) worker = it->second;
  }
  if (!worker) {
    auto [h, p] = actors::parse_address(loc.worker, "worker address");
    auto w = actors::connect_actor(*system, h, p);
    if (!w || !*w) return std::nullopt;
    worker = *w;
    std::lock_guard lock(mutex);
    workers[loc.worker] = worker;
  }
  std::optional<Value> out;
  caf::scoped_actor self{*system};
  wire::FetchRequest request{0, {loc.key}, run, {loc.task_id}};
  self->request(worker, kFetchTimeout, actors::rfetch_atom::value,
                actors::WireEnvelope{std::move(request)})
      .receive(
          [&](actors::WireEnvelope& reply) {
            auto* r = std::get_if<wire::FetchReply>(&reply.message);
            if (r && r->values.size() == 1) out = std::move(r->values[0].value);
          },
          [&](caf::error&) {
            std::lock_guard lock(mutex);
            workers.erase(loc.worker);  // reconnect next time
          });
  return out;
}

}  // namespace detail

// ---- Client ----

namespace {

struct Submission {
  Graph graph;
  std::vector<Key> outputs;
  bool keep = false;
  SubmitOptions options;
  const Plan* plan = nullptr;  // with observers: events
  RunObservers* observers = nullptr;
};

// Adds a placeholder for each key the graph needs but lacks that a live
// Future of this client stands for; returns those futures' runs.
std::vector<std::shared_ptr<SubmittedRun>> link_futures(ClientCore& core, Graph& graph) {
  std::vector<std::shared_ptr<SubmittedRun>> uses;
  std::vector<Key> missing;
  for (const Task& t : graph.tasks()) {
    for_each_external_ref(t, [&](const Key& k) {
      if (!graph.contains(k)) missing.push_back(k);
    });
  }
  std::lock_guard lock(core.mutex);
  for (const Key& k : missing) {
    if (graph.contains(k)) continue;
    auto it = core.futures.find(k);
    std::shared_ptr<SubmittedRun> run =
        it == core.futures.end() ? nullptr : it->second.first.lock();
    if (!run) continue;  // the scheduler reports the missing key
    graph.add(Task{k, future_op(), {}, nullptr, nullptr});
    uses.push_back(std::move(run));
  }
  return uses;
}

std::shared_ptr<SubmittedRun> start(const std::shared_ptr<ClientCore>& core, Submission s) {
  ForgetCafThreadState forget;
  check_remote_ops(s.graph);
  auto uses = link_futures(*core, s.graph);
  std::vector<char> bytes = encode_run(s.graph, s.outputs);
  auto run = std::make_shared<SubmittedRun>();
  run->core = core;
  run->outputs = s.outputs;
  run->uses = std::move(uses);
  run->plan = s.plan;
  run->observers = s.observers;
  {
    std::lock_guard lock(core->mutex);
    if (core->closed) throw Error("the Client was destroyed");
    // A run sent now would wait forever: no down message comes twice.
    if (core->lost)
      throw Error("lost the scheduler at " + core->address +
                  "; restart it and connect a new Client");
    run->client_run = ++core->last_run;
    core->runs[run->client_run] = run;
    if (s.keep) {
      for (std::size_t i = 0; i < s.outputs.size(); ++i) core->futures[s.outputs[i]] = {run, i};
    }
  }
  core->send(caf::make_message(actors::rrun_atom::value, run->client_run, std::move(bytes),
                               s.observers != nullptr, s.keep, s.options.retries,
                               s.options.priority));
  return run;
}

// The value of output `i`: inline, fetched before, or fetched now.
Value value_of(SubmittedRun& run, std::size_t i) {
  wire::InputLocation loc;
  std::uint64_t run_id = 0;
  {
    std::unique_lock lock(run.mutex);
    run.changed.wait(lock, [&] { return run.result.has_value(); });
    const wire::RunResult& r = *run.result;
    if (!r.ok) throw_result(r);
    if (run.fetched.at(i)) return *run.fetched[i];
    if (r.outputs.at(i).has_value) return r.outputs[i].value;
    loc = r.outputs[i];
    run_id = r.run_id;
  }
  auto core = run.core.lock();
  if (!core) throw Error("the Client was destroyed; its futures' results are gone");
  std::optional<Value> v = loc.worker.empty() ? std::nullopt : core->fetch(run_id, loc);
  if (!v)
    throw Error("the worker holding " + loc.key.str() + " (" + loc.worker +
                ") could not be reached");
  std::lock_guard lock(run.mutex);
  run.fetched[i] = *v;
  return *v;
}

}  // namespace

Client::Client(const std::string& address, ClientOptions options)
    : core_(std::make_shared<ClientCore>()) {
  ForgetCafThreadState forget;
  ClientCore& c = *core_;
  c.address = address;
  std::tie(c.host, c.port) = actors::parse_address(address, "Client");
  actors::configure_node(c.config, 2, std::chrono::milliseconds(500));
  actors::configure_tls(c.config, options.tls, "Client");
  c.system = std::make_unique<caf::actor_system>(c.config);
  auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
  std::string why;
  for (;;) {
    auto s = actors::connect_actor(*c.system, c.host, c.port);
    if (s && *s) {
      c.scheduler = *s;
      break;
    }
    why = s ? "nothing is published there" : c.system->render(s.error());
    if (std::chrono::steady_clock::now() >= deadline) {
      c.system.reset();
      throw Error("cannot reach the scheduler at " + address + " (" + why +
                  "); start one with `shoal scheduler --port " + std::to_string(c.port) +
                  "` or check the address" +
                  (options.tls.enabled()
                       ? "; with TLS, the scheduler must use TLS with the same CA"
                       : "; a cluster with TLS refuses clients without --tls-ca, --tls-cert "
                         "and --tls-key"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  c.dispatcher = c.system->spawn(dispatcher_actor, &c, c.scheduler);
}

Client::~Client() {
  ForgetCafThreadState forget;
  core_->lost_scheduler();  // wakes whoever still waits
  caf::actor dispatcher;
  {
    std::lock_guard lock(core_->mutex);
    core_->closed = true;
    dispatcher = core_->dispatcher;
    core_->workers.clear();
  }
  caf::anon_send_exit(dispatcher, caf::exit_reason::user_shutdown);
  core_->system.reset();  // joins the dispatcher: nothing touches core_ afterwards
}

std::string Client::name() const {
  return "Client(" + core_->address + ")";
}

std::vector<Value> Client::run(const Graph& graph, std::span<const Key> outputs,
                               const RunOptions& options) {
  Graph culled = graph.cull(outputs);
  Plan plan(culled, outputs, nullptr);  // validates: cycles, missing keys
  RunObservers observers(options);
  observers.run_start(plan.size());
  // A worker holding an output may die between the end of the run and the
  // fetch: the run is submitted again, once.
  for (int attempt = 0;; ++attempt) {
    Submission s{culled, {outputs.begin(), outputs.end()},        false, {},
                 &plan,  observers.empty() ? nullptr : &observers};
    auto run = start(core_, std::move(s));
    std::unique_lock lock(run->mutex);
    bool cancel_sent = false;
    while (!run->changed.wait_for(lock, std::chrono::milliseconds(50),
                                  [&] { return run->result.has_value(); })) {
      if (!cancel_sent && options.cancelled()) {
        ForgetCafThreadState forget;
        core_->send(caf::make_message(actors::rcancel_atom::value, run->client_run));
        cancel_sent = true;
      }
    }
    if (!run->result->ok) {
      wire::RunResult r = *run->result;
      lock.unlock();
      observers.run_end(false);
      throw_result(r);
    }
    const std::size_t n = run->result->outputs.size();
    lock.unlock();
    try {
      std::vector<Value> values;
      values.reserve(n);
      for (std::size_t i = 0; i < n; ++i) values.push_back(value_of(*run, i));
      observers.run_end(true);
      return values;
    } catch (const Error&) {
      if (attempt == 1) {
        observers.run_end(false);
        throw Error(
            "the workers holding this run's outputs were lost twice before they could be fetched");
      }
    }
  }
}

ClusterStatus Client::status() {
  ForgetCafThreadState forget;
  caf::scoped_actor self{*core_->system};
  std::vector<std::string> lines;
  std::string failure;
  self->request(core_->scheduler, kRequestTimeout, actors::status_atom::value)
      .receive([&](std::vector<std::string>& l) { lines = std::move(l); },
               [&](caf::error& e) { failure = core_->system->render(e); });
  if (!failure.empty() || lines.empty()) {
    throw Error("the scheduler at " + core_->address +
                " did not answer a status request: " + failure);
  }
  ClusterStatus s;
  std::istringstream head(lines[0]);
  head >> s.runs >> s.waiting >> s.queued >> s.processing >> s.memory >> s.workers_lost >>
      s.tasks_recomputed;
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

void Client::subscribe(std::function<void(const ClusterEvent&)> callback) {
  {
    std::lock_guard lock(core_->mutex);
    core_->subscribers.push_back(std::move(callback));
    if (core_->subscribers.size() > 1) return;
  }
  ForgetCafThreadState forget;
  core_->send(caf::make_message(actors::subscribe_atom::value));
}

namespace {

std::string fresh_key_name(ClientCore& core, const std::string& base) {
  std::lock_guard lock(core.mutex);
  return base + "-" + std::to_string(++core.last_key);
}

OpPtr op_named(const std::string& name) {
  OpPtr op = OpRegistry::global().find(name);
  if (op) return op;
  // Not known here: workers may have it (a plugin this process did not load).
  auto o = std::make_shared<Op>();
  o->name = name;
  o->fn = [name](OpContext&, std::span<const Value>, const Params&) -> Value {
    throw Error("op '" + name + "' is not registered in this process");
  };
  return o;
}

std::vector<Future> futures_of(const std::shared_ptr<SubmittedRun>& run,
                               const std::vector<Key>& keys) {
  std::vector<Future> out;
  out.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) out.push_back(Future::make(run, i, keys[i]));
  return out;
}

}  // namespace

Future Client::submit(const std::string& op, std::vector<Arg> args, const SubmitOptions& options) {
  Key key(options.key.empty() ? fresh_key_name(*core_, op) : options.key);
  Graph graph;
  graph.add(Task{key, op_named(op), std::move(args),
                 options.params.empty() ? nullptr : std::make_shared<const Params>(options.params),
                 nullptr});
  auto run = start(core_, Submission{std::move(graph), {key}, true, options});
  return Future::make(run, 0, key);
}

std::vector<Future> Client::map(const std::string& op, const std::vector<Arg>& items,
                                const SubmitOptions& options) {
  std::string name = options.key.empty() ? fresh_key_name(*core_, op + "-map") : options.key;
  OpPtr o = op_named(op);
  auto params = options.params.empty() ? nullptr : std::make_shared<const Params>(options.params);
  Graph graph;
  std::vector<Key> keys;
  keys.reserve(items.size());
  Key base(name);
  for (std::size_t i = 0; i < items.size(); ++i) {
    keys.push_back(base.with_index({static_cast<std::int64_t>(i)}));
    graph.add(Task{keys.back(), o, {items[i]}, params, nullptr});
  }
  auto run = start(core_, Submission{std::move(graph), keys, true, options});
  return futures_of(run, keys);
}

std::vector<Value> Client::gather(const std::vector<Future>& futures) {
  std::vector<Value> out;
  out.reserve(futures.size());
  for (const Future& f : futures) out.push_back(f.result());
  return out;
}

std::vector<Future> Client::scatter(const std::vector<Value>& values) {
  std::vector<Arg> items(values.begin(), values.end());
  return map("identity", items, {.key = fresh_key_name(*core_, "scatter")});
}

Future Client::scatter(Value value) {
  return scatter(std::vector<Value>{std::move(value)}).at(0);
}

std::vector<Future> Client::persist(const Graph& graph, std::span<const Key> keys,
                                    const SubmitOptions& options) {
  std::vector<Key> outputs(keys.begin(), keys.end());
  auto run = start(core_, Submission{graph.cull(keys), outputs, true, options});
  return futures_of(run, outputs);
}

void Client::fire_and_forget(const Future& future) {
  if (!future.run_) return;
  std::lock_guard lock(future.run_->mutex);
  if (!future.run_->result) future.run_->keep_alive = future.run_;
}

// ---- Future ----

Future Future::make(std::shared_ptr<detail::SubmittedRun> run, std::size_t index, Key key) {
  return Future(std::move(run), index, std::move(key));
}

bool Future::done() const {
  return run_ && run_->done();
}

std::string Future::status() const {
  if (!run_) return "invalid";
  std::lock_guard lock(run_->mutex);
  if (!run_->result) return "pending";
  if (run_->result->ok) return "finished";
  return run_->result->kind == wire::RunResult::kCancelled ? "cancelled" : "error";
}

Value Future::result() const {
  if (!run_)
    throw Error("Future::result() on a Future that stands for nothing (default-constructed)");
  return value_of(*run_, index_);
}

void Future::then(std::function<void(const Future&)> callback) const {
  if (!run_) return;
  Future self = *this;
  {
    std::lock_guard lock(run_->mutex);
    if (!run_->result) {
      run_->callbacks.push_back([self, callback = std::move(callback)] { callback(self); });
      return;
    }
  }
  callback(self);
}

void Future::cancel() const {
  if (!run_) return;
  if (auto core = run_->core.lock()) {
    ForgetCafThreadState forget;
    core->send(caf::make_message(actors::rcancel_atom::value, run_->client_run));
  }
}

std::vector<Future> wait(const std::vector<Future>& futures, WaitFor mode,
                         std::chrono::milliseconds timeout) {
  auto deadline = timeout == std::chrono::milliseconds::max()
                      ? std::chrono::steady_clock::time_point::max()
                      : std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<Future> done;
    for (const Future& f : futures) {
      if (f.done()) done.push_back(f);
    }
    bool enough = mode == WaitFor::kAllCompleted ? done.size() == futures.size()
                                                 : !done.empty() || futures.empty();
    if (enough || std::chrono::steady_clock::now() >= deadline) return done;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

struct AsCompleted::State {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Future> ready;
  std::size_t left = 0;
};

AsCompleted::AsCompleted(std::vector<Future> futures) : state_(std::make_shared<State>()) {
  state_->left = futures.size();
  for (const Future& f : futures) {
    f.then([state = state_](const Future& done) {
      {
        std::lock_guard lock(state->mutex);
        state->ready.push_back(done);
      }
      state->changed.notify_all();
    });
  }
}

bool AsCompleted::next(Future& out) {
  std::unique_lock lock(state_->mutex);
  if (state_->left == 0) return false;
  state_->changed.wait(lock, [&] { return !state_->ready.empty(); });
  out = state_->ready.front();
  state_->ready.erase(state_->ready.begin());
  state_->left--;
  return true;
}

}  // namespace shoal
