#include "shoal/inline_executor.h"

#include <queue>

#include "shoal/error.h"
#include "shoal/plan.h"

namespace shoal {

std::vector<Value> InlineExecutor::run(const Graph& graph, std::span<const Key> outputs,
                                       const RunOptions& options) {
  Plan plan(graph, outputs);
  RunObservers observers(options);
  const std::size_t n = plan.size();
  std::vector<Value> results(n);
  std::vector<std::uint32_t> waiting(n), holders(n);  // unmet deps; dependents yet to run
  using Entry = std::pair<std::uint32_t, Plan::Id>;   // priority, id
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  for (Plan::Id id = 0; id < n; ++id) {
    waiting[id] = static_cast<std::uint32_t>(plan.dependencies(id).size());
    holders[id] = static_cast<std::uint32_t>(plan.dependents(id).size());
    if (!waiting[id]) ready.emplace(plan.priority(id), id);
  }
  observers.run_start(n);
  std::size_t live = 0;
  peak_live_ = 0;
  std::vector<Value> refs;
  OpStates states;  // the states of stateful ops live for this run
  OpContext ctx;
  ctx.worker = "inline";
  ctx.states = &states;
  while (!ready.empty()) {
    if (options.cancelled()) {
      observers.run_end(false);
      throw CancelledError();
    }
    Plan::Id id = ready.top().second;
    ready.pop();
    const Task& task = plan.task(id);
    refs.clear();
    for (Plan::Id r : plan.refs(id)) refs.push_back(results[r]);
    TaskEvent event{task.key, task.op_name(), "inline"};
    event.start = std::chrono::steady_clock::now();
    if (!observers.empty()) observers.task(event);
    try {
      results[id] = run_task(task, refs, ctx);
    } catch (const std::exception& e) {
      event.state = TaskEvent::State::kErred;
      event.stop = std::chrono::steady_clock::now();
      event.error = e.what();
      observers.task(event);
      observers.run_end(false);
      throw TaskError(task.key.str(), task.op_name(), e.what());
    }
    ++live;
    for (Plan::Id d : plan.dependencies(id)) {  // release what nothing needs any more
      if (--holders[d] == 0 && !plan.is_output(d)) {
        results[d] = Value();
        --live;
      }
    }
    peak_live_ = std::max(peak_live_, live);
    if (!observers.empty()) {
      event.state = TaskEvent::State::kFinished;
      event.stop = std::chrono::steady_clock::now();
      observers.task(event);
    }
    for (Plan::Id o : plan.dependents(id)) {
      if (--waiting[o] == 0) ready.emplace(plan.priority(o), o);
    }
  }
  observers.run_end(true);
  std::vector<Value> out;
  out.reserve(plan.outputs().size());
  for (Plan::Id o : plan.outputs()) out.push_back(results[o]);
  return out;
}

}  // namespace shoal
