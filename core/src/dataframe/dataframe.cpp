#include "shoal/dataframe.h"

#include <algorithm>
#include <set>

#include "dataframe/scan_fusion.h"
#include "graph/collection_graph.h"
#include "shoal/error.h"
#include "shoal/table_kernels.h"
#include "table/aggregate.h"

namespace shoal {
namespace {

constexpr std::size_t kFanIn = 8;
using detail::make_task;
using detail::names_value;
using detail::token_of;

}  // namespace

DataFrame::DataFrame(Layers layers, std::vector<Key> keys, Schema schema)
    : layers_(std::move(layers)), keys_(std::move(keys)), schema_(std::move(schema)) {}

DataFrame DataFrame::from_tables(const std::vector<Table>& partitions) {
  if (partitions.empty()) throw Error("from_tables: give at least one table (it may be empty)");
  Schema schema;
  schema.names = partitions[0].names();
  for (std::size_t i = 0; i < partitions[0].num_columns(); ++i)
    schema.types.push_back(partitions[0].column(i).type());
  Tokenizer tok;
  for (const Table& t : partitions) tok.add(static_cast<std::int64_t>(t.hash()));
  Key base("from-tables-" + tok.hex());
  auto g = std::make_shared<Graph>();
  std::vector<Key> keys;
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    keys.push_back(base.with_index({static_cast<std::int64_t>(i)}));
    g->add(make_task(keys.back(), "identity", {Arg(Value(partitions[i]))}, nullptr));
  }
  return DataFrame({g}, std::move(keys), std::move(schema));
}

Graph DataFrame::graph() const {
  Graph g;
  std::set<const Graph*> seen;
  for (const auto& layer : layers_) {
    if (seen.insert(layer.get()).second) g.merge(*layer);
  }
  return g;
}

Expr DataFrame::operator[](const std::string& name) const {
  schema_.type_of(name);  // throws naming the columns
  return Expr::column(name);
}

DataFrame DataFrame::map_partitions(const std::string& op, Params params, Schema schema) const {
  Key base(op.substr(op.find('.') + 1) + "-" + token_of(op, params, keys_));
  auto p = std::make_shared<const Params>(std::move(params));
  auto g = std::make_shared<Graph>();
  std::vector<Key> keys;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    keys.push_back(base.with_index({static_cast<std::int64_t>(i)}));
    g->add(make_task(keys.back(), op, {Arg(keys_[i])}, p));
  }
  Layers layers = layers_;
  layers.push_back(std::move(g));
  return DataFrame(std::move(layers), std::move(keys), std::move(schema));
}

DataFrame DataFrame::filter(const Expr& mask) const {
  DataType t = result_type(mask, schema_);
  if (t != DataType::kBool) {
    throw Error("filter: the mask " + mask.repr() + " is " + std::string(type_name(t)) +
                ", not bool; compare it");
  }
  return map_partitions("dataframe.filter", Params{{"expr", mask.ast()}}, schema_);
}

DataFrame DataFrame::assign(std::vector<std::pair<std::string, Expr>> columns) const {
  Schema s = schema_;
  List names, exprs;
  for (auto& [name, e] : columns) {
    DataType t = result_type(e, s);
    int i = s.index_of(name);
    if (i >= 0)
      s.types[static_cast<std::size_t>(i)] = t;
    else
      s.names.push_back(name), s.types.push_back(t);
    names.emplace_back(name);
    exprs.push_back(e.ast());
  }
  return map_partitions("dataframe.assign", Params{{"names", names}, {"exprs", exprs}},
                        std::move(s));
}

DataFrame DataFrame::select(std::vector<std::string> names) const {
  Schema s;
  for (const auto& n : names) {
    s.names.push_back(n);
    s.types.push_back(schema_.type_of(n));
  }
  Value v(names_value(names));
  return map_partitions("dataframe.project", Params{{"columns", v}, {"names", v}}, std::move(s));
}

DataFrame DataFrame::drop(const std::vector<std::string>& names) const {
  for (const auto& n : names) schema_.type_of(n);
  std::vector<std::string> keep;
  for (const auto& n : schema_.names) {
    if (std::find(names.begin(), names.end(), n) == names.end()) keep.push_back(n);
  }
  return select(std::move(keep));
}

DataFrame DataFrame::rename(const std::map<std::string, std::string>& names) const {
  for (const auto& [from, to] : names) schema_.type_of(from);
  Schema s = schema_;
  for (auto& n : s.names) {
    if (auto it = names.find(n); it != names.end()) n = it->second;
  }
  Params p{{"columns", names_value(schema_.names)}, {"names", names_value(s.names)}};
  return map_partitions("dataframe.project", std::move(p), std::move(s));
}

GroupBy DataFrame::groupby(std::vector<std::string> keys) const {
  return GroupBy(*this, std::move(keys));
}

DataFrame DataFrame::agg(std::vector<Aggregation> aggs) const {
  return aggregate({}, std::move(aggs), false);
}

DataFrame DataFrame::reduce_all(const std::string& func) const {
  std::vector<Aggregation> aggs;
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    try {
      detail::agg_result_type(func, schema_.types[i], schema_.names[i]);
      aggs.push_back({schema_.names[i], func, schema_.names[i]});
    } catch (const Error&) {
      // Columns the reduction does not apply to are left out, as pandas' numeric_only.
    }
  }
  return aggregate({}, std::move(aggs), false);
}

DataFrame DataFrame::value_counts(const std::string& column) const {
  return aggregate({column}, {{column, "size", "count"}}, true);
}

DataFrame DataFrame::with_layer(std::shared_ptr<Graph> g, std::vector<Key> keys,
                                Schema schema) const {
  Layers layers = layers_;
  layers.push_back(std::move(g));
  return DataFrame(std::move(layers), std::move(keys), std::move(schema));
}

DataFrame DataFrame::aggregate(const std::vector<std::string>& keys, std::vector<Aggregation> aggs,
                               bool by_count, std::size_t split_out) const {
  Schema out;
  for (const auto& k : keys) out.names.push_back(k), out.types.push_back(schema_.type_of(k));
  for (auto& a : aggs) {
    if (a.name.empty()) a.name = a.func == "size" ? "size" : a.column;
    if (out.index_of(a.name) >= 0) a.name += "_" + a.func;  // {"x","min"},{"x","max"} → x, x_max
    out.names.push_back(a.name);
    out.types.push_back(a.func == "size"
                            ? DataType::kInt64
                            : detail::agg_result_type(a.func, schema_.type_of(a.column), a.column));
  }
  Params p{
      {"keys", names_value(keys)}, {"aggs", detail::aggs_to_value(aggs)}, {"by_count", by_count}};
  if (split_out > 1 && !keys.empty()) return aggregate_shuffled(keys, p, split_out, std::move(out));
  std::string token = token_of("dataframe.aggregate", p, keys_);
  auto params = std::make_shared<const Params>(std::move(p));
  auto g = std::make_shared<Graph>();
  std::vector<Key> level;
  Key partial("agg-partial-" + token), combine("agg-combine-" + token);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    level.push_back(partial.with_index({static_cast<std::int64_t>(i)}));
    g->add(make_task(level.back(), "dataframe.agg_partial", {Arg(keys_[i])}, params));
  }
  for (std::int64_t depth = 0; level.size() > 1; ++depth) {
    std::vector<Key> next;
    for (std::size_t j = 0; j < level.size(); j += kFanIn) {
      std::vector<Arg> inputs;
      for (std::size_t k = j; k < std::min(level.size(), j + kFanIn); ++k)
        inputs.emplace_back(level[k]);
      next.push_back(combine.with_index({depth, static_cast<std::int64_t>(j / kFanIn)}));
      g->add(make_task(next.back(), "dataframe.agg_combine", std::move(inputs), params));
    }
    level = std::move(next);
  }
  Key final_key("agg-" + token, {0});
  g->add(make_task(final_key, "dataframe.agg_finalize", {Arg(level.at(0))}, params));
  return with_layer(std::move(g), {final_key}, std::move(out));
}

// Partials per partition, shuffled by key into split_out partitions, each
// combined and finalized on its own.
DataFrame DataFrame::aggregate_shuffled(const std::vector<std::string>& keys, const Params& p,
                                        std::size_t split_out, Schema out) const {
  auto params = std::make_shared<const Params>(p);
  // The partial states' schema is private (see aggregate.h); only the key
  // columns, which the shuffle reads, are declared.
  Schema key_schema;
  for (const auto& k : keys)
    key_schema.names.push_back(k), key_schema.types.push_back(schema_.type_of(k));
  DataFrame partials = map_partitions("dataframe.agg_partial", p, std::move(key_schema));
  DataFrame gathered = partials.shuffle(keys, split_out);
  std::string token = token_of("dataframe.aggregate_shuffled", p, gathered.keys_);
  auto g = std::make_shared<Graph>();
  Key combine("agg-combine-" + token), final_base("agg-" + token);
  std::vector<Key> finals;
  for (std::size_t j = 0; j < gathered.keys_.size(); ++j) {
    auto idx = static_cast<std::int64_t>(j);
    g->add(make_task(combine.with_index({idx}), "dataframe.agg_combine", {Arg(gathered.keys_[j])},
                     params));
    finals.push_back(final_base.with_index({idx}));
    g->add(make_task(finals.back(), "dataframe.agg_finalize", {Arg(combine.with_index({idx}))},
                     params));
  }
  return gathered.with_layer(std::move(g), std::move(finals), std::move(out));
}

std::int64_t DataFrame::size(Executor& executor) const {
  DataFrame counts = map_partitions("dataframe.num_rows", Params{}, Schema{});
  std::int64_t n = 0;
  for (const Value& v :
       executor.run(detail::fuse_scans(counts.graph(), counts.keys()), counts.keys()))
    n += v.as_int();
  return n;
}

Table DataFrame::head(std::size_t n, Executor& executor) const {
  Graph g = graph();
  std::vector<Table> parts;
  std::size_t have = 0;
  for (std::size_t i = 0; i < keys_.size() && have < n; ++i) {
    Table t = executor.run(g, {&keys_[i], 1}).at(0).as_table();
    parts.push_back(slice(t, 0, n - have));
    have += parts.back().num_rows();
  }
  return concat(parts);
}

Table DataFrame::compute(Executor& executor) const {
  std::vector<Value> values = executor.run(detail::fuse_scans(graph(), keys_), keys_);
  std::vector<Table> parts;
  parts.reserve(values.size());
  for (const Value& v : values) parts.push_back(v.as_table());
  return concat(parts);
}

DataFrame DataFrame::persist(Executor& executor) const {
  std::vector<Value> values = executor.run(detail::fuse_scans(graph(), keys_), keys_);
  auto g = std::make_shared<Graph>();
  for (std::size_t i = 0; i < keys_.size(); ++i)
    g->add(make_task(keys_[i], "identity", {Arg(values[i])}, nullptr));
  return DataFrame({g}, keys_, schema_);
}

GroupBy::GroupBy(DataFrame frame, std::vector<std::string> keys)
    : frame_(std::move(frame)), keys_(std::move(keys)) {
  if (keys_.empty()) throw Error("groupby: give at least one key column");
  for (const auto& k : keys_) frame_.schema().type_of(k);
}

DataFrame GroupBy::agg(std::vector<Aggregation> aggs) const {
  return frame_.aggregate(keys_, std::move(aggs), false);
}

DataFrame GroupBy::agg(std::vector<Aggregation> aggs, std::size_t split_out) const {
  return frame_.aggregate(keys_, std::move(aggs), false, split_out);
}

DataFrame GroupBy::agg(std::initializer_list<std::pair<std::string, std::string>> aggs) const {
  std::vector<Aggregation> v;
  for (const auto& [column, func] : aggs) v.push_back({column, func, ""});
  return agg(std::move(v));
}

DataFrame GroupBy::size() const {
  return agg(std::vector<Aggregation>{{"", "size", "size"}});
}

DataFrame GroupBy::all(const std::string& func) const {
  std::vector<Aggregation> aggs;
  const Schema& s = frame_.schema();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::find(keys_.begin(), keys_.end(), s.names[i]) != keys_.end()) continue;
    try {
      detail::agg_result_type(func, s.types[i], s.names[i]);
      aggs.push_back({s.names[i], func, s.names[i]});
    } catch (const Error&) {
    }
  }
  return agg(std::move(aggs));
}

}  // namespace shoal
