#include "shoal/graph.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "graph/analysis.h"
#include "shoal/error.h"

namespace shoal {

void Graph::add(Task task) {
  auto [it, inserted] = index_.try_emplace(task.key, tasks_.size());
  if (inserted) tasks_.push_back(std::move(task));
}

void Graph::merge(const Graph& other) {
  reserve(size() + other.size());
  for (const Task& t : other.tasks_) add(t);
}

void Graph::reserve(std::size_t n) {
  tasks_.reserve(n);
  index_.reserve(n);
}

const Task& Graph::at(const Key& key) const {
  auto it = index_.find(key);
  if (it == index_.end()) throw GraphError("no task " + key.str() + " in the graph");
  return tasks_[it->second];
}

std::ptrdiff_t Graph::position(const Key& key) const noexcept {
  auto it = index_.find(key);
  return it == index_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
}

std::vector<std::string> Graph::problems(std::span<const Key> outputs) const {
  return detail::analyze(*this, outputs, /*whole=*/true).problems;
}

void Graph::validate(std::span<const Key> outputs) const {
  auto found = problems(outputs);
  if (found.empty()) return;
  std::string msg = "graph is not runnable (" + std::to_string(found.size()) + " problem" +
                    (found.size() == 1 ? "" : "s") + "):";
  for (const auto& p : found) msg += "\n  - " + p;
  throw GraphError(msg);
}

Graph Graph::cull(std::span<const Key> outputs) const {
  detail::GraphAnalysis a = detail::analyze(*this, outputs, /*whole=*/false);
  // Keep insertion order, so that culling is stable.
  std::vector<std::size_t> keep(a.positions);
  std::sort(keep.begin(), keep.end());
  Graph out;
  out.reserve(keep.size());
  for (std::size_t pos : keep) out.add(tasks_[pos]);
  return out;
}

namespace {

// Appends t (and, before it, whatever was fused into it) to chain.
void append_flattened(std::vector<Task>& chain, const Task& t) {
  if (t.prelude) chain.insert(chain.end(), t.prelude->begin(), t.prelude->end());
  Task bare = t;
  bare.prelude.reset();
  chain.push_back(std::move(bare));
}

}  // namespace

Graph Graph::fuse(std::span<const Key> keep, const FuseOptions& options) const {
  detail::GraphAnalysis a = detail::analyze(*this, {}, /*whole=*/true);
  if (!a.problems.empty()) validate();
  std::unordered_set<Key, KeyHash> kept(keep.begin(), keep.end());
  std::size_t n = a.size();
  std::vector<std::uint8_t> absorbed(n, 0);
  std::vector<std::vector<Task>> chains(n);  // what runs before task v
  // Positions are a valid processing order only after sorting topologically.
  std::vector<std::uint32_t> pending(n), topo;
  for (std::uint32_t v = 0; v < n; ++v) {
    pending[v] = static_cast<std::uint32_t>(a.deps(v).size());
    if (!pending[v]) topo.push_back(v);
  }
  for (std::size_t i = 0; i < topo.size(); ++i) {
    for (std::uint32_t o : a.dependents(topo[i])) {
      if (--pending[o] == 0) topo.push_back(o);
    }
  }
  auto fused_size = [&](std::uint32_t d) {
    const Task& t = *a.tasks[d];
    return chains[d].size() + (t.prelude ? t.prelude->size() : 0) + 1;
  };
  for (std::uint32_t v : topo) {
    auto deps = a.deps(v);
    if (deps.empty() || deps.size() > options.max_width) continue;
    std::size_t total = fused_size(v);
    bool absorbable = true;
    for (std::uint32_t d : deps) {
      absorbable = absorbable && a.dependents(d).size() == 1 && !kept.count(a.tasks[d]->key);
      total += fused_size(d);
    }
    if (!absorbable || total > options.max_tasks) continue;
    for (std::uint32_t d : deps) {  // each dependency's own chain runs before it
      absorbed[d] = 1;
      std::move(chains[d].begin(), chains[d].end(), std::back_inserter(chains[v]));
      chains[d].clear();
      append_flattened(chains[v], *a.tasks[d]);
    }
  }
  Graph out;
  out.reserve(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    if (absorbed[v]) continue;
    if (chains[v].empty()) {
      out.add(tasks_[v]);
      continue;
    }
    Task t = tasks_[v];
    if (t.prelude) chains[v].insert(chains[v].end(), t.prelude->begin(), t.prelude->end());
    t.prelude = std::make_shared<const std::vector<Task>>(std::move(chains[v]));
    out.add(std::move(t));
  }
  return out;
}

std::vector<std::uint32_t> Graph::order() const {
  detail::GraphAnalysis a = detail::analyze(*this, {}, /*whole=*/true);
  if (!a.problems.empty()) validate();
  return detail::order_priorities(a, {});
}

namespace {

std::string dot_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string Graph::to_dot(std::string_view title) const {
  std::string out = "digraph \"" + dot_escape(title) + "\" {\n";
  out +=
      "  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", "
      "fontname=\"Helvetica\", fontsize=10];\n";
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    const Task& t = tasks_[i];
    std::string label = dot_escape(t.key.str()) + "\\n" + dot_escape(t.op_name());
    if (t.prelude) label += " (+" + std::to_string(t.prelude->size()) + " fused)";
    out += "  t" + std::to_string(i) + " [label=\"" + label + "\"];\n";
  }
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    for (const Key& dep : tasks_[i].dependencies()) {
      std::ptrdiff_t pos = position(dep);
      if (pos >= 0) out += "  t" + std::to_string(pos) + " -> t" + std::to_string(i) + ";\n";
    }
  }
  return out + "}\n";
}

}  // namespace shoal
