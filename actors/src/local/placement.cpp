// Task groups by the workers that have their ops: computed once per run when
// some worker of the cluster lacks some ops, so that dispatch only asks
// "which group, which worker" per batch, not per task and op.
#include "local/placement.h"

#include <unordered_map>

namespace shoal::actors {
namespace {

class Grouper {
 public:
  explicit Grouper(std::span<const WorkerOps* const> workers) : workers_(workers) {
    all_ = workers.size() >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << workers.size()) - 1;
  }

  // The workers that have `op` (every worker for a local_only op, which
  // runs as the object the task holds).
  std::uint64_t mask(const Op& op) {
    if (op.local_only) return all_;
    auto [it, fresh] = masks_.try_emplace(&op, 0);
    if (fresh) {
      for (std::size_t w = 0; w < workers_.size(); ++w) {
        if (workers_[w]->has(op.name)) it->second |= std::uint64_t{1} << w;
      }
    }
    return it->second;
  }

  // The workers that may run `task` (its op and those of its prelude), or
  // 0 with `why` set.
  std::uint64_t mask(const Task& task, std::string& why) {
    std::uint64_t m = mask(*task.op);
    const Op* first = task.op.get();
    if (m == 0) why = missing(*task.op, task);
    if (task.prelude) {
      for (const Task& p : *task.prelude) {
        std::uint64_t pm = mask(*p.op);
        if (pm == 0 && why.empty()) why = missing(*p.op, task);
        if ((m & pm) == 0 && why.empty()) {
          why = "no worker of this LocalCluster has both op '" + first->name + "' and op '" +
                p.op->name + "', which the fused task " + task.key.str() +
                " runs together; give one worker both plugins";
        }
        m &= pm;
      }
    }
    return m;
  }

 private:
  static std::string missing(const Op& op, const Task& task) {
    return "no worker of this LocalCluster has op '" + op.name + "' (needed by task " +
           task.key.str() +
           "): load the plugin that provides it into a worker's registry (LocalClusterOptions::"
           "worker_registries), or into the global registry";
  }

  std::span<const WorkerOps* const> workers_;
  std::uint64_t all_ = 0;
  std::unordered_map<const Op*, std::uint64_t> masks_;
};

}  // namespace

std::string group_by_workers(RunState& run, std::span<const WorkerOps* const> workers) {
  if (workers.size() > kMaxPlacedWorkers) {
    return "a LocalCluster with per-worker op sets supports at most " +
           std::to_string(kMaxPlacedWorkers) + " workers";
  }
  Grouper grouper(workers);
  const std::size_t n = run.plan.size();
  run.group_of.assign(n, 0);
  run.group_masks.clear();
  std::string why;
  for (Plan::Id id = 0; id < n; ++id) {
    std::uint64_t m = grouper.mask(run.plan.task(id), why);
    if (m == 0) return why;
    std::size_t g = 0;
    while (g < run.group_masks.size() && run.group_masks[g] != m) ++g;
    if (g == run.group_masks.size()) {
      if (g == 255)
        return "too many distinct sets of workers for the ops of one graph (255 at most)";
      run.group_masks.push_back(m);
    }
    run.group_of[id] = static_cast<std::uint8_t>(g);
  }
  run.ready_by_group.resize(run.group_masks.size());
  return {};
}

}  // namespace shoal::actors
