// The nodes a pipeline file or the studio wires into a table workflow. Each
// lowers by calling the DataFrame method it names (read_csv, filter,
// groupby().agg(), merge, sort_values, ...), so a pipeline builds the tasks
// the C++ program builds, with the same fusions; expressions are written
// as text in pandas' query() syntax.
#include "graph/collection_graph.h"
#include "pipeline/conversions.h"
#include "pipeline/node_ops.h"
#include "pipeline/node_spec.h"
#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/expr.h"
#include "shoal/pipeline.h"

namespace shoal::detail {
namespace {

using Type = ParamSpec::Type;
constexpr const char* kIn = "table";

Op table_node(std::string name, std::string doc, std::vector<PortSpec> inputs,
              std::vector<ParamSpec> params, NodeLoweringFunction lower,
              std::string out_type = "dataframe") {
  return node_op(std::move(name), "Table", std::move(doc), std::move(inputs), std::move(out_type),
                 std::move(params), std::move(lower));
}

std::size_t size_param(const NodeLowering& n, const char* name) {
  return static_cast<std::size_t>(n.params().at(name).as_int());
}

char char_param(const NodeLowering& n, const char* name) {
  const std::string& s = n.params().at(name).as_string();
  if (s.size() != 1) n.fail(name, "give one character, not '" + s + "'");
  return s[0];
}

Expr expr_param(const NodeLowering& n, const char* name) {
  try {
    return parse_expr(n.params().at(name).as_string());
  } catch (const Error& e) {
    n.fail(name, e.what());
  }
}

void read_csv_node(NodeLowering& n) {
  const Params& p = n.params();
  CsvOptions o;
  o.blocksize = size_param(n, "blocksize");
  o.header = p.at("header").as_bool();
  o.names = string_list(n, "names");
  o.delimiter = char_param(n, "delimiter");
  o.quotechar = char_param(n, "quotechar");
  if (p.contains("na_values")) o.na_values = string_list(n, "na_values");
  o.usecols = string_list(n, "usecols");
  for (const auto& [column, type] : colon_pairs(n, "dtypes")) {
    try {
      o.dtypes[column] = parse_type_name(type);
    } catch (const Error& e) {
      n.fail("dtypes", e.what());
    }
  }
  o.parse_dates = string_list(n, "parse_dates");
  n.set_output(read_csv(p.at("path").as_string(), o));
}

// aggs: ["x:mean", "y:sum", "x:max:x_max"]: column, function, output name.
std::vector<Aggregation> aggs_param(const NodeLowering& n) {
  std::vector<Aggregation> out;
  for (const auto& [column, rest] : colon_pairs(n, "aggs")) {
    auto colon = rest.find(':');
    out.push_back({column, rest.substr(0, colon),
                   colon == std::string::npos ? column : rest.substr(colon + 1)});
  }
  if (out.empty()) n.fail("aggs", "give at least one aggregation, such as x:mean");
  return out;
}

void groupby_node(NodeLowering& n) {
  std::vector<std::string> by = string_list(n, "by");
  if (by.empty()) n.fail("by", "give at least one key column");
  n.set_output(n.dataframe(kIn).groupby(by).agg(aggs_param(n), size_param(n, "split_out")));
}

void merge_node(NodeLowering& n) {
  MergeOptions o;
  o.on = string_list(n, "on");
  o.how = parse_join_how(n.params().at("how").as_string());
  std::vector<std::string> suffixes = string_list(n, "suffixes");
  if (suffixes.size() != 2) n.fail("suffixes", "give two suffixes, such as [\"_x\", \"_y\"]");
  o.suffixes = {suffixes[0], suffixes[1]};
  o.broadcast_threshold = size_param(n, "broadcast_threshold");
  o.npartitions = size_param(n, "npartitions");
  n.set_output(merge(n.dataframe("left"), n.dataframe("right"), o));
}

void sort_node(NodeLowering& n) {
  std::vector<SortKey> keys;
  bool ascending = n.params().at("ascending").as_bool();
  for (const auto& c : string_list(n, "by")) keys.push_back({c, ascending});
  if (keys.empty()) n.fail("by", "give at least one column to sort by");
  n.set_output(n.dataframe(kIn).sort_values(keys, SortOptions{size_param(n, "npartitions")}));
}

// As DataFrame::size: a row count per partition (scan fusion counts a CSV
// block's matching rows without building its table), summed in one task.
void count_node(NodeLowering& n) {
  DataFrame counts = n.dataframe(kIn).map_partitions("dataframe.num_rows", Params{}, Schema{});
  n.set_output(one_task(counts.layers(), "sum", counts.keys()));
}

ParamSpec list_param(const char* name, std::string doc, bool required = false) {
  return param(name, Type::kList, std::move(doc), required ? Value() : Value(List{}), required);
}

ParamSpec size_spec(const char* name, std::string doc, std::int64_t fallback, double min) {
  return ranged(param(name, Type::kInt, std::move(doc), Value(fallback)), min);
}

std::vector<ParamSpec> read_csv_params() {
  return {param("path", Type::kPath, "The CSV file, or a glob such as data/part-*.csv.", {}, true),
          size_spec("blocksize", "Bytes per partition (files are cut between records).",
                    std::int64_t{64} << 20, 1),
          param("header", Type::kBool, "The first record names the columns.", Value(true)),
          list_param("names", "Column names, when there is no header."),
          param("delimiter", Type::kString, "The field separator.", Value(",")),
          param("quotechar", Type::kString, "The quote character.", Value("\"")),
          param("na_values", Type::kList, "Strings read as null (pandas' list when unset)."),
          list_param("usecols", "Columns to read (all when empty)."),
          list_param("dtypes",
                     "Types that override inference, as column:type (bool, int64, "
                     "float64, string, timestamp)."),
          list_param("parse_dates", "Columns parsed as ISO dates into timestamps.")};
}

void register_transforms(OpRegistry& r) {
  const PortSpec in{kIn, "dataframe"};
  r.add(
      table_node("table.filter", "Rows where `expr` (e.g. x > 0.5 and key != 'a') is true.", {in},
                 {param("expr", Type::kString, "A boolean expression over the columns.", {}, true)},
                 [](NodeLowering& n) { n.set_output(n.dataframe(kIn)[expr_param(n, "expr")]); }));
  r.add(table_node("table.assign",
                   "Adds or replaces `column` with the value of `expr` (e.g. x * 2 + y).", {in},
                   {param("column", Type::kString, "The column to set.", {}, true),
                    param("expr", Type::kString, "An expression over the columns.", {}, true)},
                   [](NodeLowering& n) {
                     n.set_output(n.dataframe(kIn).assign(n.params().at("column").as_string(),
                                                          expr_param(n, "expr")));
                   }));
  r.add(table_node("table.select", "Keeps `columns`, in that order.", {in},
                   {list_param("columns", "Column names.", true)}, [](NodeLowering& n) {
                     n.set_output(n.dataframe(kIn).select(string_list(n, "columns")));
                   }));
  r.add(table_node(
      "table.drop", "Drops `columns`.", {in}, {list_param("columns", "Column names.", true)},
      [](NodeLowering& n) { n.set_output(n.dataframe(kIn).drop(string_list(n, "columns"))); }));
}

void register_reshapes(OpRegistry& r) {
  const PortSpec in{kIn, "dataframe"};
  r.add(table_node(
      "table.groupby",
      "Groups by `by` and aggregates `aggs` (column:function[:name]); sorted by key.", {in},
      {list_param("by", "Key columns.", true),
       list_param("aggs",
                  "Aggregations such as x:mean, y:sum, x:max:x_max (sum mean count min max var "
                  "std nunique first last size).",
                  true),
       size_spec("split_out",
                 "Output partitions; more than 1 hash-shuffles the partial results "
                 "(for many groups).",
                 1, 1)},
      groupby_node));
  ParamSpec how =
      choice("how", "Which rows to keep.", {"inner", "left", "right", "outer"}, "inner");
  r.add(table_node(
      "table.merge", "Joins two frames on `on`, as pandas' merge.",
      {PortSpec{"left", "dataframe"}, PortSpec{"right", "dataframe"}},
      {list_param("on", "Key columns both frames have.", true), how,
       param("suffixes", Type::kList, "Appended to clashing column names, left then right.",
             Value(List{Value("_x"), Value("_y")})),
       size_spec("broadcast_threshold",
                 "A side of at most this many partitions is joined whole against every "
                 "partition of the other (no shuffle); 0 never.",
                 4, 0),
       size_spec("npartitions", "Partitions of a shuffled join (0: the larger side's).", 0, 0)},
      merge_node));
  r.add(table_node("table.sort", "Sorts by `by` (stable; nulls last).", {in},
                   {list_param("by", "Columns to sort by.", true),
                    param("ascending", Type::kBool, "Smallest first.", Value(true)),
                    size_spec("npartitions", "Output partitions (0: as many as the input).", 0, 0)},
                   sort_node));
  r.add(table_node(
      "table.set_index", "Sorts by `column` and makes it the index (first column).", {in},
      {param("column", Type::kString, "The index column.", {}, true),
       size_spec("npartitions", "Output partitions (0: as many as the input).", 0, 0)},
      [](NodeLowering& n) {
        n.set_output(n.dataframe(kIn).set_index(n.params().at("column").as_string(),
                                                SortOptions{size_param(n, "npartitions")}));
      }));
  r.add(table_node("table.repartition", "The same rows in `npartitions` partitions, in order.",
                   {in}, {size_spec("npartitions", "Partitions to make.", 1, 1)},
                   [](NodeLowering& n) {
                     n.set_output(n.dataframe(kIn).repartition(size_param(n, "npartitions")));
                   }));
  r.add(table_node(
      "table.shuffle", "Moves rows so that equal values of `on` share a partition.", {in},
      {list_param("on", "Columns to shuffle on.", true),
       size_spec("npartitions", "Output partitions (0: as many as now).", 0, 0)},
      [](NodeLowering& n) {
        n.set_output(n.dataframe(kIn).shuffle(string_list(n, "on"), size_param(n, "npartitions")));
      }));
}

void register_summaries(OpRegistry& r) {
  const PortSpec in{kIn, "dataframe"};
  r.add(table_node("table.head", "The first `n` rows of the first `npartitions` partitions.", {in},
                   {size_spec("n", "Rows to keep.", 5, 0),
                    size_spec("npartitions", "Partitions to read (0: all).", 1, 0)},
                   [](NodeLowering& n) {
                     n.set_output(
                         n.dataframe(kIn).limit(size_param(n, "n"), size_param(n, "npartitions")));
                   }));
  r.add(table_node("table.describe",
                   "count, mean, std, min, quartiles and max of every numeric column.", {in}, {},
                   [](NodeLowering& n) { n.set_output(n.dataframe(kIn).describe()); }));
  r.add(table_node(
      "table.value_counts", "Distinct values of `column` and their counts.", {in},
      {param("column", Type::kString, "The column to count.", {}, true)}, [](NodeLowering& n) {
        n.set_output(n.dataframe(kIn).value_counts(n.params().at("column").as_string()));
      }));
  r.add(table_node("table.count", "The number of rows.", {in}, {}, count_node, "int64"));
}

}  // namespace

void register_table_nodes(OpRegistry& r) {
  r.add(table_node("table.read_csv", "Reads CSV files as partitions of about `blocksize` bytes.",
                   {}, read_csv_params(), read_csv_node));
  register_transforms(r);
  register_reshapes(r);
  register_summaries(r);
  r.add(table_node(
      "table.to_csv",
      "Writes CSV: one file per partition when `path` has a '*', else one file (written in "
      "parts, joined in order). Gives the files written (path, rows).",
      {PortSpec{kIn, "dataframe"}},
      {param("path", Type::kPath, "The file, or a pattern such as out/part-*.csv.", {}, true),
       param("delimiter", Type::kString, "The field separator.", Value(","))},
      [](NodeLowering& n) {
        n.set_output(n.dataframe(kIn).to_csv(n.params().at("path").as_string(),
                                             CsvWriteOptions{char_param(n, "delimiter")}));
      }));
}

}  // namespace shoal::detail
