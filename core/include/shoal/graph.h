// Graph: tasks by key — the lazy program that an Executor runs.
//
// A Graph is a plain container: adding a task never runs anything. Before it
// runs, validate() finds every structural problem (cycles, missing keys,
// unknown ops); cull() drops what the outputs do not need; fuse() merges
// linear chains into single tasks; order() gives priorities that keep few
// results alive at once, in the manner of dask.order.
//
// Not thread-safe for concurrent mutation; const methods may be called from
// many threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "shoal/key.h"
#include "shoal/task.h"

namespace shoal {

/// How far Graph::fuse() merges.
struct FuseOptions {
  /// A task absorbs its dependencies when it has at most this many and each
  /// has no other dependent. 1 fuses linear chains only; larger values also
  /// fuse small fan-ins (the leaves of a tree reduction into their parent),
  /// as Dask's `ave_width` does.
  std::size_t max_width = 1;
  /// No fused task runs more than this many tasks.
  std::size_t max_tasks = 64;
};

class Graph {
 public:
  Graph() = default;

  /// Adds a task. A task whose key is already present is ignored: equal keys
  /// name equal work (see tokenize()).
  void add(Task task);
  /// Adds every task of other that is not already present.
  void merge(const Graph& other);
  void reserve(std::size_t n);

  bool contains(const Key& key) const noexcept { return index_.count(key) != 0; }
  /// Throws GraphError naming the key when absent.
  const Task& at(const Key& key) const;
  std::size_t size() const noexcept { return tasks_.size(); }
  bool empty() const noexcept { return tasks_.empty(); }
  /// Tasks in insertion order.
  const std::vector<Task>& tasks() const noexcept { return tasks_; }
  /// The position of key in tasks(), or -1.
  std::ptrdiff_t position(const Key& key) const noexcept;

  /// Every structural problem, one message each, naming the keys involved:
  /// a cycle (with the keys on it), a reference to a missing key, a task
  /// without op, an output that is not in the graph. Empty when runnable.
  std::vector<std::string> problems(std::span<const Key> outputs = {}) const;
  /// Throws GraphError with all problems() when there is any.
  void validate(std::span<const Key> outputs = {}) const;

  /// The tasks the outputs need, and nothing else.
  Graph cull(std::span<const Key> outputs) const;
  /// Merges a task with dependencies that nothing else needs into one task
  /// that runs them first (its prelude), which keeps its key: by default
  /// linear chains, and with options.max_width > 1 small fan-ins too. Keys
  /// in `keep` are never fused away. Fewer, larger tasks cost less to
  /// schedule. Requires a valid graph.
  Graph fuse(std::span<const Key> keep = {}, const FuseOptions& options = {}) const;
  /// A priority per task, aligned with tasks(): lower runs first. Following
  /// it depth-first finishes one branch before starting the next, and visits
  /// the most demanding branch first (Sethi–Ullman), which keeps the number
  /// of live results at the minimum for trees. Requires an acyclic graph.
  std::vector<std::uint32_t> order() const;

  /// The graph in Graphviz DOT: a box per task labelled with its key and op,
  /// edges from dependencies to dependents.
  std::string to_dot(std::string_view title = "shoal") const;

 private:
  std::vector<Task> tasks_;
  std::unordered_map<Key, std::size_t, KeyHash> index_;
};

}  // namespace shoal
