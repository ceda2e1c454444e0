#include "graph/analysis.h"

#include <algorithm>
#include <unordered_set>

#include "shoal/op.h"

namespace shoal::detail {
namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

// Numbers the needed tasks and records their references.
class Numbering {
 public:
  Numbering(const Graph& g, GraphAnalysis& a)
      : g_(g), a_(a), id_of_(g.size(), kNone), seen_by_(g.size(), 0) {}

  std::uint32_t id_for(std::size_t pos) {
    if (id_of_[pos] == kNone) {
      id_of_[pos] = static_cast<std::uint32_t>(a_.tasks.size());
      a_.tasks.push_back(&g_.tasks()[pos]);
      a_.positions.push_back(pos);
    }
    return id_of_[pos];
  }

  // Walks every task reached, breadth first, recording refs and deps.
  void walk() {
    a_.ref_off.push_back(0);
    a_.dep_off.push_back(0);
    for (std::uint32_t id = 0; id < a_.tasks.size(); ++id) {
      const Task& t = *a_.tasks[id];
      for_each_external_ref(t, [&](const Key& k) {
        std::ptrdiff_t pos = g_.position(k);
        if (pos < 0) {
          a_.problems.push_back("task " + t.key.str() + " depends on " + k.str() +
                                ", which is not in the graph");
          return;
        }
        std::uint32_t dep = id_for(static_cast<std::size_t>(pos));
        a_.ref_ids.push_back(dep);
        if (seen_by_[dep] != id + 1) {  // distinct dependencies, in O(1) each
          seen_by_[dep] = id + 1;
          a_.dep_ids.push_back(dep);
        }
      });
      a_.ref_off.push_back(a_.ref_ids.size());
      a_.dep_off.push_back(a_.dep_ids.size());
    }
  }

 private:
  const Graph& g_;
  GraphAnalysis& a_;
  std::vector<std::uint32_t> id_of_;
  std::vector<std::uint32_t> seen_by_;  // id + 1 of the last task that listed it
};

void build_dependents(GraphAnalysis& a) {
  std::size_t n = a.size();
  std::vector<std::size_t> count(n + 1, 0);
  for (std::uint32_t d : a.dep_ids) ++count[d + 1];
  for (std::size_t i = 0; i < n; ++i) count[i + 1] += count[i];
  a.out_off = count;
  a.out_ids.resize(a.dep_ids.size());
  std::vector<std::size_t> fill(count.begin(), count.end() - 1);
  for (std::uint32_t id = 0; id < n; ++id) {
    for (std::uint32_t d : a.deps(id)) a.out_ids[fill[d]++] = id;
  }
}

// Kahn's algorithm; on a cycle, reports the keys on one of them.
void check_cycles(GraphAnalysis& a) {
  std::size_t n = a.size();
  std::vector<std::uint32_t> pending(n);
  std::vector<std::uint32_t> ready;
  for (std::uint32_t id = 0; id < n; ++id) {
    pending[id] = static_cast<std::uint32_t>(a.deps(id).size());
    if (pending[id] == 0) ready.push_back(id);
  }
  std::size_t done = 0;
  while (!ready.empty()) {
    std::uint32_t id = ready.back();
    ready.pop_back();
    ++done;
    for (std::uint32_t o : a.dependents(id)) {
      if (--pending[o] == 0) ready.push_back(o);
    }
  }
  if (done == n) return;
  // Every unfinished task has an unfinished dependency: follow them until one
  // repeats, which closes a cycle.
  std::uint32_t start = 0;
  while (pending[start] == 0) ++start;
  std::vector<std::uint32_t> path;
  std::vector<std::int64_t> seen_at(n, -1);
  std::uint32_t cur = start;
  while (seen_at[cur] < 0) {
    seen_at[cur] = static_cast<std::int64_t>(path.size());
    path.push_back(cur);
    for (std::uint32_t d : a.deps(cur)) {
      if (pending[d] != 0) {
        cur = d;
        break;
      }
    }
  }
  std::string msg = "cycle: ";
  // path[seen_at[cur]..] are the dependencies followed; print in run order.
  std::vector<std::uint32_t> cycle(path.begin() + seen_at[cur], path.end());
  std::reverse(cycle.begin(), cycle.end());
  for (std::uint32_t id : cycle) msg += a.tasks[id]->key.str() + " -> ";
  msg += a.tasks[cycle.front()]->key.str();
  a.problems.push_back(msg + " (a task cannot depend on its own result)");
}

void check_ops(GraphAnalysis& a, const OpRegistry* registry) {
  std::unordered_set<const Op*> checked;
  for (const Task* t : a.tasks) {
    if (!t->op) {
      a.problems.push_back("task " + t->key.str() + " has no op");
      continue;
    }
    if (!t->op->fn) {
      a.problems.push_back(
          "task " + t->key.str() + " names op '" + t->op->name +
          (t->op->lower ? "', a pipeline node op that lowers into other tasks and never runs "
                          "as a task; lower the pipeline (shoal::lower) instead"
                        : "', which has no function to run"));
      continue;
    }
    if (!registry || t->op->local_only || !checked.insert(t->op.get()).second) continue;
    OpPtr registered = registry->find(t->op->name);
    if (registered == nullptr) {
      a.problems.push_back("unknown op '" + t->op->name + "' in task " + t->key.str() +
                           ": register it or load the plugin that provides it");
    } else if (registered.get() != t->op.get()) {
      // Ops travel by name: another node would run the registered one.
      a.problems.push_back("task " + t->key.str() + " uses an op named '" + t->op->name +
                           "' that is not the registered op of that name; register it "
                           "under a name of its own, or mark it local_only");
    }
  }
}

}  // namespace

GraphAnalysis analyze(const Graph& graph, std::span<const Key> outputs, bool whole,
                      const OpRegistry* registry) {
  GraphAnalysis a;
  Numbering numbering(graph, a);
  if (whole) {
    a.tasks.reserve(graph.size());
    for (std::size_t pos = 0; pos < graph.size(); ++pos) numbering.id_for(pos);
  }
  for (const Key& k : outputs) {
    std::ptrdiff_t pos = graph.position(k);
    if (pos < 0) {
      a.problems.push_back("requested output " + k.str() + " is not in the graph");
    } else {
      a.outputs.push_back(numbering.id_for(static_cast<std::size_t>(pos)));
    }
  }
  numbering.walk();
  build_dependents(a);
  check_cycles(a);
  check_ops(a, registry);
  return a;
}

}  // namespace shoal::detail
