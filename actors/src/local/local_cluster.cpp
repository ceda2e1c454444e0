#include "shoal/local_cluster.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <unordered_set>

#include "local/messages.h"
#include "local/placement.h"

namespace shoal {

// CAF remembers, per thread, the logger of the last actor system that thread
// spawned in, and holds a reference to it. A caller's thread that kept it
// would make the system's destructor wait for the logger forever when called
// from another thread, and crash it at exit (the thread-local reference dies
// first). Every entry point that touches CAF from a caller's thread forgets
// it on the way out.
struct ForgetCafThreadState {
  ~ForgetCafThreadState() { caf::logger::set_current_actor_system(nullptr); }
};

struct LocalCluster::Impl {
  LocalClusterOptions options;
  std::size_t threads = 1;
  std::uint64_t memory_limit = 0;
  std::shared_ptr<actors::SharedCounters> counters = std::make_shared<actors::SharedCounters>();
  caf::actor_system_config config;  // must outlive the system
  std::unique_ptr<caf::actor_system> system;
  caf::actor supervisor;
  std::vector<caf::actor> workers;
};

namespace {

LocalClusterOptions normalized(LocalClusterOptions o) {
  if (o.workers == 0) o.workers = 1;
  if (o.worker_registries.size() > o.workers) {
    throw Error("LocalClusterOptions: " + std::to_string(o.worker_registries.size()) +
                " worker_registries for " + std::to_string(o.workers) +
                " workers; give at most one per worker");
  }
  bool any = false;
  for (const auto& r : o.worker_registries) any = any || r != nullptr;
  if (!any) o.worker_registries.clear();  // every worker uses the global registry: the fast path
  if (any && o.workers > actors::kMaxPlacedWorkers) {
    throw Error("LocalClusterOptions: per-worker op sets support at most " +
                std::to_string(actors::kMaxPlacedWorkers) + " workers");
  }
  if (o.threads_per_worker == 0) {
    std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
    o.threads_per_worker = std::max<std::size_t>(1, hw / o.workers);
  }
  return o;
}

// Each worker may have this many tasks per thread in flight: enough to keep
// its threads busy across the supervisor's round trip, few enough that the
// priorities decide what runs and memory stays bounded.
constexpr std::size_t kSlotsPerThread = 4;

// Worker w's op set; null (run the ops tasks hold: the fast path) when no
// worker has one of its own. Otherwise every worker runs ops by name, from
// the global registry unless it was given another.
std::shared_ptr<const OpRegistry> registry_of(const LocalClusterOptions& o, std::size_t w) {
  if (o.worker_registries.empty()) return nullptr;
  if (w < o.worker_registries.size() && o.worker_registries[w]) return o.worker_registries[w];
  return std::shared_ptr<const OpRegistry>(&OpRegistry::global(),
                                           [](const OpRegistry*) {});  // never destroyed
}

// What a worker reports when it joins: its op names, or "the global registry".
actors::WorkerOps ops_of(const OpRegistry* registry) {
  actors::WorkerOps ops;
  if (!registry || registry == &OpRegistry::global()) return ops;
  ops.names.emplace();
  for (const OpPtr& op : registry->list()) ops.names->insert(op->name);
  return ops;
}

// With per-worker op sets the Plan leaves ops to us: each task's op must be
// the registered op of its name somewhere in this cluster (ops travel by
// name, so another object of a taken name would not run as written).
// Placement (the supervisor) then checks that some worker has it.
void check_ops_known(const Plan& plan, const LocalClusterOptions& o) {
  std::unordered_set<const Op*> checked;
  auto known = [&](const Op& op) {
    if (op.local_only || !checked.insert(&op).second) return;
    if (OpRegistry::global().find(op.name).get() == &op) return;
    for (const auto& r : o.worker_registries) {
      if (r && r->find(op.name).get() == &op) return;
    }
    throw GraphError(
        "graph is not runnable: an op named '" + op.name +
        "' is not the registered op of that name in the global registry nor in any worker's; "
        "build the graph from a registry the cluster uses, or mark the op local_only");
  };
  for (Plan::Id id = 0; id < plan.size(); ++id) {
    const Task& task = plan.task(id);
    known(*task.op);
    if (task.prelude) {
      for (const Task& p : *task.prelude) known(*p.op);
    }
  }
}

// This cluster's own spill directory inside `base` (made at the first spill).
std::filesystem::path own_spill_dir(const std::string& base) {
  static std::atomic<std::uint64_t> clusters{0};
  std::filesystem::path dir =
      base.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(base);
  return dir / ("shoal-spill-" + std::to_string(::getpid()) + "-" + std::to_string(++clusters));
}

// cgroup v2's memory.max for this process ("max" or unreadable: none).
std::uint64_t cgroup_memory_max() {
  std::ifstream in("/sys/fs/cgroup/memory.max");
  std::uint64_t bytes = 0;
  if (in >> bytes) return bytes;
  return 0;
}

}  // namespace

std::uint64_t default_memory_limit() {
  const auto pages = static_cast<std::uint64_t>(std::max(0L, sysconf(_SC_PHYS_PAGES)));
  std::uint64_t total = pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  const std::uint64_t cgroup = cgroup_memory_max();
  if (cgroup != 0 && (total == 0 || cgroup < total)) total = cgroup;
  return total / 10 * 8;
}

LocalCluster::LocalCluster(LocalClusterOptions options) : impl_(std::make_unique<Impl>()) {
  ForgetCafThreadState forget;
  impl_->options = normalized(options);
  impl_->threads = impl_->options.workers * impl_->options.threads_per_worker;
  impl_->config.set("scheduler.max-threads", impl_->threads);
  // Work stealing walks a list when many fresh actors are queued (DESIGN.md);
  // sharing stays flat. SHOAL_CAF_POLICY=stealing to compare.
  const char* policy = std::getenv("SHOAL_CAF_POLICY");
  impl_->config.set("scheduler.policy", policy && std::string(policy) == "stealing"
                                            ? caf::atom("stealing")
                                            : caf::atom("sharing"));
  impl_->system = std::make_unique<caf::actor_system>(impl_->config);
  auto& sys = *impl_->system;
  impl_->memory_limit = impl_->options.memory_limit.value_or(default_memory_limit());
  actors::SupervisorConfig supervisor{
      impl_->options.threads_per_worker * kSlotsPerThread, impl_->counters, impl_->memory_limit,
      impl_->options.inline_limit, own_spill_dir(impl_->options.spill_dir)};
  impl_->supervisor = sys.spawn(actors::supervisor_actor, std::move(supervisor));
  for (std::size_t w = 0; w < impl_->options.workers; ++w) {
    auto config = std::make_shared<actors::WorkerConfig>();
    config->name = "worker-" + std::to_string(w);
    config->supervisor = impl_->supervisor;
    config->inline_limit = impl_->options.inline_limit;
    config->counters = impl_->counters;
    config->registry = registry_of(impl_->options, w);
    caf::actor worker =
        sys.spawn(actors::worker_actor, std::shared_ptr<const actors::WorkerConfig>(config));
    caf::anon_send(impl_->supervisor, actors::join_atom::value, worker, config->name,
                   ops_of(config->registry.get()));
    impl_->workers.push_back(std::move(worker));
  }
}

LocalCluster::~LocalCluster() {
  {
    ForgetCafThreadState forget;
    // Stop the long-lived actors explicitly: the system's destructor waits for
    // every actor, and the supervisor fails any run still in progress.
    caf::anon_send_exit(impl_->supervisor, caf::exit_reason::user_shutdown);
    for (auto& w : impl_->workers) caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
    impl_->supervisor = caf::actor();
    impl_->workers.clear();
  }
  impl_->system.reset();
}

std::vector<Value> LocalCluster::run(const Graph& graph, std::span<const Key> outputs,
                                     const RunOptions& options) {
  const bool own_ops = !impl_->options.worker_registries.empty();
  auto state = std::make_shared<actors::RunState>(graph, outputs, options,  // validates
                                                  own_ops ? nullptr : &OpRegistry::global());
  if (own_ops) check_ops_known(state->plan, impl_->options);
  auto result = state->done.get_future();
  {
    ForgetCafThreadState forget;
    caf::anon_send(impl_->supervisor, actors::run_atom::value, std::move(state));
  }
  // The supervisor reads the cancel flag when it dispatches; a long task
  // would delay that, so poll the flag here and poke the supervisor.
  if (options.cancel) {
    bool poked = false;
    while (result.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      if (!poked && options.cancelled()) {
        ForgetCafThreadState forget;
        caf::anon_send(impl_->supervisor, actors::cancel_atom::value);
        poked = true;
      }
    }
  }
  try {
    return result.get();
  } catch (const std::future_error&) {
    throw Error("the LocalCluster is shut down; create a new one to run graphs");
  }
}

std::string LocalCluster::name() const {
  return "LocalCluster(workers=" + std::to_string(impl_->options.workers) +
         ", threads_per_worker=" + std::to_string(impl_->options.threads_per_worker) +
         ", memory_limit=" + std::to_string(impl_->memory_limit) + ")";
}

std::size_t LocalCluster::workers() const noexcept {
  return impl_->options.workers;
}
std::size_t LocalCluster::threads() const noexcept {
  return impl_->threads;
}

LocalClusterStats LocalCluster::stats() const {
  const auto& c = *impl_->counters;
  return {c.tasks_run.load(),
          c.partitions_spawned.load(),
          c.partitions_alive.load(),
          c.last_run_peak_live.load(),
          c.last_run_live_at_end.load(),
          impl_->memory_limit,
          c.held_bytes.load(),
          c.spilled_bytes.load(),
          c.spilled_total.load(),
          c.spills.load(),
          c.pauses.load(),
          c.last_run_peak_held.load()};
}

namespace detail {
bool make_local_cluster_default() {
  set_default_executor_factory(
      +[]() -> std::unique_ptr<Executor> { return std::make_unique<LocalCluster>(); });
  return true;
}
}  // namespace detail

}  // namespace shoal
