// read_parquet: plans a DataFrame from the footers (schema, row groups,
// statistics) and runs parquet.read per partition.
#include <algorithm>
#include <filesystem>

#include "hive.h"
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
  List hive;  // [name, type, value] of each partition column read
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
void plan_file(const ParquetFile& f, const std::vector<ParquetFilter>& filters,
               const ParquetReadOptions& o, const std::vector<std::string>& cols, const List& hive,
               std::vector<Partition>& out) {
  Partition p{f.info().path, {}, hive};
  std::int64_t bytes = 0;
  for (std::size_t rg = 0; rg < f.info().row_group_rows.size(); ++rg) {
    int g = static_cast<int>(rg);
    if (!f.may_match(g, filters)) continue;
    std::int64_t b = f.uncompressed_bytes(g, cols);
    if (!p.row_groups.empty() && bytes + b > static_cast<std::int64_t>(o.blocksize)) {
      out.push_back(std::move(p));
      p = Partition{f.info().path, {}, hive};
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

// The frame's columns: the file's (projected), then the hive keys asked for.
struct Plan {
  Schema schema;        // in the order the frame shows them
  Schema file_columns;  // what parquet.read reads from each file
  std::vector<bool> hive_used;
  std::vector<ParquetFilter> file_filters, hive_filters;
};

Plan make_plan(const ParquetFile& first, const parquet::HiveLayout& hive,
               const ParquetReadOptions& o) {
  Plan plan;
  Schema all = first.info().schema;
  for (const auto& k : hive.keys) {
    if (all.index_of(k.name) >= 0)
      throw Error("read_parquet: partition folder key '" + k.name + "' is also a column of " +
                  first.info().path);
    all.names.push_back(k.name);
    all.types.push_back(k.type);
  }
  check_filters(o.filters, all);
  auto is_hive = [&](const std::string& n) { return first.info().schema.index_of(n) < 0; };
  for (const auto& f : o.filters)
    (is_hive(f.column) ? plan.hive_filters : plan.file_filters).push_back(f);
  plan.schema = project(all, o.columns, first.info().path);
  plan.hive_used.assign(hive.keys.size(), false);
  for (std::size_t i = 0; i < plan.schema.size(); ++i) {
    const std::string& n = plan.schema.names[i];
    if (!is_hive(n)) {
      plan.file_columns.names.push_back(n);
      plan.file_columns.types.push_back(plan.schema.types[i]);
      continue;
    }
    for (std::size_t k = 0; k < hive.keys.size(); ++k)
      if (hive.keys[k].name == n) plan.hive_used[k] = true;
  }
  // Rows are filtered after reading: a filtered column is read even when
  // not asked for, and dropped afterwards. Hive filters are exact per file.
  for (const auto& f : plan.file_filters) {
    if (plan.file_columns.index_of(f.column) >= 0) continue;
    plan.file_columns.names.push_back(f.column);
    plan.file_columns.types.push_back(first.info().schema.type_of(f.column));
  }
  return plan;
}

List hive_params(const parquet::HiveLayout& hive, const Plan& plan, std::size_t file) {
  List out;
  for (std::size_t k = 0; k < hive.keys.size(); ++k) {
    if (!plan.hive_used[k]) continue;
    out.emplace_back(
        List{hive.keys[k].name, std::string(type_name(hive.keys[k].type)), hive.values[file][k]});
  }
  return out;
}

bool file_matches(const parquet::HiveLayout& hive, const Plan& plan, std::size_t file) {
  for (const auto& f : plan.hive_filters)
    for (std::size_t k = 0; k < hive.keys.size(); ++k)
      if (hive.keys[k].name == f.column && !parquet::hive_matches(hive.values[file][k], f))
        return false;
  return true;
}

DataFrame make_frame(std::vector<Partition> parts, const Plan& plan, Tokenizer tok) {
  List names;
  for (const auto& n : plan.file_columns.names) names.emplace_back(n);
  for (const auto& n : plan.schema.names) tok.add(n);
  for (const auto& p : parts) {
    for (int g : p.row_groups) tok.add(std::int64_t{g});
    tok.add(Value(p.hive));
  }
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
    Params p{{"path", parts[i].path}, {"row_groups", groups}, {"columns", names}};
    if (!parts[i].hive.empty()) p.set("hive", parts[i].hive);
    t.params = std::make_shared<const Params>(std::move(p));
    keys.push_back(t.key);
    g->add(std::move(t));
  }
  // parquet.read yields the file's columns, then the hive ones.
  Schema produced = plan.file_columns;
  for (const auto& n : plan.schema.names)
    if (produced.index_of(n) < 0)
      produced.names.push_back(n), produced.types.push_back(plan.schema.type_of(n));
  DataFrame df({g}, std::move(keys), std::move(produced));
  for (const auto& f : plan.file_filters) df = df.filter(filter_expr(f));
  if (!(df.schema() == plan.schema)) df = df.select(plan.schema.names);
  return df;
}

}  // namespace

DataFrame read_parquet(const std::vector<std::string>& paths_or_globs,
                       const ParquetReadOptions& o) {
  parquet::register_ops();
  std::vector<parquet::ParquetPath> found = parquet::expand_parquet_paths(paths_or_globs);
  std::vector<std::string> paths, roots;
  for (const auto& f : found) paths.push_back(f.path), roots.push_back(f.root);
  parquet::HiveLayout hive = parquet::hive_layout(paths, roots);
  Plan plan;
  std::vector<Partition> parts;
  Tokenizer tok;
  tok.add("read_parquet");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (i > 0 && !file_matches(hive, plan, i)) continue;  // its folders exclude it: not opened
    ParquetFile f(paths[i]);
    if (i == 0) {
      plan = make_plan(f, hive, o);
      if (!file_matches(hive, plan, 0)) continue;
    } else {
      const Schema& s = f.info().schema;
      bool same = true;
      for (std::size_t c = 0; same && c < plan.file_columns.size(); ++c) {
        int at = s.index_of(plan.file_columns.names[c]);
        same = at >= 0 && s.types[static_cast<std::size_t>(at)] == plan.file_columns.types[c];
      }
      if (!same)
        throw Error("read_parquet: " + paths[i] + " has columns " + s.str() + ", unlike " +
                    paths[0] + " (" + plan.file_columns.str() + "); read them separately");
    }
    plan_file(f, plan.file_filters, o, plan.file_columns.names, hive_params(hive, plan, i), parts);
    tok.add(paths[i]).add(static_cast<std::int64_t>(
        std::filesystem::last_write_time(paths[i]).time_since_epoch().count()));
  }
  if (parts.empty())  // nothing matches: one empty partition keeps the schema
    parts.push_back(Partition{paths[0], {}, hive_params(hive, plan, 0)});
  return make_frame(std::move(parts), plan, tok);
}

DataFrame read_parquet(const std::string& path_or_glob, const ParquetReadOptions& options) {
  return read_parquet(std::vector<std::string>{path_or_glob}, options);
}

}  // namespace shoal
