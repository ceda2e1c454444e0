// Task priorities that keep memory low.
//
// The executors run the ready task with the lowest priority first. We number
// tasks in a depth-first post-order starting from the sinks, so one branch is
// finished (and its intermediates released) before the next starts, and we
// visit a task's dependencies in decreasing order of their Sethi–Ullman
// number (the most live results a subtree needs), which makes the peak of
// live results minimal for trees. dask.order adds more heuristics for wide
// DAGs with shared nodes; this is its core idea.
#include <algorithm>

#include "graph/analysis.h"

namespace shoal::detail {
namespace {

std::vector<std::uint32_t> topological(const GraphAnalysis& a) {
  std::size_t n = a.size();
  std::vector<std::uint32_t> pending(n), order;
  order.reserve(n);
  for (std::uint32_t id = 0; id < n; ++id) {
    pending[id] = static_cast<std::uint32_t>(a.deps(id).size());
    if (pending[id] == 0) order.push_back(id);
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::uint32_t o : a.dependents(order[i])) {
      if (--pending[o] == 0) order.push_back(o);
    }
  }
  return order;
}

// need[v]: the most results live while computing v, dependencies in the best order.
std::vector<std::uint32_t> needs(const GraphAnalysis& a, const std::vector<std::uint32_t>& topo) {
  std::vector<std::uint32_t> need(a.size(), 1), scratch;
  for (std::uint32_t v : topo) {
    auto deps = a.deps(v);
    if (deps.empty()) continue;
    scratch.clear();
    for (std::uint32_t d : deps) scratch.push_back(need[d]);
    std::sort(scratch.begin(), scratch.end(), std::greater<>());
    std::uint32_t best = 1;
    for (std::uint32_t i = 0; i < scratch.size(); ++i) best = std::max(best, scratch[i] + i);
    need[v] = best;
  }
  return need;
}

}  // namespace

std::vector<std::uint32_t> order_priorities(const GraphAnalysis& a,
                                            std::span<const std::uint32_t> sinks_first) {
  std::size_t n = a.size();
  std::vector<std::uint32_t> topo = topological(a);
  std::vector<std::uint32_t> need = needs(a, topo);

  // Dependencies of each task, most demanding first (ties: lower id first).
  std::vector<std::uint32_t> children(a.dep_ids);
  for (std::uint32_t v = 0; v < n; ++v) {
    auto first = children.begin() + static_cast<std::ptrdiff_t>(a.dep_off[v]);
    auto last = children.begin() + static_cast<std::ptrdiff_t>(a.dep_off[v + 1]);
    std::sort(first, last, [&](std::uint32_t x, std::uint32_t y) {
      return need[x] != need[y] ? need[x] > need[y] : x < y;
    });
  }

  constexpr std::uint32_t kUnset = UINT32_MAX;
  std::vector<std::uint32_t> priority(n, kUnset);
  std::vector<std::uint8_t> entered(n, 0);
  std::vector<std::pair<std::uint32_t, std::size_t>> stack;  // task, next child
  std::uint32_t next = 0;
  auto visit_from = [&](std::uint32_t sink) {
    if (entered[sink]) return;
    entered[sink] = 1;
    stack.emplace_back(sink, a.dep_off[sink]);
    while (!stack.empty()) {
      auto& [v, child] = stack.back();
      if (child == a.dep_off[v + 1]) {
        priority[v] = next++;
        stack.pop_back();
        continue;
      }
      std::uint32_t c = children[child++];
      if (!entered[c]) {
        entered[c] = 1;
        stack.emplace_back(c, a.dep_off[c]);
      }
    }
  };
  for (std::uint32_t s : sinks_first) visit_from(s);
  for (std::uint32_t v = 0; v < n; ++v) {
    if (a.dependents(v).empty()) visit_from(v);
  }
  for (std::uint32_t v = 0; v < n; ++v) visit_from(v);  // only reached on a cycle
  return priority;
}

}  // namespace shoal::detail
