#include "table/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "shoal/column_builder.h"
#include "shoal/error.h"
#include "shoal/table_kernels.h"
#include "table/group_index.h"

namespace shoal::detail {
namespace {

using Gid = std::vector<std::int32_t>;

ColumnPtr make_i64(std::vector<std::int64_t> v) {
  return std::make_shared<const Column>(DataType::kInt64, std::move(v));
}
ColumnPtr make_f64(std::vector<double> v, std::vector<std::uint8_t> valid = {}) {
  return std::make_shared<const Column>(DataType::kFloat64, std::move(v), std::move(valid));
}

ColumnPtr count_rows(const Gid& gid, std::size_t groups) {
  std::vector<std::int64_t> n(groups, 0);
  for (auto g : gid)
    if (g >= 0) ++n[g];
  return make_i64(std::move(n));
}

ColumnPtr count_valid(const Column& c, const Gid& gid, std::size_t groups) {
  if (c.null_count() == 0) return count_rows(gid, groups);
  std::vector<std::int64_t> n(groups, 0);
  for (std::size_t r = 0; r < gid.size(); ++r)
    if (gid[r] >= 0 && c.is_valid(r)) ++n[gid[r]];
  return make_i64(std::move(n));
}

template <class T, class S>
std::vector<T> sum_values(std::span<const S> x, const Column& c, const Gid& gid,
                          std::size_t groups) {
  std::vector<T> s(groups, T{});
  if (c.null_count() == 0) {
    for (std::size_t r = 0; r < gid.size(); ++r)
      if (gid[r] >= 0) s[gid[r]] += static_cast<T>(x[r]);
  } else {
    for (std::size_t r = 0; r < gid.size(); ++r)
      if (gid[r] >= 0 && c.is_valid(r)) s[gid[r]] += static_cast<T>(x[r]);
  }
  return s;
}

// Sums as float64 (as_float) or in the column's own number type.
ColumnPtr sum_by_group(const Column& c, const Gid& gid, std::size_t groups, bool as_float) {
  switch (c.type()) {
    case DataType::kFloat64:
      return make_f64(sum_values<double>(c.float64s(), c, gid, groups));
    case DataType::kInt64:
      return as_float ? make_f64(sum_values<double>(c.int64s(), c, gid, groups))
                      : make_i64(sum_values<std::int64_t>(c.int64s(), c, gid, groups));
    case DataType::kBool:
      return as_float ? make_f64(sum_values<double>(c.bools(), c, gid, groups))
                      : make_i64(sum_values<std::int64_t>(c.bools(), c, gid, groups));
    default:
      throw Error("aggregate: cannot sum a " + std::string(type_name(c.type())) + " column");
  }
}

double number_at(const Column& c, std::size_t r) {
  switch (c.type()) {
    case DataType::kFloat64:
      return c.float64s()[r];
    case DataType::kBool:
      return c.bools()[r];
    default:
      return static_cast<double>(c.int64s()[r]);
  }
}

// Per group the row holding the min / max / first / last valid value, or -1.
ColumnPtr pick(const Column& c, const Gid& gid, std::size_t groups, const std::string& mode) {
  std::vector<std::int64_t> best(groups, -1);
  for (std::size_t r = 0; r < gid.size(); ++r) {
    auto g = gid[r];
    if (g < 0 || !c.is_valid(r)) continue;
    std::int64_t& b = best[g];
    if (b < 0 || mode == "last")
      b = static_cast<std::int64_t>(r);
    else if (mode == "min" && compare_values(c, r, c, b) < 0)
      b = static_cast<std::int64_t>(r);
    else if (mode == "max" && compare_values(c, r, c, b) > 0)
      b = static_cast<std::int64_t>(r);
  }
  return std::make_shared<const Column>(take(c, best));
}

// Welford's running variance per group: n, mean, M2.
std::vector<ColumnPtr> welford(const Column& c, const Gid& gid, std::size_t groups) {
  std::vector<std::int64_t> n(groups, 0);
  std::vector<double> mean(groups, 0), m2(groups, 0);
  for (std::size_t r = 0; r < gid.size(); ++r) {
    auto g = gid[r];
    if (g < 0 || !c.is_valid(r)) continue;
    double x = number_at(c, r), d = x - mean[g];
    mean[g] += d / static_cast<double>(++n[g]);
    m2[g] += d * (x - mean[g]);
  }
  return {make_i64(std::move(n)), make_f64(std::move(mean)), make_f64(std::move(m2))};
}

// Chan et al.'s merge of (n, mean, M2) states.
std::vector<ColumnPtr> chan_merge(const Column& cn, const Column& cm, const Column& c2,
                                  const Gid& gid, std::size_t groups) {
  std::vector<std::int64_t> n(groups, 0);
  std::vector<double> mean(groups, 0), m2(groups, 0);
  for (std::size_t r = 0; r < gid.size(); ++r) {
    auto g = gid[r];
    std::int64_t nb = cn.int64s()[r];
    if (g < 0 || nb == 0) continue;
    double na = static_cast<double>(n[g]), nbd = static_cast<double>(nb), tot = na + nbd;
    double d = cm.float64s()[r] - mean[g];
    mean[g] += d * nbd / tot;
    m2[g] += c2.float64s()[r] + d * d * na * nbd / tot;
    n[g] += nb;
  }
  return {make_i64(std::move(n)), make_f64(std::move(mean)), make_f64(std::move(m2))};
}

// Exact distinct sets, one per group, encoded in a string column as sorted
// length-prefixed values (so that the state stays a Table).
std::string encode_value(const Column& c, std::size_t r) {
  if (c.type() == DataType::kString) return std::string(c.string_at(r));
  std::int64_t bits = 0;
  if (c.type() == DataType::kFloat64) {
    double d = c.float64s()[r];
    if (d == 0) d = 0;
    std::memcpy(&bits, &d, 8);
  } else {
    bits = c.type() == DataType::kBool ? c.bools()[r] : c.int64s()[r];
  }
  return std::string(reinterpret_cast<const char*>(&bits), 8);
}

ColumnPtr sets_to_column(const std::vector<std::set<std::string>>& sets) {
  ColumnBuilder b(DataType::kString, sets.size());
  std::string buf;
  for (const auto& s : sets) {
    buf.clear();
    for (const auto& v : s) {
      auto len = static_cast<std::uint32_t>(v.size());
      buf.append(reinterpret_cast<const char*>(&len), 4).append(v);
    }
    b.append_string(buf);
  }
  return b.finish_shared();
}

ColumnPtr distinct_sets(const Column& c, const Gid& gid, std::size_t groups) {
  std::vector<std::set<std::string>> sets(groups);
  for (std::size_t r = 0; r < gid.size(); ++r) {
    if (gid[r] >= 0 && c.is_valid(r)) sets[gid[r]].insert(encode_value(c, r));
  }
  return sets_to_column(sets);
}

template <class F>
void for_each_in_set(std::string_view enc, F f) {
  for (std::size_t p = 0; p + 4 <= enc.size();) {
    std::uint32_t len;
    std::memcpy(&len, enc.data() + p, 4);
    f(enc.substr(p + 4, len));
    p += 4 + len;
  }
}

ColumnPtr union_sets(const Column& c, const Gid& gid, std::size_t groups) {
  std::vector<std::set<std::string>> sets(groups);
  for (std::size_t r = 0; r < gid.size(); ++r) {
    if (gid[r] >= 0)
      for_each_in_set(c.string_at(r), [&](std::string_view v) { sets[gid[r]].emplace(v); });
  }
  return sets_to_column(sets);
}

std::string state_name(std::size_t j, char part) {
  return "__" + std::to_string(j) + "." + part;
}

struct Grouped {
  GroupIndex index;
  std::vector<std::string> names;
  std::vector<ColumnPtr> cols;
};

Grouped group_keys(const Table& t, const std::vector<std::string>& keys) {
  Grouped g;
  std::vector<const Column*> kc;
  for (const auto& k : keys) kc.push_back(&t.column(k));
  g.index = group_rows(kc, t.num_rows());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    g.names.push_back(keys[i]);
    g.cols.push_back(std::make_shared<const Column>(take(*kc[i], g.index.first_row)));
  }
  return g;
}

void add_states(Grouped& g, std::size_t j, std::vector<ColumnPtr> cols) {
  for (std::size_t i = 0; i < cols.size(); ++i) {
    g.names.push_back(state_name(j, static_cast<char>('a' + i)));
    g.cols.push_back(std::move(cols[i]));
  }
}

}  // namespace

Value aggs_to_value(const std::vector<Aggregation>& aggs) {
  List l;
  for (const auto& a : aggs)
    l.push_back(Value(List{Value(a.column), Value(a.func), Value(a.name)}));
  return Value(std::move(l));
}

std::vector<Aggregation> aggs_from_value(const Value& v) {
  std::vector<Aggregation> out;
  for (const Value& a : v.as_list()) {
    const List& l = a.as_list();
    out.push_back({l.at(0).as_string(), l.at(1).as_string(), l.at(2).as_string()});
  }
  return out;
}

DataType agg_result_type(const std::string& f, DataType in, const std::string& column) {
  bool numeric = in == DataType::kInt64 || in == DataType::kFloat64 || in == DataType::kBool;
  if (f == "count" || f == "size" || f == "nunique") return DataType::kInt64;
  if (f == "min" || f == "max" || f == "first" || f == "last") return in;
  if (numeric && f == "sum")
    return in == DataType::kFloat64 ? DataType::kFloat64 : DataType::kInt64;
  if (numeric && (f == "mean" || f == "var" || f == "std")) return DataType::kFloat64;
  if (f != "sum" && f != "mean" && f != "var" && f != "std") {
    throw Error("aggregate: unknown function '" + f +
                "'; use sum, mean, count, min, max, var, std, nunique, first, last or size");
  }
  throw Error("aggregate: cannot take the " + f + " of column '" + column + "' (" +
              std::string(type_name(in)) + "); cast it to a number first");
}

namespace {
// The partial states of `aggs` over the rows of `in`, grouped by g.
Table partial_states(Grouped g, const Table& in, const std::vector<Aggregation>& aggs) {
  const Gid& gid = g.index.group_of_row;
  std::size_t groups = g.index.groups();
  for (std::size_t j = 0; j < aggs.size(); ++j) {
    const std::string& f = aggs[j].func;
    if (f == "size") {
      add_states(g, j, {count_rows(gid, groups)});
      continue;
    }
    const Column& c = in.column(aggs[j].column);
    if (f == "count")
      add_states(g, j, {count_valid(c, gid, groups)});
    else if (f == "sum")
      add_states(g, j, {sum_by_group(c, gid, groups, false)});
    else if (f == "mean")
      add_states(g, j, {sum_by_group(c, gid, groups, true), count_valid(c, gid, groups)});
    else if (f == "var" || f == "std")
      add_states(g, j, welford(c, gid, groups));
    else if (f == "nunique")
      add_states(g, j, {distinct_sets(c, gid, groups)});
    else
      add_states(g, j, {pick(c, gid, groups, f)});
  }
  return Table(std::move(g.names), std::move(g.cols));
}
}  // namespace

Table agg_partial(const Table& in, const std::vector<std::string>& keys,
                  const std::vector<Aggregation>& aggs) {
  return partial_states(group_keys(in, keys), in, aggs);
}

Table agg_partial_grouped(std::vector<std::int32_t> group_of_row, const std::string& key,
                          ColumnPtr key_values, const Table& in,
                          const std::vector<Aggregation>& aggs) {
  Grouped g;
  g.index.group_of_row = std::move(group_of_row);
  g.index.first_row.resize(key_values->size());  // only their number is read
  g.names = {key};
  g.cols = {std::move(key_values)};
  return partial_states(std::move(g), in, aggs);
}

Table agg_combine(std::span<const Table> states, const std::vector<std::string>& keys,
                  const std::vector<Aggregation>& aggs) {
  Table all = concat(states);
  Grouped g = group_keys(all, keys);
  const Gid& gid = g.index.group_of_row;
  std::size_t groups = g.index.groups();
  for (std::size_t j = 0; j < aggs.size(); ++j) {
    const std::string& f = aggs[j].func;
    const Column& a = all.column(state_name(j, 'a'));
    if (f == "size" || f == "count" || f == "sum")
      add_states(g, j, {sum_by_group(a, gid, groups, false)});
    else if (f == "mean") {
      add_states(g, j,
                 {sum_by_group(a, gid, groups, true),
                  sum_by_group(all.column(state_name(j, 'b')), gid, groups, false)});
    } else if (f == "var" || f == "std") {
      add_states(g, j,
                 chan_merge(a, all.column(state_name(j, 'b')), all.column(state_name(j, 'c')), gid,
                            groups));
    } else if (f == "nunique")
      add_states(g, j, {union_sets(a, gid, groups)});
    else
      add_states(g, j, {pick(a, gid, groups, f)});
  }
  return Table(std::move(g.names), std::move(g.cols));
}

namespace {
ColumnPtr finalize_one(const Table& s, std::size_t j, const std::string& f) {
  const Column& a = s.column(state_name(j, 'a'));
  std::size_t n = a.size();
  if (f == "mean" || f == "var" || f == "std") {
    ColumnBuilder b(DataType::kFloat64, n);
    for (std::size_t i = 0; i < n; ++i) {
      if (f == "mean") {
        auto cnt = s.column(state_name(j, 'b')).int64s()[i];
        cnt == 0 ? b.append_null() : b.append_float64(a.float64s()[i] / static_cast<double>(cnt));
      } else {
        auto cnt = a.int64s()[i];
        double v =
            cnt < 2 ? 0 : s.column(state_name(j, 'c')).float64s()[i] / static_cast<double>(cnt - 1);
        cnt < 2 ? b.append_null() : b.append_float64(f == "std" ? std::sqrt(v) : v);
      }
    }
    return b.finish_shared();
  }
  if (f == "nunique") {
    std::vector<std::int64_t> counts(n, 0);
    for (std::size_t i = 0; i < n; ++i)
      for_each_in_set(a.string_at(i), [&](std::string_view) { ++counts[i]; });
    return make_i64(std::move(counts));
  }
  return s.column_ptr(static_cast<std::size_t>(s.index_of(state_name(j, 'a'))));
}
}  // namespace

Table agg_finalize(const Table& state, const std::vector<std::string>& keys,
                   const std::vector<Aggregation>& aggs, bool by_count) {
  std::vector<std::string> names;
  std::vector<ColumnPtr> cols;
  for (const auto& k : keys) {
    names.push_back(k);
    cols.push_back(state.column_ptr(static_cast<std::size_t>(state.index_of(k))));
  }
  for (std::size_t j = 0; j < aggs.size(); ++j) {
    names.push_back(aggs[j].name);
    cols.push_back(finalize_one(state, j, aggs[j].func));
  }
  Table out(std::move(names), std::move(cols));
  if (keys.empty()) return out;
  std::vector<SortKey> order;
  if (by_count) order.push_back({aggs.at(0).name, false});
  for (const auto& k : keys) order.push_back({k, true});
  return take(out, sort_indices(out, order));
}

}  // namespace shoal::detail
