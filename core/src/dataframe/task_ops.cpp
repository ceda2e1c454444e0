// The per-partition and reduction ops of DataFrame graphs. Every op takes
// its table(s) as arguments and its expressions and column names as
// parameters — data, so that graphs travel by name.
#include "dataframe/task_ops.h"

#include "dataframe/scan_fusion.h"
#include "graph/collection_graph.h"
#include "shoal/error.h"
#include "shoal/expr.h"
#include "shoal/op.h"
#include "shoal/table_kernels.h"
#include "table/aggregate.h"

namespace shoal::detail {
namespace {

Op table_op(std::string name, std::string doc, OpFunction fn, bool variadic = false) {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = "DataFrame";
  op.internal = true;
  op.inputs = {PortSpec{"table", variadic ? "any" : "table", "", true, variadic}};
  op.fn = std::move(fn);
  return op;
}

Value filter_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  return Value(filter(t, *evaluate(Expr::from_ast(p.at("expr")), t)));
}

Value assign_op(OpContext&, std::span<const Value> a, const Params& p) {
  Table t = a[0].as_table();
  auto names = strings_of(p.at("names"));
  const List& exprs = p.at("exprs").as_list();
  for (std::size_t i = 0; i < names.size(); ++i) {
    ColumnPtr c = evaluate(Expr::from_ast(exprs.at(i)), t);
    std::vector<std::string> cols = t.names();
    std::vector<ColumnPtr> data;
    for (std::size_t k = 0; k < t.num_columns(); ++k) data.push_back(t.column_ptr(k));
    int at = t.index_of(names[i]);
    if (at >= 0)
      data[static_cast<std::size_t>(at)] = c;
    else
      cols.push_back(names[i]), data.push_back(c);
    t = Table(std::move(cols), std::move(data));
  }
  return Value(std::move(t));
}

Value project_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  Table picked = select(t, strings_of(p.at("columns")));
  std::vector<ColumnPtr> cols;
  for (std::size_t i = 0; i < picked.num_columns(); ++i) cols.push_back(picked.column_ptr(i));
  return Value(Table(strings_of(p.at("names")), std::move(cols)));
}

std::vector<Table> tables_of(std::span<const Value> a) {
  std::vector<Table> out;
  for (const Value& v : a) {
    if (v.is_list()) {
      for (const Value& x : v.as_list()) out.push_back(x.as_table());
    } else {
      out.push_back(v.as_table());
    }
  }
  return out;
}

}  // namespace

void register_dataframe_ops(OpRegistry& r) {
  r.add(table_op("dataframe.filter", "Rows where the expression `expr` is true.", filter_op));
  r.add(table_op("dataframe.assign", "Adds or replaces columns `names` with expressions `exprs`.",
                 assign_op));
  r.add(table_op("dataframe.project", "Picks `columns` and names them `names`.", project_op));
  r.add(table_op("dataframe.num_rows", "The number of rows.",
                 [](OpContext&, std::span<const Value> a, const Params&) {
                   return Value(static_cast<std::int64_t>(a[0].as_table().num_rows()));
                 }));
  r.add(table_op("dataframe.agg_partial", "Reduction states per group of `keys` for `aggs`.",
                 [](OpContext&, std::span<const Value> a, const Params& p) {
                   return Value(agg_partial(a[0].as_table(), strings_of(p.at("keys")),
                                            aggs_from_value(p.at("aggs"))));
                 }));
  r.add(table_op(
      "dataframe.agg_combine", "Merges reduction states.",
      [](OpContext&, std::span<const Value> a, const Params& p) {
        auto tables = tables_of(a);
        return Value(agg_combine(tables, strings_of(p.at("keys")), aggs_from_value(p.at("aggs"))));
      },
      true));
  r.add(table_op("dataframe.agg_finalize", "Results from reduction states, sorted by key.",
                 [](OpContext&, std::span<const Value> a, const Params& p) {
                   return Value(agg_finalize(a[0].as_table(), strings_of(p.at("keys")),
                                             aggs_from_value(p.at("aggs")),
                                             p.get_or("by_count", false).as_bool()));
                 }));
  r.add(table_op(
      "dataframe.concat", "The tables one after the other.",
      [](OpContext&, std::span<const Value> a, const Params&) {
        auto tables = tables_of(a);
        return Value(concat(tables));
      },
      true));
  register_csv_ops(r);
  register_csv_scan_op(r);
  register_shuffle_ops(r);
  register_sink_ops(r);
}

}  // namespace shoal::detail
