#include "shoal/plan.h"

#include <numeric>

#include "graph/analysis.h"
#include "shoal/error.h"

namespace shoal {

Plan::Plan(const Graph& graph, std::span<const Key> outputs)
    : Plan(graph, outputs, &OpRegistry::global()) {}

Plan::Plan(const Graph& graph, std::span<const Key> outputs, const OpRegistry* registry) {
  detail::GraphAnalysis a = detail::analyze(graph, outputs, /*whole=*/false, registry);
  if (!a.problems.empty()) {
    std::string msg = "graph is not runnable (" + std::to_string(a.problems.size()) + " problem" +
                      (a.problems.size() == 1 ? "" : "s") + "):";
    for (const auto& p : a.problems) msg += "\n  - " + p;
    throw GraphError(msg);
  }
  priority_ = detail::order_priorities(a, a.outputs);
  tasks_ = std::move(a.tasks);
  dep_off_ = std::move(a.dep_off);
  dep_ids_ = std::move(a.dep_ids);
  out_off_ = std::move(a.out_off);
  out_ids_ = std::move(a.out_ids);
  ref_off_ = std::move(a.ref_off);
  ref_ids_ = std::move(a.ref_ids);
  outputs_ = std::move(a.outputs);
  is_output_.assign(tasks_.size(), 0);
  for (Id o : outputs_) is_output_[o] = 1;
  for (Id id = 0; id < tasks_.size(); ++id) {
    if (dep_off_[id] == dep_off_[id + 1]) roots_.push_back(id);
  }
}

}  // namespace shoal
