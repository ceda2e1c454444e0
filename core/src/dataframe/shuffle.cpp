// DataFrame methods that move rows between partitions: shuffle, merge,
// sort_values / set_index, repartition; and describe, which gathers whole
// partitions. The ops they name are in shuffle_ops.cpp; writing is in
// writes.cpp.
#include <algorithm>

#include "dataframe/scan_fusion.h"
#include "dataframe/task_ops.h"
#include "graph/collection_graph.h"
#include "shoal/column_builder.h"
#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"
#include "shoal/table_kernels.h"

namespace shoal {
namespace {

using detail::make_task;
using detail::names_value;
using detail::token_of;

// Samples per partition for choosing sort boundaries.
constexpr std::int64_t kSamplesPerPartition = 256;

Value sort_keys_value(const std::vector<SortKey>& by) {
  List l;
  for (const auto& k : by) l.emplace_back(List{Value(k.column), Value(k.ascending)});
  return l;
}

// The column order of a frame indexed by `column`: the index first.
std::vector<std::string> index_first(const Schema& schema, const std::string& column) {
  std::vector<std::string> order{column};
  for (const auto& n : schema.names) {
    if (n != column) order.push_back(n);
  }
  return order;
}

}  // namespace

DataFrame DataFrame::exchange(const std::string& split_op, Params params, std::size_t n,
                              Schema schema, std::vector<Arg> extra_args) const {
  params.set("n", static_cast<std::int64_t>(n));
  std::string token = token_of(split_op, params, keys_);
  auto split_params = std::make_shared<const Params>(std::move(params));
  auto g = std::make_shared<Graph>();
  Key split("split-" + token), collect("shuffle-" + token);
  std::vector<Arg> pieces;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    std::vector<Arg> args{Arg(keys_[i])};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    Key k = split.with_index({static_cast<std::int64_t>(i)});
    g->add(make_task(k, split_op, std::move(args), split_params));
    pieces.emplace_back(k);
  }
  // Piece j of each split is a task of its own, so that collecting part j
  // moves only those pieces: on a cluster a collect would otherwise fetch
  // every split whole, n times the data.
  Key piece("piece-" + token);
  std::vector<Key> out;
  for (std::size_t j = 0; j < n; ++j) {
    const auto jj = static_cast<std::int64_t>(j);
    auto index = std::make_shared<const Params>(Params{{"index", jj}});
    std::vector<Arg> parts;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      Key k = piece.with_index({static_cast<std::int64_t>(i), jj});
      g->add(make_task(k, "getitem", {pieces[i]}, index));
      parts.emplace_back(k);
    }
    out.push_back(collect.with_index({jj}));
    auto p = std::make_shared<const Params>(Params{{"part", jj}});
    g->add(make_task(out.back(), "dataframe.collect", std::move(parts), std::move(p)));
  }
  return with_layer(std::move(g), std::move(out), std::move(schema));
}

DataFrame DataFrame::shuffle(std::vector<std::string> on, std::size_t npartitions) const {
  if (on.empty()) throw Error("shuffle: give the columns to shuffle on");
  for (const auto& c : on) schema_.type_of(c);
  std::size_t n = npartitions ? npartitions : keys_.size();
  return exchange("dataframe.hash_split", Params{{"on", names_value(on)}}, n, schema_);
}

DataFrame DataFrame::repartition(std::size_t npartitions) const {
  if (npartitions == 0) throw Error("repartition: the number of partitions must be at least 1");
  const std::size_t m = keys_.size();
  if (npartitions == m) return *this;
  Params p{{"n", static_cast<std::int64_t>(npartitions)}};
  Key base("repartition-" + token_of("dataframe.repartition", p, keys_));
  auto g = std::make_shared<Graph>();
  std::vector<Key> out;
  if (npartitions < m) {  // neighbours concatenated
    for (std::size_t j = 0; j < npartitions; ++j) {
      std::vector<Arg> parts;
      for (std::size_t i = j * m / npartitions; i < (j + 1) * m / npartitions; ++i)
        parts.emplace_back(keys_[i]);
      out.push_back(base.with_index({static_cast<std::int64_t>(j)}));
      g->add(make_task(out.back(), "dataframe.concat", std::move(parts), nullptr));
    }
  } else {  // partition i cut into k_i slices, the k_i summing to npartitions
    for (std::size_t i = 0; i < m; ++i) {
      std::size_t k = (i + 1) * npartitions / m - i * npartitions / m;
      for (std::size_t s = 0; s < k; ++s) {
        auto p2 = std::make_shared<const Params>(
            Params{{"piece", static_cast<std::int64_t>(s)}, {"of", static_cast<std::int64_t>(k)}});
        out.push_back(base.with_index({static_cast<std::int64_t>(out.size())}));
        g->add(make_task(out.back(), "dataframe.slice_piece", {Arg(keys_[i])}, std::move(p2)));
      }
    }
  }
  DataFrame r = with_layer(std::move(g), std::move(out), schema_);
  r.index_ = index_;
  return r;
}

DataFrame DataFrame::sort_values(std::vector<SortKey> by, Executor& executor) const {
  if (by.empty()) throw Error("sort_values: give at least one column to sort by");
  for (const auto& k : by) schema_.type_of(k.column);
  // Boundaries from a sample of the first key (computed now, as Dask does).
  DataFrame samples = map_partitions(
      "dataframe.sample", Params{{"column", by[0].column}, {"count", kSamplesPerPartition}},
      Schema{{by[0].column}, {schema_.type_of(by[0].column)}});
  Table sampled = samples.compute(executor);
  if (sampled.num_columns() == 0) {  // no partitions with columns: no boundaries
    ColumnBuilder none(schema_.type_of(by[0].column));
    sampled = Table({by[0].column}, std::vector<ColumnPtr>{none.finish_shared()});
  }
  auto divisions = std::make_shared<const Column>(detail::choose_divisions(sampled, keys_.size()));
  Value division_table(Table({"d"}, {divisions}));
  DataFrame ranged = exchange(
      "dataframe.range_split",
      Params{
          {"column", by[0].column}, {"divisions", division_table}, {"ascending", by[0].ascending}},
      divisions->size() + 1, schema_);
  DataFrame sorted =
      ranged.map_partitions("dataframe.sort", Params{{"by", sort_keys_value(by)}}, schema_);
  sorted.divisions_ = by[0].ascending ? divisions : nullptr;
  return sorted;
}

DataFrame DataFrame::set_index(const std::string& column, Executor& executor) const {
  DataFrame sorted = sort_values({SortKey{column, true}}, executor);
  DataFrame r = sorted.select(index_first(schema_, column));
  r.index_ = column;
  r.divisions_ = sorted.divisions_;
  return r;
}

DataFrame DataFrame::sort_values(std::vector<SortKey> by, const SortOptions& options) const {
  if (by.empty()) throw Error("sort_values: give at least one column to sort by");
  for (const auto& k : by) schema_.type_of(k.column);
  std::size_t n = options.npartitions ? options.npartitions : keys_.size();
  Schema sample_schema{{by[0].column}, {schema_.type_of(by[0].column)}};
  DataFrame samples = map_partitions(
      "dataframe.sample", Params{{"column", by[0].column}, {"count", kSamplesPerPartition}},
      sample_schema);
  // One task turns every partition's samples into the n - 1 boundaries.
  Params dp{{"n", static_cast<std::int64_t>(n)}};
  Key divisions("divisions-" + token_of("dataframe.divisions", dp, samples.keys_), {0});
  auto g = std::make_shared<Graph>();
  g->add(make_task(divisions, "dataframe.divisions",
                   std::vector<Arg>(samples.keys_.begin(), samples.keys_.end()),
                   std::make_shared<const Params>(std::move(dp))));
  DataFrame with_divisions = samples.with_layer(std::move(g), keys_, schema_);
  DataFrame ranged = with_divisions.exchange(
      "dataframe.range_split", Params{{"column", by[0].column}, {"ascending", by[0].ascending}}, n,
      schema_, {Arg(divisions)});
  return ranged.map_partitions("dataframe.sort", Params{{"by", sort_keys_value(by)}}, schema_);
}

DataFrame DataFrame::set_index(const std::string& column, const SortOptions& options) const {
  DataFrame sorted = sort_values({SortKey{column, true}}, options);
  DataFrame r = sorted.select(index_first(schema_, column));
  r.index_ = column;
  return r;
}

DataFrame merge(const DataFrame& left, const DataFrame& right, const MergeOptions& o) {
  JoinSpec spec{o.on, o.how, o.suffixes};
  if (spec.on.empty()) throw Error("merge: give the key columns (on=...)");
  Schema out;
  for (const auto& k : spec.on) {
    DataType a = left.schema().type_of(k), b = right.schema().type_of(k);
    if (a != b) {
      throw Error("merge: key '" + k + "' is " + std::string(type_name(a)) + " on the left but " +
                  std::string(type_name(b)) +
                  " on the right; cast one side with assign() (or read it with dtypes)");
    }
  }
  out.names = merged_names(left.columns(), right.columns(), spec);
  out.types = left.schema().types;
  for (std::size_t i = 0; i < right.schema().size(); ++i) {
    if (std::find(spec.on.begin(), spec.on.end(), right.columns()[i]) == spec.on.end())
      out.types.push_back(right.schema().types[i]);
  }
  Params p{{"on", names_value(spec.on)},
           {"how", join_how_name(spec.how)},
           {"suffixes", List{Value(spec.suffixes.first), Value(spec.suffixes.second)}}};
  const bool small_right = right.npartitions() <= o.broadcast_threshold &&
                           (spec.how == JoinHow::kInner || spec.how == JoinHow::kLeft);
  const bool small_left = !small_right && left.npartitions() <= o.broadcast_threshold &&
                          (spec.how == JoinHow::kInner || spec.how == JoinHow::kRight);
  std::vector<Key> lk = left.keys(), rk = right.keys();
  DataFrame::Layers layers = left.layers();
  layers.insert(layers.end(), right.layers().begin(), right.layers().end());
  if (!small_right && !small_left) {
    std::size_t n =
        o.npartitions ? o.npartitions : std::max(left.npartitions(), right.npartitions());
    DataFrame ls = left.shuffle(spec.on, n), rs = right.shuffle(spec.on, n);
    layers = ls.layers();
    layers.insert(layers.end(), rs.layers().begin(), rs.layers().end());
    lk = ls.keys(), rk = rs.keys();
  }
  std::vector<Key> parents = lk;
  parents.insert(parents.end(), rk.begin(), rk.end());
  std::string token = token_of("dataframe.merge", p, parents);
  auto params = std::make_shared<const Params>(std::move(p));
  auto g = std::make_shared<Graph>();
  Key base("merge-" + token), small("merge-broadcast-" + token, {0});
  std::vector<Key> keys;
  auto add_merge = [&](Arg l, Arg r) {
    keys.push_back(base.with_index({static_cast<std::int64_t>(keys.size())}));
    g->add(make_task(keys.back(), "dataframe.merge", {std::move(l), std::move(r)}, params));
  };
  if (small_right || small_left) {
    const std::vector<Key>& side = small_right ? rk : lk;
    g->add(
        make_task(small, "dataframe.concat", std::vector<Arg>(side.begin(), side.end()), nullptr));
    for (const Key& k : small_right ? lk : rk)
      small_right ? add_merge(Arg(k), Arg(small)) : add_merge(Arg(small), Arg(k));
  } else {
    for (std::size_t j = 0; j < lk.size(); ++j) add_merge(Arg(lk[j]), Arg(rk[j]));
  }
  layers.push_back(std::move(g));
  return DataFrame(std::move(layers), std::move(keys), std::move(out));
}

DataFrame DataFrame::describe() const {
  std::vector<std::string> numeric;
  std::vector<Aggregation> aggs;
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    if (schema_.types[i] != DataType::kInt64 && schema_.types[i] != DataType::kFloat64) continue;
    const std::string& c = schema_.names[i];
    numeric.push_back(c);
    for (const char* f : {"count", "mean", "std", "min", "max"})
      aggs.push_back({c, f, c + "." + f});
  }
  if (numeric.empty())
    throw Error("describe: the frame has no int64 or float64 column (" + schema_.str() + ")");
  DataFrame stats = agg(aggs);
  DataFrame values = select(numeric);
  Schema out{{"stat"}, {DataType::kString}};
  for (const auto& c : numeric) out.names.push_back(c), out.types.push_back(DataType::kFloat64);
  std::vector<Arg> args{Arg(stats.keys().at(0))};
  for (const Key& k : values.keys()) args.emplace_back(k);
  Params p{{"columns", names_value(numeric)}};
  Key key("describe-" + token_of("dataframe.describe", p, values.keys()), {0});
  auto g = std::make_shared<Graph>();
  g->add(make_task(key, "dataframe.describe", std::move(args),
                   std::make_shared<const Params>(std::move(p))));
  DataFrame both = stats;
  both.layers_.insert(both.layers_.end(), values.layers_.begin(), values.layers_.end());
  return both.with_layer(std::move(g), {key}, std::move(out));
}

}  // namespace shoal
