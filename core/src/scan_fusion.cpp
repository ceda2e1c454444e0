// The graph rewrite of scan fusion (see scan_fusion.h).
#include "scan_fusion.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "dataframe_graph.h"
#include "shoal/params.h"

namespace shoal::detail {
namespace {

// Ops whose result on a block equals the concatenation of their results on
// the block's chunks, with the table as their first argument.
bool row_local(const Task& t) {
  const std::string& op = t.op_name();
  if (op == "dataframe.filter" || op == "dataframe.assign" || op == "dataframe.project") return t.args.size() == 1;
  if (op == "dataframe.merge") {
    const Value* how = t.params ? t.params->find("how") : nullptr;
    bool left_order = how && (how->as_string() == "inner" || how->as_string() == "left");
    return left_order && t.args.size() == 2;
  }
  return false;
}

// Ops whose results on a block's chunks merge into their result on the
// block (csv_scan_op knows how).
bool chunk_reduction(const Task& t) {
  const std::string& op = t.op_name();
  return (op == "dataframe.agg_partial" || op == "dataframe.num_rows") && t.args.size() == 1;
}

Value params_value(const std::shared_ptr<const Params>& p) {
  List l;
  if (p) {
    for (const auto& [name, v] : *p) l.push_back(Value(List{Value(name), v}));
  }
  return Value(std::move(l));
}

// True when t reads `key` through its first argument and nowhere else.
bool reads_only_first(const Task& t, const Key& key) {
  if (t.prelude || t.args.empty() || !t.args[0].is_ref() || !(t.args[0].ref() == key)) return false;
  int refs = 0;
  for_each_external_ref(t, [&](const Key& k) { refs += k == key; });
  return refs == 1;
}

using Readers = std::unordered_map<Key, std::vector<std::size_t>>;

Readers readers_of(const Graph& g) {
  Readers r;
  const auto& tasks = g.tasks();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (const Key& k : tasks[i].dependencies()) r[k].push_back(i);
  }
  return r;
}

struct Chain {
  std::size_t last;        // the task whose key the fused task takes
  List steps;              // [op name, params, extra argument count] each
  std::vector<Arg> extra;  // the steps' arguments after the table, in order
  std::vector<std::size_t> fused_away;
};

// Follows block task i through the row-local tasks that alone read it.
Chain follow(const Graph& g, std::size_t i, const Readers& readers, const std::unordered_set<Key>& outputs) {
  const auto& tasks = g.tasks();
  Chain c{i, {}, {}, {}};
  for (;;) {
    const Key& key = tasks[c.last].key;
    auto it = readers.find(key);
    if (outputs.count(key) || it == readers.end() || it->second.size() != 1) break;
    const Task& t = tasks[it->second[0]];
    bool reduces = chunk_reduction(t);
    if (!reads_only_first(t, key) || !(reduces || row_local(t))) break;
    c.steps.push_back(Value(List{Value(t.op_name()), params_value(t.params),
                                 Value(static_cast<std::int64_t>(t.args.size() - 1))}));
    c.extra.insert(c.extra.end(), t.args.begin() + 1, t.args.end());
    c.fused_away.push_back(c.last);
    c.last = it->second[0];
    if (reduces) break;
  }
  return c;
}

Task fused_task(const Task& block, const Task& last, Chain& c) {
  Params p = block.params ? *block.params : Params{};
  p.set("steps", Value(std::move(c.steps)));
  std::vector<Arg> args{block.args.at(0)};
  args.insert(args.end(), c.extra.begin(), c.extra.end());
  return make_task(last.key, "dataframe.csv_scan", std::move(args), std::make_shared<const Params>(std::move(p)));
}

}  // namespace

Graph fuse_scans(const Graph& g, std::span<const Key> outputs) {
  const auto& tasks = g.tasks();
  Readers readers = readers_of(g);
  std::unordered_set<Key> out(outputs.begin(), outputs.end());
  std::vector<char> dropped(tasks.size(), 0);
  std::unordered_map<std::size_t, Task> replaced;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].op_name() != "dataframe.csv_block" || tasks[i].prelude) continue;
    Chain c = follow(g, i, readers, out);
    if (c.steps.empty()) continue;
    for (std::size_t k : c.fused_away) dropped[k] = 1;
    replaced.emplace(c.last, fused_task(tasks[i], tasks[c.last], c));
  }
  if (replaced.empty()) return g;
  Graph fused;
  fused.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (dropped[i]) continue;
    auto it = replaced.find(i);
    fused.add(it == replaced.end() ? tasks[i] : std::move(it->second));
  }
  return fused;
}

}  // namespace shoal::detail
