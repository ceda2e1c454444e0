#include "shoal/delayed.h"

#include <atomic>
#include <unordered_set>

namespace shoal::detail {

Graph collect_graph(std::span<const NodePtr> roots) {
  Graph graph;
  std::unordered_set<const DelayedNode*> seen;
  std::vector<const DelayedNode*> stack;
  for (const NodePtr& r : roots) {
    if (seen.insert(r.get()).second) stack.push_back(r.get());
  }
  while (!stack.empty()) {
    const DelayedNode* node = stack.back();
    stack.pop_back();
    graph.add(node->task);
    for (const NodePtr& d : node->deps) {
      if (seen.insert(d.get()).second) stack.push_back(d.get());
    }
  }
  return graph;
}

NodePtr literal_node(const Key& key, Value value) {
  auto node = std::make_shared<DelayedNode>();
  node->task.key = key;
  node->task.op = OpRegistry::global().get("identity");
  node->task.args.emplace_back(std::move(value));
  return node;
}

std::uint64_t next_nonce() noexcept {
  static std::atomic<std::uint64_t> counter{1};
  return counter.fetch_add(1);
}

OpPtr register_function(std::string name, OpFunction fn) {
  Op op;
  op.name = std::move(name);
  op.doc = "A C++ function registered with SHOAL_FUNCTION.";
  op.group = "Functions";
  op.fn = std::move(fn);
  return OpRegistry::global().add(std::move(op), "SHOAL_FUNCTION");
}

}  // namespace shoal::detail
