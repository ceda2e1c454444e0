#include "invariants.h"

#include <algorithm>

namespace shoal::sim {
namespace {

using actors::RemoteRun;
using actors::TaskState;

const char* name(TaskState s) {
  static const char* names[] = {"waiting", "ready", "processing", "memory", "forgotten"};
  return names[static_cast<int>(s)];
}

// The changes one event may make to one task (several steps of the state
// machine can happen in one event: a lost result is forgotten and required
// again at once, a placeholder resolves as soon as it is required).
bool allowed(TaskState from, TaskState to) {
  using S = TaskState;
  if (from == to) return true;
  switch (from) {
    case S::kWaiting:
      return to == S::kReady || to == S::kMemory;
    case S::kReady:
      return to == S::kProcessing || to == S::kWaiting;
    case S::kProcessing:
      return to == S::kMemory || to == S::kWaiting || to == S::kReady;
    case S::kMemory:
      return to == S::kForgotten || to == S::kWaiting || to == S::kReady;
    case S::kForgotten:
      return to == S::kWaiting || to == S::kReady || to == S::kMemory;
  }
  return false;
}

std::string where(const RemoteRun& run, std::uint32_t id) {
  return "run " + std::to_string(run.id) + " task " + std::to_string(id) + " (" +
         run.plan->task(id).key.str() + ")";
}

// Runs whose state the scheduler still repairs.
bool active(const RemoteRun& run) {
  return !run.finished || run.keep;
}

std::string check_run(const RemoteRun& run, const std::vector<actors::RemoteWorker>& workers,
                      const HoldsFn& holds) {
  std::size_t unfinished = 0;
  for (std::uint32_t id = 0; id < run.state.size(); ++id) {
    TaskState s = run.state[id];
    if (s == TaskState::kWaiting || s == TaskState::kReady || s == TaskState::kProcessing)
      ++unfinished;
    if (!active(run)) continue;
    if (s == TaskState::kProcessing &&
        (run.on[id] < 0 || !workers[static_cast<std::size_t>(run.on[id])].alive)) {
      return "assigned-to-removed: " + where(run, id) + " processing on removed worker " +
             std::to_string(run.on[id]);
    }
    if (s != TaskState::kMemory || run.is_inline[id] || run.alias[id].first) continue;
    if (run.who_has[id].empty()) {
      return "memory-without-holder: " + where(run, id) + " in memory, held by nobody";
    }
    for (actors::WorkerId h : run.who_has[id]) {
      if (!workers[h].alive) {
        return "assigned-to-removed: " + where(run, id) + " held by removed worker " +
               std::to_string(h);
      }
      if (holds(h, run.id, id) == Holding::kLacks) {
        return "holder-lacks-key: " + where(run, id) + " said held by worker " + std::to_string(h) +
               " (" + workers[h].name + "), which does not hold it";
      }
    }
  }
  if (!run.finished && run.remaining != unfinished) {
    return "count: run " + std::to_string(run.id) + " remaining " + std::to_string(run.remaining) +
           " but " + std::to_string(unfinished) + " tasks unfinished";
  }
  return "";
}

std::string check_assigned(const actors::SchedulerCore& core) {
  std::vector<std::size_t> processing(core.workers().size(), 0);
  for (const auto& [id, run] : core.runs()) {
    for (std::uint32_t t = 0; t < run->state.size(); ++t) {
      if (run->state[t] == TaskState::kProcessing && run->on[t] >= 0)
        processing[static_cast<std::size_t>(run->on[t])]++;
    }
  }
  for (std::size_t w = 0; w < processing.size(); ++w) {
    const auto& worker = core.workers()[w];
    if (worker.alive && worker.assigned != processing[w]) {
      return "count: worker " + std::to_string(w) + " (" + worker.name + ") assigned " +
             std::to_string(worker.assigned) + " but processing " + std::to_string(processing[w]);
    }
  }
  return "";
}

}  // namespace

std::string InvariantChecker::check_transitions(const RemoteRun& run) {
  auto& last = last_[run.id];
  if (last.size() == run.state.size()) {
    for (std::uint32_t id = 0; id < run.state.size(); ++id) {
      if (!allowed(last[id], run.state[id])) {
        return std::string("transition: ") + where(run, id) + " went " + name(last[id]) + " -> " +
               name(run.state[id]);
      }
    }
  }
  last = run.state;
  return "";
}

std::string InvariantChecker::check(const actors::SchedulerCore& core, const HoldsFn& holds) {
  for (auto it = last_.begin(); it != last_.end();) {
    it = core.runs().count(it->first) ? std::next(it) : last_.erase(it);
  }
  for (const auto& [id, run] : core.runs()) {
    if (std::string e = check_transitions(*run); !e.empty()) return e;
    if (std::string e = check_run(*run, core.workers(), holds); !e.empty()) return e;
  }
  return check_assigned(core);
}

std::string check_settled(const actors::SchedulerCore& core, std::size_t results_still_held) {
  if (!core.runs().empty()) {
    return "settled: " + std::to_string(core.runs().size()) + " runs left after every release";
  }
  for (const auto& w : core.workers()) {
    if (w.alive && w.assigned != 0) {
      return "settled: worker " + w.name + " still has " + std::to_string(w.assigned) +
             " tasks assigned";
    }
  }
  if (results_still_held != 0) {
    return "settled: " + std::to_string(results_still_held) +
           " released results still held by workers";
  }
  return "";
}

}  // namespace shoal::sim
