// The ops a pipeline file or the studio wires into a table workflow: read a
// CSV, filter and assign with expressions written as text, select, group
// and aggregate, merge, sort, head, write. Each node works on whole tables
// (one task each); the DataFrame API is the partitioned form of the same
// operations.
#include "graph/collection_graph.h"
#include "pipeline/node_ops.h"
#include "pipeline/node_spec.h"
#include "shoal/atomic_file.h"
#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/expr.h"
#include "shoal/inline_executor.h"
#include "shoal/join.h"
#include "shoal/op.h"
#include "shoal/table_kernels.h"
#include "table/aggregate.h"

namespace shoal::detail {
namespace {

using Type = ParamSpec::Type;

Op table_node(std::string name, std::string doc, std::vector<PortSpec> inputs,
              std::vector<ParamSpec> params, OpFunction fn) {
  return whole_value_op(std::move(name), "Table", std::move(doc), std::move(inputs), "table",
                        std::move(params), std::move(fn));
}

Value read_csv_op(OpContext&, std::span<const Value>, const Params& p) {
  CsvOptions o;
  o.usecols = strings_of(p.get_or("usecols", Value()));
  InlineExecutor inline_executor;
  return Value(read_csv(p.at("path").as_string(), o).compute(inline_executor));
}

Value filter_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  return Value(filter(t, *evaluate(parse_expr(p.at("expr").as_string()), t)));
}

Value assign_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  const std::string& name = p.at("column").as_string();
  ColumnPtr c = evaluate(parse_expr(p.at("expr").as_string()), t);
  std::vector<std::string> names = t.names();
  std::vector<ColumnPtr> cols;
  for (std::size_t i = 0; i < t.num_columns(); ++i) cols.push_back(t.column_ptr(i));
  if (int at = t.index_of(name); at >= 0)
    cols[static_cast<std::size_t>(at)] = c;
  else
    names.push_back(name), cols.push_back(c);
  return Value(Table(std::move(names), std::move(cols)));
}

Value select_op(OpContext&, std::span<const Value> a, const Params& p) {
  return Value(select(a[0].as_table(), strings_of(p.at("columns"))));
}

// aggs: ["x:mean", "y:sum", "x:max:x_max"] — column, function, output name.
std::vector<Aggregation> parse_aggs(const Value& v) {
  std::vector<Aggregation> out;
  for (const std::string& s : strings_of(v)) {
    auto c1 = s.find(':');
    if (c1 == std::string::npos)
      throw Error("table.groupby: aggregation '" + s + "' is not column:function (e.g. x:mean)");
    auto c2 = s.find(':', c1 + 1);
    Aggregation a{s.substr(0, c1),
                  s.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1),
                  c2 == std::string::npos ? s.substr(0, c1) : s.substr(c2 + 1)};
    out.push_back(std::move(a));
  }
  return out;
}

Value groupby_op(OpContext&, std::span<const Value> a, const Params& p) {
  auto keys = strings_of(p.at("by"));
  auto aggs = parse_aggs(p.at("aggs"));
  Table state = agg_partial(a[0].as_table(), keys, aggs);
  return Value(agg_finalize(state, keys, aggs, false));
}

Value merge_op(OpContext&, std::span<const Value> a, const Params& p) {
  JoinSpec spec{strings_of(p.at("on")),
                parse_join_how(p.get_or("how", Value("inner")).as_string())};
  return Value(merge_tables(a[0].as_table(), a[1].as_table(), spec));
}

Value sort_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::vector<SortKey> keys;
  bool ascending = p.get_or("ascending", Value(true)).as_bool();
  for (const auto& c : strings_of(p.at("by"))) keys.push_back({c, ascending});
  return Value(sort_table(a[0].as_table(), keys));
}

Value head_op(OpContext&, std::span<const Value> a, const Params& p) {
  return Value(slice(a[0].as_table(), 0,
                     static_cast<std::size_t>(p.get_or("n", Value(std::int64_t{5})).as_int())));
}

Value to_csv_op(OpContext&, std::span<const Value> a, const Params& p) {
  write_file_atomically(p.at("path").as_string(), format_csv(a[0].as_table()));
  return a[0];
}

}  // namespace

void register_table_nodes(OpRegistry& r) {
  const PortSpec in{"table", "table"};
  r.add(table_node("table.read_csv", "Reads a whole CSV file into one table.", {},
                   {param("path", Type::kPath, "The CSV file.", {}, true),
                    param("usecols", Type::kList, "Columns to read (all when empty).")},
                   read_csv_op));
  r.add(
      table_node("table.filter", "Rows where `expr` (e.g. x > 0.5 and key != 'a') is true.", {in},
                 {param("expr", Type::kString, "A boolean expression over the columns.", {}, true)},
                 filter_op));
  r.add(table_node("table.assign",
                   "Adds or replaces `column` with the value of `expr` (e.g. x * 2 + y).", {in},
                   {param("column", Type::kString, "The column to set.", {}, true),
                    param("expr", Type::kString, "An expression over the columns.", {}, true)},
                   assign_op));
  r.add(table_node("table.select", "Keeps `columns`, in that order.", {in},
                   {param("columns", Type::kList, "Column names.", {}, true)}, select_op));
  r.add(table_node(
      "table.groupby",
      "Groups by `by` and aggregates `aggs` (column:function[:name]); sorted by key.", {in},
      {param("by", Type::kList, "Key columns.", {}, true),
       param("aggs", Type::kList,
             "Aggregations such as x:mean, y:sum, x:max:x_max (sum mean count min max var std "
             "nunique first last size).",
             {}, true)},
      groupby_op));
  ParamSpec how = param("how", Type::kChoice, "Which rows to keep.", Value("inner"));
  how.choices = {"inner", "left", "right", "outer"};
  r.add(table_node("table.merge", "Joins two tables on `on`, as pandas' merge.",
                   {PortSpec{"left", "table"}, PortSpec{"right", "table"}},
                   {param("on", Type::kList, "Key columns both tables have.", {}, true), how},
                   merge_op));
  r.add(table_node("table.sort", "Sorts by `by` (stable; nulls last).", {in},
                   {param("by", Type::kList, "Columns to sort by.", {}, true),
                    param("ascending", Type::kBool, "Smallest first.", Value(true))},
                   sort_op));
  ParamSpec n = param("n", Type::kInt, "Rows to keep.", Value(std::int64_t{5}));
  n.min = 0;
  r.add(table_node("table.head", "The first `n` rows.", {in}, {n}, head_op));
  r.add(table_node("table.to_csv",
                   "Writes the table to the CSV file `path` (atomically); passes it on.", {in},
                   {param("path", Type::kPath, "The file to write.", {}, true)}, to_csv_op));
}

}  // namespace shoal::detail
