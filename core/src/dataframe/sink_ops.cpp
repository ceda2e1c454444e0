// The ops that end DataFrame graphs (see writes.cpp for the graphs): the
// lazy head, one cell as a value, and the CSV writers.
#include <filesystem>

#include "dataframe/task_ops.h"
#include "shoal/atomic_file.h"
#include "shoal/column_builder.h"
#include "shoal/csv_format.h"
#include "shoal/error.h"
#include "shoal/op.h"
#include "shoal/table_kernels.h"

namespace shoal::detail {
namespace {

Op sink_op(std::string name, std::string doc, PortSpec input, OpFunction fn) {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = "DataFrame";
  op.internal = true;
  op.inputs = {std::move(input)};
  op.fn = std::move(fn);
  return op;
}

// The first `n` rows of the inputs, in order; inputs past n are not read.
Value limit_op(OpContext&, std::span<const Value> a, const Params& p) {
  auto n = static_cast<std::size_t>(p.at("n").as_int());
  std::vector<Table> parts;
  std::size_t have = 0;
  for (const Value& v : a) {
    if (have == n && !parts.empty()) break;
    parts.push_back(slice(v.as_table(), 0, n - have));
    have += parts.back().num_rows();
  }
  return Value(concat(parts));
}

// Row 0 of column `column` (the only column when unset) as a value.
Value item_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  const Value& name = p.get_or("column", Value());
  if (t.num_rows() == 0 || t.num_columns() == 0) return Value();
  const Column& c = name.is_null() ? t.column(0) : t.column(name.as_string());
  if (!c.is_valid(0)) return Value();
  switch (c.type()) {
    case DataType::kBool:
      return Value(c.bools()[0] != 0);
    case DataType::kInt64:
    case DataType::kTimestamp:
      return Value(c.int64s()[0]);
    case DataType::kFloat64:
      return Value(c.float64s()[0]);
    case DataType::kString:
      return Value(std::string(c.string_at(0)));
  }
  return Value();
}

// One partition to `path` (atomically): [path, rows].
Value write_csv_op(OpContext&, std::span<const Value> a, const Params& p) {
  const Table& t = a[0].as_table();
  const std::string& path = p.at("path").as_string();
  char delimiter = p.get_or("delimiter", Value(",")).as_string().at(0);
  write_file_atomically(path, format_csv(t, delimiter, p.get_or("header", true).as_bool()));
  return Value(List{Value(path), Value(static_cast<std::int64_t>(t.num_rows()))});
}

Table written(const std::vector<std::string>& paths, const std::vector<std::int64_t>& rows) {
  ColumnBuilder path(DataType::kString), count(DataType::kInt64);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    path.append_string(paths[i]);
    count.append_int64(rows[i]);
  }
  return Table({"path", "rows"}, {path.finish_shared(), count.finish_shared()});
}

Value files_written_op(OpContext&, std::span<const Value> a, const Params&) {
  std::vector<std::string> paths;
  std::vector<std::int64_t> rows;
  for (const Value& v : a) {
    paths.push_back(v.as_list().at(0).as_string());
    rows.push_back(v.as_list().at(1).as_int());
  }
  return Value(written(paths, rows));
}

// The part files, joined in order into `path`; then the parts are removed.
Value join_files_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::vector<std::filesystem::path> parts;
  std::int64_t rows = 0;
  for (const Value& v : a) {
    parts.emplace_back(v.as_list().at(0).as_string());
    rows += v.as_list().at(1).as_int();
  }
  const std::string& path = p.at("path").as_string();
  join_files_atomically(path, parts);
  return Value(written({path}, {rows}));
}

}  // namespace

void register_sink_ops(OpRegistry& r) {
  const PortSpec tables{"tables", "table", "", true, true};
  const PortSpec parts{"parts", "list", "[path, rows] of each part written", true, true};
  r.add(
      sink_op("dataframe.limit", "The first `n` rows of the tables, in order.", tables, limit_op));
  r.add(sink_op("dataframe.item", "Row 0 of `column` (the only column when unset) as a value.",
                PortSpec{"table", "table"}, item_op));
  r.add(sink_op("dataframe.write_csv",
                "Writes a table as CSV to `path` (atomically; `header`, `delimiter`); returns "
                "[path, rows].",
                PortSpec{"table", "table"}, write_csv_op));
  r.add(sink_op("dataframe.files_written", "A table of the files written: path, rows.", parts,
                files_written_op));
  r.add(sink_op("dataframe.join_files",
                "Joins the part files, in order, into `path` (atomically), removes them; a "
                "table of path and rows.",
                parts, join_files_op));
}

}  // namespace shoal::detail
