#include "hive.h"

#include <charconv>
#include <filesystem>

#include "shoal/column_builder.h"
#include "shoal/error.h"

namespace shoal::parquet {
namespace fs = std::filesystem;
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

KeyValues folders_of(const std::string& path, const std::string& root) {
  KeyValues out;
  if (root.empty()) return out;
  fs::path rel = fs::path(path).lexically_relative(root).parent_path();
  for (const auto& part : rel) {
    std::string s = part.string();
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) continue;  // a plain folder
    out.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  return out;
}

bool is_int(const std::string& s) {
  std::int64_t v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

constexpr const char* kNull = "__HIVE_DEFAULT_PARTITION__";

}  // namespace

HiveLayout hive_layout(const std::vector<std::string>& paths,
                       const std::vector<std::string>& roots) {
  HiveLayout h;
  std::vector<KeyValues> all;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    all.push_back(folders_of(paths[i], roots[i]));
    if (i == 0) {
      for (const auto& [k, v] : all[0]) h.keys.push_back({k, DataType::kInt64});
      continue;
    }
    bool same = all[i].size() == h.keys.size();
    for (std::size_t k = 0; same && k < h.keys.size(); ++k)
      same = all[i][k].first == h.keys[k].name;
    if (!same)
      throw Error("read_parquet: " + paths[i] + " lies in other key=value folders than " +
                  paths[0] +
                  "; a hive dataset names the same keys, in the same order, for every file");
  }
  for (std::size_t k = 0; k < h.keys.size(); ++k)
    for (const auto& kv : all)
      if (kv[k].second != kNull && !is_int(kv[k].second)) h.keys[k].type = DataType::kString;
  for (const auto& kv : all) {
    std::vector<Value> row;
    for (std::size_t k = 0; k < h.keys.size(); ++k) {
      const std::string& v = kv[k].second;
      if (v == kNull)
        row.emplace_back();
      else if (h.keys[k].type == DataType::kInt64)
        row.emplace_back(std::stoll(v));
      else
        row.emplace_back(v);
    }
    h.values.push_back(std::move(row));
  }
  return h;
}

bool hive_matches(const Value& v, const ParquetFilter& f) {
  if (v.is_null()) return false;  // a comparison with null is never true
  int c;
  if (v.is_string() && f.value.is_string()) {
    int r = v.as_string().compare(f.value.as_string());
    c = (r > 0) - (r < 0);
  } else if (v.is_int() && f.value.is_number()) {
    double x = static_cast<double>(v.as_int()), y = f.value.as_float();
    c = (x > y) - (x < y);
  } else {
    return true;  // kinds that do not compare: the row filter decides
  }
  if (f.op == "==") return c == 0;
  if (f.op == "!=") return c != 0;
  if (f.op == "<") return c < 0;
  if (f.op == "<=") return c <= 0;
  if (f.op == ">") return c > 0;
  return c >= 0;
}

Table with_hive_columns(const Table& t, const List& columns) {
  std::vector<std::string> names = t.names();
  std::vector<std::shared_ptr<const Column>> cols;
  for (std::size_t i = 0; i < t.num_columns(); ++i) cols.push_back(t.column_ptr(i));
  for (const Value& c : columns) {
    const List& item = c.as_list();  // [name, type name, value]
    DataType type = parse_type_name(item.at(1).as_string());
    const Value& v = item.at(2);
    ColumnBuilder b(type, t.num_rows());
    for (std::size_t r = 0; r < t.num_rows(); ++r) {
      if (v.is_null())
        b.append_null();
      else if (type == DataType::kInt64)
        b.append_int64(v.as_int());
      else
        b.append_string(v.as_string());
    }
    names.push_back(item.at(0).as_string());
    cols.push_back(b.finish_shared());
  }
  return Table(std::move(names), std::move(cols));
}

}  // namespace shoal::parquet
