// LoweredPipeline: what runs for the sinks, what their values are, and
// previews of any node.
#include <unordered_set>

#include "array/fusion.h"
#include "dataframe/scan_fusion.h"
#include "pipeline/conversions.h"
#include "shoal/error.h"
#include "shoal/pipeline.h"
#include "shoal/table_kernels.h"

namespace shoal {
namespace {

struct KindName {
  std::string_view operator()(const DataFrame&) const { return "dataframe"; }
  std::string_view operator()(const Bag&) const { return "bag"; }
  std::string_view operator()(const Array&) const { return "array"; }
  std::string_view operator()(const LazyValue&) const { return "value"; }
};

Graph merged(const std::vector<std::shared_ptr<const Graph>>& layers) {
  Graph g;
  std::unordered_set<const Graph*> seen;
  for (const auto& l : layers) {
    if (seen.insert(l.get()).second) g.merge(*l);
  }
  return g;
}

// The value of one output from the values of its partitions.
Value assemble(const NodeOutput& output, std::span<const Value> parts) {
  if (const auto* a = std::get_if<Array>(&output)) return Value(a->assemble(parts));
  if (std::holds_alternative<LazyValue>(output)) return parts.empty() ? Value() : parts[0];
  if (std::holds_alternative<DataFrame>(output)) {
    std::vector<Table> tables;
    tables.reserve(parts.size());
    for (const Value& v : parts) tables.push_back(v.as_table());
    return Value(concat(tables));
  }
  List out;
  for (const Value& v : parts) out.insert(out.end(), v.as_list().begin(), v.as_list().end());
  return Value(std::move(out));
}

// For each task of `culled` that fusion took into another, that task.
void find_absorbed(const Graph& culled, const Graph& fused,
                   std::unordered_map<Key, std::vector<Key>, KeyHash>& absorbed) {
  std::unordered_map<Key, Key, KeyHash> reader;
  for (const Task& t : culled.tasks()) {
    for_each_external_ref(t, [&](const Key& dep) { reader.emplace(dep, t.key); });
  }
  for (const Task& t : culled.tasks()) {
    if (fused.contains(t.key)) continue;
    Key at = t.key;
    for (std::size_t hops = 0; !fused.contains(at) && hops < culled.size(); ++hops) {
      auto it = reader.find(at);
      if (it == reader.end()) break;
      at = it->second;
    }
    if (fused.contains(at)) absorbed[at].push_back(t.key);
  }
}

}  // namespace

std::string_view output_kind(const NodeOutput& output) noexcept {
  return std::visit(KindName{}, output);
}

const LoweredNode* LoweredPipeline::node(std::string_view id) const noexcept {
  for (const LoweredNode& n : nodes) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

const std::string& LoweredPipeline::node_of(const Key& key) const noexcept {
  static const std::string kNone;
  auto it = task_node.find(key);
  return it == task_node.end() ? kNone : it->second;
}

std::vector<Key> LoweredPipeline::output_keys() const {
  std::vector<Key> out;
  for (const std::string& id : sinks) {
    const LoweredNode* n = node(id);
    out.insert(out.end(), n->partitions.begin(), n->partitions.end());
  }
  return out;
}

Graph LoweredPipeline::optimized(
    std::unordered_map<Key, std::vector<Key>, KeyHash>* absorbed) const {
  std::vector<Key> outputs = output_keys();
  Graph culled = graph.cull(outputs);
  Graph fused = detail::fuse_blockwise(detail::fuse_scans(culled, outputs), outputs);
  if (absorbed) find_absorbed(culled, fused, *absorbed);
  return fused;
}

std::vector<std::pair<std::string, Value>> LoweredPipeline::sink_values(
    std::span<const Value> values) const {
  std::vector<std::pair<std::string, Value>> out;
  std::size_t at = 0;
  for (const std::string& id : sinks) {
    const LoweredNode* n = node(id);
    std::size_t count = n->partitions.size();
    if (at + count > values.size())
      throw Error("sink_values: " + std::to_string(values.size()) + " values for " +
                  std::to_string(output_keys().size()) + " output keys");
    out.emplace_back(id, assemble(n->outputs.front().second, values.subspan(at, count)));
    at += count;
  }
  return out;
}

Value preview(const LoweredPipeline& lowered, std::string_view id, std::size_t n,
              Executor& executor) {
  const LoweredNode* node = lowered.node(id);
  if (!node) throw Error("preview: no node '" + std::string(id) + "'");
  const NodeOutput& out = node->outputs.at(0).second;
  if (const auto* df = std::get_if<DataFrame>(&out)) return Value(df->head(n, executor));
  std::vector<Key> keys = detail::partition_keys(out);
  Graph g = merged(detail::layers_of(out, true));
  if (std::holds_alternative<Array>(out) || std::holds_alternative<LazyValue>(out))
    return executor.run(g, {&keys[0], 1}).at(0);
  List items;  // a bag: partitions one at a time, until n elements
  for (std::size_t i = 0; i < keys.size() && items.size() < n; ++i) {
    for (const Value& v : executor.run(g, {&keys[i], 1}).at(0).as_list()) {
      if (items.size() == n) break;
      items.push_back(v);
    }
  }
  return Value(std::move(items));
}

}  // namespace shoal
