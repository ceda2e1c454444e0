// The ops of Bag graphs. bag.apply runs a partition's fused steps into a
// sink in one pass; bag.combine merges partials of a reduction tree;
// bag.group gathers one output partition of a groupby shuffle. Functions,
// steps and sinks travel as parameters — data — so graphs run by name on
// any worker.
#include "bag/task_ops.h"

#include <unordered_map>

#include "bag/internal.h"
#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal::detail {
namespace {

Op bag_op(std::string name, std::string doc, std::vector<PortSpec> inputs, OpFunction fn) {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = "Bag";
  op.internal = true;
  op.inputs = std::move(inputs);
  op.fn = std::move(fn);
  return op;
}

// Whether the first step is flat_map(str.split) on whitespace: then a text
// block may go to it whole (see push_text_block).
bool splits_on_whitespace(const List& steps) {
  if (steps.empty()) return false;
  const List& s = steps[0].as_list();
  return s[0].as_string() == "flat_map" && s[1].as_string() == "str.split" && s[2].is_null();
}

Value apply_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::unique_ptr<Sink> sink = make_sink(p);
  std::vector<std::unique_ptr<Stage>> owned;
  Stage* first = build_chain(p.at("steps").as_list(), *sink, owned);
  if (const Value* text = p.find("text")) {
    bool whole = splits_on_whitespace(p.at("steps").as_list());
    try {
      push_text_block(*text, *first, whole);
    } catch (const std::exception&) {
      if (!whole) throw;
      // A later step failed on a word: run again line by line, from a fresh
      // sink, to name the line (ops are pure, so this is the same work).
      owned.clear();
      sink = make_sink(p);
      first = build_chain(p.at("steps").as_list(), *sink, owned);
      push_text_block(*text, *first, false);
    }
  } else {
    if (a.empty()) throw Error("bag.apply: give the partition (a list) or a text block parameter");
    const List& items = a[0].as_list();
    for (std::size_t i = 0; i < items.size(); ++i) {
      try {
        first->push(items[i]);
      } catch (const std::exception& e) {
        throw Error("element " + std::to_string(i) + " " + items[i].repr() + ": " + e.what());
      }
    }
  }
  return sink->finish();
}

Value group_op(OpContext&, std::span<const Value> a, const Params& p) {
  auto j = static_cast<std::size_t>(p.at("index").as_int());
  std::unordered_map<Value, std::size_t, ValueHash> index;
  List keys;
  std::vector<List> groups;
  for (const Value& split : a) {
    for (const Value& kv : split.as_list().at(j).as_list()) {
      const List& pair = kv.as_list();
      auto [it, fresh] = index.try_emplace(pair[0], keys.size());
      if (fresh) keys.push_back(pair[0]), groups.emplace_back();
      groups[it->second].push_back(pair[1]);
    }
  }
  List out;
  for (std::size_t i = 0; i < keys.size(); ++i)
    out.push_back(Value(List{keys[i], Value(std::move(groups[i]))}));
  return Value(std::move(out));
}

}  // namespace

void register_bag_ops(OpRegistry& r) {
  r.add(bag_op("bag.apply",
               "Runs a partition (its list, or the text block `text`) through the fused `steps` "
               "into `sink`.",
               {PortSpec{"partition", "list", "", false}}, apply_op));
  r.add(bag_op("bag.combine", "Merges partials of the reduction `sink`; the result when `final`.",
               {PortSpec{"partials", "any", "", true, true}},
               [](OpContext&, std::span<const Value> a, const Params& p) {
                 return combine_partials(a, p);
               }));
  r.add(bag_op("bag.group", "Groups bucket `index` of every split partition by key.",
               {PortSpec{"splits", "list", "", true, true}}, group_op));
  r.add(bag_op("bag.concat", "The partitions' elements in one list, in partition order.",
               {PortSpec{"partitions", "list", "", false, true}},
               [](OpContext&, std::span<const Value> a, const Params&) {
                 List out;
                 for (const Value& part : a)
                   out.insert(out.end(), part.as_list().begin(), part.as_list().end());
                 return Value(std::move(out));
               }));
}

}  // namespace shoal::detail
