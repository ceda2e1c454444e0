// read_parquet: plans a DataFrame from the footers (schema, row groups,
// statistics) and runs parquet.read per partition.
#include <algorithm>
#include <filesystem>

#include "ops.h"
#include "paths.h"
#include "shoal/error.h"
#include "shoal/expr.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/parquet.h"

namespace shoal {
namespace {

struct Partition {
  std::string path;
  std::vector<int> row_groups;
};

void check_filters(const std::vector<ParquetFilter>& filters, const Schema& schema) {
  static const std::vector<std::string> kOps = {"==", "!=", "<", "<=", ">", ">="};
  for (const auto& f : filters) {
    if (std::find(kOps.begin(), kOps.end(), f.op) == kOps.end())
      throw Error("read_parquet: filter on '" + f.column + "' has op '" + f.op +
                  "'; use ==, !=, <, <=, > or >=");
    DataType t = schema.type_of(f.column);
    bool number = t == DataType::kInt64 || t == DataType::kFloat64 || t == DataType::kTimestamp;
    if ((t == DataType::kString && !f.value.is_string()) || (number && !f.value.is_number()) ||
        (t == DataType::kBool && !f.value.is_bool()))
      throw Error("read_parquet: filter on '" + f.column + "' (" + std::string(type_name(t)) +
                  ") compares it with " + f.value.repr());
  }
}

Schema project(const Schema& all, const std::vector<std::string>& columns,
               const std::string& path) {
  if (columns.empty()) return all;
  Schema s;
  for (const auto& c : columns) {
    if (all.index_of(c) < 0)
      throw Error("read_parquet: no column '" + c + "' in " + path + "; it has " + all.str());
    s.names.push_back(c);
    s.types.push_back(all.type_of(c));
  }
  return s;
}

// Row groups of one file that may match, combined up to blocksize.
void plan_file(const ParquetFile& f, const ParquetReadOptions& o,
               const std::vector<std::string>& cols, std::vector<Partition>& out) {
  Partition p{f.info().path, {}};
  std::int64_t bytes = 0;
  for (std::size_t rg = 0; rg < f.info().row_group_rows.size(); ++rg) {
    int g = static_cast<int>(rg);
    if (!f.may_match(g, o.filters)) continue;
    std::int64_t b = f.uncompressed_bytes(g, cols);
    if (!p.row_groups.empty() && bytes + b > static_cast<std::int64_t>(o.blocksize)) {
      out.push_back(std::move(p));
      p = Partition{f.info().path, {}};
      bytes = 0;
    }
    p.row_groups.push_back(g);
    bytes += b;
  }
  if (!p.row_groups.empty()) out.push_back(std::move(p));
}

Expr filter_expr(const ParquetFilter& f) {
  Expr c = Expr::column(f.column), v = Expr::literal(f.value);
  if (f.op == "==") return c == v;
  if (f.op == "!=") return c != v;
  if (f.op == "<") return c < v;
  if (f.op == "<=") return c <= v;
  if (f.op == ">") return c > v;
  return c >= v;
}

}  // namespace

DataFrame read_parquet(const std::vector<std::string>& paths_or_globs,
                       const ParquetReadOptions& o) {
  parquet::register_ops();
  std::vector<std::string> paths = parquet::expand_parquet_paths(paths_or_globs);
  Schema schema;
  std::vector<Partition> parts;
  Tokenizer tok;
  tok.add("read_parquet");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    ParquetFile f(paths[i]);
    Schema s = project(f.info().schema, o.columns, paths[i]);
    if (i == 0) {
      schema = s;
      check_filters(o.filters, f.info().schema);
    } else if (!(s == schema)) {
      throw Error("read_parquet: " + paths[i] + " has columns " + s.str() + ", unlike " + paths[0] +
                  " (" + schema.str() + "); read them separately");
    }
    plan_file(f, o, schema.names, parts);
    tok.add(paths[i]).add(static_cast<std::int64_t>(
        std::filesystem::last_write_time(paths[i]).time_since_epoch().count()));
  }
  if (parts.empty())
    parts.push_back(Partition{paths[0], {}});  // nothing matches: one empty partition
  List names;
  for (const auto& n : schema.names) names.emplace_back(n);
  for (const auto& n : schema.names) tok.add(n);
  for (const auto& p : parts)
    for (int g : p.row_groups) tok.add(std::int64_t{g});
  Key base("read-parquet-" + tok.hex());
  auto g = std::make_shared<Graph>();
  std::vector<Key> keys;
  OpPtr op = OpRegistry::global().get("parquet.read");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    List groups;
    for (int rg : parts[i].row_groups) groups.emplace_back(rg);
    Task t;
    t.key = base.with_index({static_cast<std::int64_t>(i)});
    t.op = op;
    t.params = std::make_shared<const Params>(
        Params{{"path", parts[i].path}, {"row_groups", groups}, {"columns", names}});
    keys.push_back(t.key);
    g->add(std::move(t));
  }
  DataFrame df({g}, std::move(keys), std::move(schema));
  for (const auto& f : o.filters) df = df.filter(filter_expr(f));
  return df;
}

DataFrame read_parquet(const std::string& path_or_glob, const ParquetReadOptions& options) {
  return read_parquet(std::vector<std::string>{path_or_glob}, options);
}

}  // namespace shoal
