// The graph rewrite of scan fusion (see scan_fusion.h).
#include "dataframe/scan_fusion.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "graph/collection_graph.h"
#include "shoal/params.h"

namespace shoal::detail {
namespace {

// Ops whose result on a block equals the concatenation of their results on
// the block's chunks, with the table as their first argument.
bool row_local(const Task& t) {
  const std::string& op = t.op_name();
  if (op == "dataframe.filter" || op == "dataframe.assign" || op == "dataframe.project")
    return t.args.size() == 1;
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
Chain follow(const Graph& g, std::size_t i, const Readers& readers,
             const std::unordered_set<Key>& outputs) {
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

// A fused chain's tasks. The scan guesses whether its block's ends lie
// inside quotes from their lines, so it needs none of the file's quote
// counts and the file is read once (csv_scan_op.cpp); its quote count is a
// task of its own, so that a check waiting for the counts of the blocks
// before it fetches no results; the check takes the chain's last key.
struct Fused {
  Task scan, quotes, check;
};

Key derived(const Key& k, const std::string& suffix) {
  return Key(k.name() + suffix, k.index());
}

Fused fused_tasks(const Task& block, const Task& last, Chain& c) {
  Params p = block.params ? *block.params : Params{};
  p.set("steps", Value(std::move(c.steps)));
  Params guess = p;
  guess.set("speculative", true);
  std::vector<Arg> scan_args{Arg(Value(List{}))};
  scan_args.insert(scan_args.end(), c.extra.begin(), c.extra.end());
  const Key scan = derived(last.key, "-scan"), quotes = derived(last.key, "-quotes");
  std::vector<Arg> check_args{Arg(scan), block.args.at(0)};  // the counts: renamed in fuse_scans
  check_args.insert(check_args.end(), c.extra.begin(), c.extra.end());
  return {make_task(scan, "dataframe.csv_scan", std::move(scan_args),
                    std::make_shared<const Params>(std::move(guess))),
          make_task(quotes, "getitem", {Arg(scan)},
                    std::make_shared<const Params>(Params{{"index", std::int64_t{2}}})),
          make_task(last.key, "dataframe.csv_scan_check", std::move(check_args),
                    std::make_shared<const Params>(std::move(p)))};
}

// The count key among a block's arguments that is its own: the last of the
// counts of the file's blocks up to it.
std::optional<Key> own_count(const Task& block) {
  const Arg& counts = block.args.at(0);
  if (!counts.is_list() || counts.items().empty() || !counts.items().back().is_ref())
    return std::nullopt;
  return counts.items().back().ref();
}

// The counts argument with each fused block's count task replaced by its
// speculative scan's quote count.
Arg renamed_counts(const Arg& counts, const std::unordered_map<Key, Key>& quotes_of) {
  std::vector<Arg> out;
  for (const Arg& a : counts.items()) {
    auto it = a.is_ref() ? quotes_of.find(a.ref()) : quotes_of.end();
    out.push_back(it == quotes_of.end() ? a : Arg(it->second));
  }
  return Arg(std::move(out));
}

}  // namespace

Graph fuse_scans(const Graph& g, std::span<const Key> outputs) {
  const auto& tasks = g.tasks();
  Readers readers = readers_of(g);
  std::unordered_set<Key> out(outputs.begin(), outputs.end());
  std::vector<char> dropped(tasks.size(), 0);
  std::unordered_map<std::size_t, Fused> replaced;
  std::unordered_map<Key, Key> quotes_of;  // a fused block's count task -> its scan's quote count
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].op_name() != "dataframe.csv_block" || tasks[i].prelude) continue;
    Chain c = follow(g, i, readers, out);
    if (c.steps.empty()) continue;
    for (std::size_t k : c.fused_away) dropped[k] = 1;
    Fused f = fused_tasks(tasks[i], tasks[c.last], c);
    if (auto own = own_count(tasks[i])) quotes_of.emplace(*own, f.quotes.key);
    replaced.emplace(c.last, std::move(f));
  }
  if (replaced.empty()) return g;
  Graph fused;
  fused.reserve(tasks.size() + 2 * replaced.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (dropped[i]) continue;
    auto it = replaced.find(i);
    if (it == replaced.end()) {
      fused.add(
          tasks[i]);  // count tasks no one reads any more are left to the plan, which skips them
      continue;
    }
    Fused& f = it->second;
    f.check.args[1] = renamed_counts(f.check.args[1], quotes_of);
    fused.add(std::move(f.scan));
    fused.add(std::move(f.quotes));
    fused.add(std::move(f.check));
  }
  return fused;
}

}  // namespace shoal::detail
