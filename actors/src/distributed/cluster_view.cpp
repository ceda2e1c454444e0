#include "distributed/cluster_view.h"

#include <algorithm>
#include <unordered_set>

#include "shoal/error.h"

namespace shoal::actors {

void PlacementStats::observe(const std::string& op, double seconds) {
  avg_task_s = avg_task_s == 0 ? seconds : 0.9 * avg_task_s + 0.1 * seconds;
  double& op_avg = op_seconds[op];
  op_avg = op_avg == 0 ? seconds : 0.9 * op_avg + 0.1 * seconds;
}

std::pair<const RemoteRun*, Plan::Id> ClusterView::holder_of(const RemoteRun& run,
                                                             Plan::Id dep) const {
  auto [src_run, src_id] = run.alias[dep];
  if (!src_run) return {&run, dep};
  auto it = runs_.find(src_run);
  return {it == runs_.end() ? nullptr : it->second.get(), src_id};
}

std::uint64_t ClusterView::missing_bytes(const RemoteRun& run, Plan::Id id, std::uint32_t w) const {
  std::uint64_t bytes = 0;
  for (Plan::Id dep : run.plan->dependencies(id)) {
    auto [src, sid] = holder_of(run, dep);
    if (!src || src->is_inline[sid]) continue;
    const auto& h = src->who_has[sid];
    if (std::find(h.begin(), h.end(), w) == h.end()) bytes += src->nbytes[sid];
  }
  return bytes;
}

wire::InputLocation ClusterView::location(const RemoteRun& run, Plan::Id dep, std::size_t w) const {
  wire::InputLocation loc{run.plan->task(dep).key, "", dep, false, Value(), 0};
  auto [src, sid] = holder_of(run, dep);
  if (!src) return loc;  // the worker reports it missing; the run then fails or waits
  if (src != &run) {
    loc.run_id = src->id;
    loc.task_id = sid;
  }
  if (src->is_inline[sid]) {
    loc.has_value = true;
    loc.value = src->value[sid];
    return loc;
  }
  const auto& h = src->who_has[sid];
  if (std::find(h.begin(), h.end(), static_cast<std::uint32_t>(w)) == h.end() && !h.empty()) {
    loc.worker = workers_[h.front()].name;
  }
  return loc;
}

// `tasks_per_thread` per thread, and for an op known to be short enough to
// cover kQueueAhead of work, so that a thread never waits for the round trip
// to the scheduler (what bounds throughput on tiny tasks). Per op: a graph's
// many tiny tasks must not let its heavy ones pile up on one worker.
std::size_t ClusterView::capacity(const RemoteWorker& w, const std::string& op) const {
  std::size_t per_thread = stats_.tasks_per_thread;
  auto it = stats_.op_seconds.find(op);
  if (it != stats_.op_seconds.end() && it->second > 0 &&
      it->second < kQueueAhead / static_cast<double>(per_thread)) {
    per_thread =
        std::min<std::size_t>(kMaxPerThread, static_cast<std::size_t>(kQueueAhead / it->second));
  }
  return w.threads * per_thread;
}

// The estimate: the worker's queue per thread times the mean task time, plus
// the bytes of inputs it lacks over the bandwidth.
std::size_t ClusterView::choose_worker(const RemoteRun& run, Plan::Id id) const {
  const std::string& op = run.plan->task(id).op_name();
  std::size_t best = workers_.size();
  double best_cost = 0;
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    const RemoteWorker& worker = workers_[w];
    if (!worker.alive || worker.assigned >= capacity(worker, op) || !worker.ops.count(op)) continue;
    double cost =
        static_cast<double>(worker.assigned) / static_cast<double>(worker.threads) *
            stats_.avg_task_s +
        static_cast<double>(missing_bytes(run, id, static_cast<std::uint32_t>(w))) / kBandwidth;
    if (best == workers_.size() || cost < best_cost ||
        (cost == best_cost && worker.assigned < workers_[best].assigned)) {
      best = w;
      best_cost = cost;
    }
  }
  return best;
}

void ClusterView::check_ops(const Plan& plan) const {
  bool any = false;
  for (const RemoteWorker& w : workers_) any = any || w.alive;
  if (!any) return;
  std::unordered_set<std::string> seen;
  for (Plan::Id id = 0; id < plan.size(); ++id) {
    const std::string& op = plan.task(id).op_name();
    if (op == kFutureOpName || !seen.insert(op).second) continue;
    bool found = false;
    for (const RemoteWorker& w : workers_) found = found || (w.alive && w.ops.count(op));
    if (!found) {
      throw GraphError("graph is not runnable: no worker of this cluster has the op '" + op +
                       "' (task " + plan.task(id).key.str() +
                       "); start workers with the plugin that provides it (--plugin)");
    }
  }
}

std::string ClusterView::task_line(const RemoteRun& run, Plan::Id id, std::size_t w) const {
  const Task& task = run.plan->task(id);
  return std::to_string(run.id) + "\t" + task.key.str() + "\t" + task.op_name() + "\t" +
         workers_[w].name;
}

std::vector<std::string> ClusterView::status(std::size_t workers_lost,
                                             std::size_t recomputed) const {
  std::size_t by_state[5] = {0, 0, 0, 0, 0};
  std::size_t active = 0;
  for (const auto& [id, run] : runs_) {
    if (run->finished) continue;
    ++active;
    for (TaskState s : run->state) by_state[static_cast<int>(s)]++;
  }
  std::vector<std::string> lines;
  lines.push_back(std::to_string(active) + " " + std::to_string(by_state[0]) + " " +
                  std::to_string(by_state[1]) + " " + std::to_string(by_state[2]) + " " +
                  std::to_string(by_state[3]) + " " + std::to_string(workers_lost) + " " +
                  std::to_string(recomputed));
  for (const RemoteWorker& w : workers_) {
    if (!w.alive) continue;
    lines.push_back(w.name + "\t" + w.address + "\t" + std::to_string(w.threads) + "\t" +
                    std::to_string(w.assigned) + "\t" + std::to_string(w.memory_bytes) + "\t" +
                    std::to_string(w.memory_limit) + "\t" + std::to_string(w.spilled_bytes));
  }
  return lines;
}

}  // namespace shoal::actors
