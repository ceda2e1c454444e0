// The ops of shuffles, merges, sorting, describe and to_csv (see
// dataframe_shuffle.cpp for the graphs that name them).
#include <algorithm>
#include <cmath>

#include "dataframe/task_ops.h"
#include "graph/collection_graph.h"
#include "shoal/atomic_file.h"
#include "shoal/column_builder.h"
#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/join.h"
#include "shoal/op.h"
#include "shoal/table_kernels.h"

namespace shoal::detail {
namespace {

Value tables_value(std::vector<Table> tables) {
  List l;
  l.reserve(tables.size());
  for (auto& t : tables) l.emplace_back(std::move(t));
  return Value(std::move(l));
}

Op make_op(std::string name, std::string doc, std::vector<PortSpec> inputs, OpFunction fn) {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = "DataFrame";
  op.internal = true;
  op.inputs = std::move(inputs);
  op.fn = std::move(fn);
  return op;
}

Value hash_split(OpContext&, std::span<const Value> a, const Params& p) {
  auto on = strings_of(p.at("on"));
  return tables_value(
      hash_partition(a[0].as_table(), on, static_cast<std::size_t>(p.at("n").as_int())));
}

// The divisions come from the parameters (sort_values with an executor) or
// from a dataframe.divisions task (the lazy sort).
Value range_split(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& d = a.size() > 1 ? a[1].as_table() : p.at("divisions").as_table();
  return tables_value(range_partition(a[0].as_table(), p.at("column").as_string(), d.column(0),
                                      p.at("ascending").as_bool()));
}

// Piece `part` of every split input, concatenated in input order (which
// keeps a sort stable across partitions). An input is that piece already
// (the exchange's getitem took it out), or a whole split.
Value collect(OpContext&, std::span<const Value> a, const Params& p) {
  auto part = static_cast<std::size_t>(p.at("part").as_int());
  std::vector<Table> pieces;
  pieces.reserve(a.size());
  for (const Value& v : a)
    pieces.push_back(v.is_list() ? v.as_list().at(part).as_table() : v.as_table());
  return Value(concat(pieces));
}

Value merge_op(OpContext&, std::span<const Value> a, const Params& p) {
  auto suffixes = strings_of(p.at("suffixes"));
  JoinSpec spec{strings_of(p.at("on")),
                parse_join_how(p.at("how").as_string()),
                {suffixes.at(0), suffixes.at(1)}};
  return Value(merge_tables(a[0].as_table(), a[1].as_table(), spec));
}

Value sort_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::vector<SortKey> keys;
  for (const Value& k : p.at("by").as_list())
    keys.push_back({k.as_list().at(0).as_string(), k.as_list().at(1).as_bool()});
  return Value(sort_table(a[0].as_table(), keys));
}

// Up to `count` non-null values of `column`, evenly spaced over the rows.
Value sample_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  const std::string& name = p.at("column").as_string();
  const Column& c = t.column(name);
  auto want = static_cast<std::size_t>(p.at("count").as_int());
  std::vector<std::int64_t> rows;
  std::size_t valid = c.size() - c.null_count();
  std::size_t step = std::max<std::size_t>(1, valid / std::max<std::size_t>(1, want));
  for (std::size_t r = 0, seen = 0; r < c.size() && rows.size() < want; ++r) {
    if (c.is_valid(r) && seen++ % step == 0) rows.push_back(static_cast<std::int64_t>(r));
  }
  return Value(Table({name}, {std::make_shared<const Column>(take(c, rows))}));
}

Value slice_piece(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  auto piece = static_cast<std::size_t>(p.at("piece").as_int()),
       of = static_cast<std::size_t>(p.at("of").as_int());
  std::size_t from = piece * t.num_rows() / of, to = (piece + 1) * t.num_rows() / of;
  return Value(slice(t, from, to - from));
}

// numpy's "linear" quantile of sorted values (its lerp, for equal results).
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  double t = pos - static_cast<double>(lo), a = sorted[lo], b = sorted[hi];
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

double as_double(const Column& c, std::size_t r) {
  if (!c.is_valid(r)) return std::nan("");
  return c.type() == DataType::kFloat64 ? c.float64s()[r] : static_cast<double>(c.int64s()[r]);
}

// args: the one-row stats table, then the numeric columns' partitions.
Value describe_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& stats = a[0].as_table();
  auto columns = strings_of(p.at("columns"));
  std::vector<std::string> names{"stat"};
  std::vector<ColumnPtr> out{std::make_shared<const Column>(
      Column::from_strings({"count", "mean", "std", "min", "25%", "50%", "75%", "max"}))};
  for (const auto& name : columns) {
    std::vector<double> values;
    for (std::size_t i = 1; i < a.size(); ++i) {
      const Column& c = a[i].as_table().column(name);
      for (std::size_t r = 0; r < c.size(); ++r) {
        if (c.is_valid(r)) values.push_back(as_double(c, r));
      }
    }
    std::sort(values.begin(), values.end());
    auto stat = [&](const char* f) { return as_double(stats.column(name + "." + f), 0); };
    ColumnBuilder b(DataType::kFloat64);
    for (double v : {stat("count"), stat("mean"), stat("std"), stat("min"), quantile(values, 0.25),
                     quantile(values, 0.5), quantile(values, 0.75), stat("max")}) {
      std::isnan(v) ? b.append_null() : b.append_float64(v);
    }
    names.push_back(name);
    out.push_back(b.finish_shared());
  }
  return Value(Table(std::move(names), std::move(out)));
}

Value to_csv_op(OpContext&, std::span<const Value> a, const Params& p) {
  const std::string& path = p.at("path").as_string();
  write_file_atomically(path, format_csv(a[0].as_table()));
  return Value(path);
}

Value divisions_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::vector<Table> samples;
  for (const Value& v : a) {
    if (v.as_table().num_columns() > 0) samples.push_back(v.as_table());
  }
  if (samples.empty()) throw Error("dataframe.divisions: no partition has a column to sample");
  Table all = concat(samples);
  auto d = std::make_shared<const Column>(
      choose_divisions(all, static_cast<std::size_t>(p.at("n").as_int())));
  return Value(Table({"d"}, {d}));
}

}  // namespace

// The n - 1 boundaries that cut the sorted samples into n parts of equal
// count, without repeats (so a value is in exactly one partition).
Column choose_divisions(const Table& samples, std::size_t n) {
  SortKey key{samples.names().at(0), true};
  Table sorted = sort_table(samples, {&key, 1});
  const Column& c = sorted.column(0);
  std::vector<std::int64_t> picks;
  for (std::size_t i = 1; i < n && c.size() > 0; ++i) {
    auto at = static_cast<std::int64_t>(i * c.size() / n);
    if (picks.empty() || compare_values(c, static_cast<std::size_t>(picks.back()), c,
                                        static_cast<std::size_t>(at)) < 0) {
      picks.push_back(at);
    }
  }
  return take(c, picks);
}

void register_shuffle_ops(OpRegistry& r) {
  const PortSpec table{"table", "table"};
  const PortSpec splits{"splits", "list", "The split inputs.", true, true};
  r.add(make_op("dataframe.hash_split",
                "Splits a table into `n` pieces by the hash of columns `on`.", {table},
                hash_split));
  r.add(make_op(
      "dataframe.range_split",
      "Splits a table into pieces by ranges of `column` between `divisions` (a one-column table).",
      {table}, range_split));
  r.add(make_op("dataframe.collect", "Piece `part` of every split input, concatenated.", {splits},
                collect));
  r.add(make_op("dataframe.merge",
                "Joins two tables on columns `on`, `how` = inner|left|right|outer.",
                {PortSpec{"left", "table"}, PortSpec{"right", "table"}}, merge_op));
  r.add(make_op("dataframe.sort", "Sorts a table by `by` (a list of [column, ascending]).", {table},
                sort_op));
  r.add(make_op("dataframe.sample", "Up to `count` evenly spaced non-null values of `column`.",
                {table}, sample_op));
  r.add(make_op("dataframe.divisions",
                "The n - 1 sort boundaries from every partition's samples (param `n`).",
                {PortSpec{"samples", "table", "", true, true}}, divisions_op));
  r.add(make_op("dataframe.slice_piece", "Slice `piece` of `of` equal slices of a table.", {table},
                slice_piece));
  r.add(make_op(
      "dataframe.describe", "pandas' describe() from a stats row and the numeric columns.",
      {PortSpec{"stats", "table"}, PortSpec{"values", "table", "", true, true}}, describe_op));
  r.add(make_op("dataframe.to_csv",
                "Writes a table to the CSV file `path` (atomically); returns the path.", {table},
                to_csv_op));
}

}  // namespace shoal::detail
