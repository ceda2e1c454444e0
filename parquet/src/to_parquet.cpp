// to_parquet (one parquet.write task per partition) and the registration of
// both Parquet ops.
#include <filesystem>
#include <mutex>

#include "hive.h"
#include "ops.h"
#include "shoal/atomic_file.h"
#include "shoal/error.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/parquet.h"

namespace shoal {
namespace {

const char* kCompressions[] = {"none", "snappy", "gzip", "zstd", "lz4_raw", "brotli"};

ParquetCompression compression_named(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kCompressions); ++i)
    if (name == kCompressions[i]) return static_cast<ParquetCompression>(i);
  throw Error("to_parquet: unknown compression '" + name +
              "'; use none, snappy, gzip, zstd, lz4_raw or brotli");
}

std::vector<std::string> strings_of(const Value& v) {
  std::vector<std::string> out;
  for (const Value& s : v.as_list()) out.push_back(s.as_string());
  return out;
}

Value read_op(OpContext&, std::span<const Value>, const Params& p) {
  ParquetFile f(p.at("path").as_string());
  std::vector<int> groups;
  for (const Value& g : p.at("row_groups").as_list())
    groups.push_back(static_cast<int>(g.as_int()));
  Table t = f.read(groups, strings_of(p.at("columns")));
  if (const Value* hive = p.find("hive")) t = parquet::with_hive_columns(t, hive->as_list());
  return Value(std::move(t));
}

ParquetWriteOptions options_from(const Params& p) {
  ParquetWriteOptions o;
  o.compression = compression_named(p.get_or("compression", "snappy").as_string());
  o.row_group_size =
      static_cast<std::size_t>(p.get_or("row_group_size", std::int64_t{1} << 20).as_int());
  o.dictionary = p.get_or("dictionary", true).as_bool();
  o.dictionary_limit =
      static_cast<std::size_t>(p.get_or("dictionary_limit", std::int64_t{1} << 20).as_int());
  o.page_size = static_cast<std::size_t>(p.get_or("page_size", std::int64_t{1} << 20).as_int());
  o.data_page_version = static_cast<int>(p.get_or("data_page_version", 1).as_int());
  return o;
}

Value write_op(OpContext&, std::span<const Value> a, const Params& p) {
  const std::string& path = p.at("path").as_string();
  write_file_atomically(path, write_parquet_bytes(a[0].as_table(), options_from(p)));
  return Value(path);
}

Op read_spec() {
  Op op;
  op.name = "parquet.read";
  op.doc = "Reads row groups `row_groups` of columns `columns` of the Parquet file `path`.";
  op.group = "DataFrame";
  op.outputs = {PortSpec{"table", "table", "", true, false}};
  op.params = {ParamSpec{.name = "path",
                         .type = ParamSpec::Type::kPath,
                         .required = true,
                         .doc = "A Parquet file."},
               ParamSpec{.name = "row_groups",
                         .type = ParamSpec::Type::kList,
                         .required = true,
                         .doc = "Row group numbers, in order."},
               ParamSpec{.name = "columns",
                         .type = ParamSpec::Type::kList,
                         .required = true,
                         .doc = "Column names; empty for all."},
               ParamSpec{.name = "hive",
                         .type = ParamSpec::Type::kList,
                         .doc = "Partition columns to add: [name, type, value] each."}};
  op.fn = read_op;
  return op;
}

Op write_spec() {
  Op op;
  op.name = "parquet.write";
  op.doc = "Writes a table to the Parquet file `path` (atomically); returns the path.";
  op.group = "DataFrame";
  op.inputs = {PortSpec{"table", "table"}};
  std::vector<std::string> choices(std::begin(kCompressions), std::end(kCompressions));
  op.params = {ParamSpec{.name = "path",
                         .type = ParamSpec::Type::kPath,
                         .required = true,
                         .doc = "The file to write."},
               ParamSpec{.name = "compression",
                         .type = ParamSpec::Type::kChoice,
                         .default_value = "snappy",
                         .choices = choices,
                         .doc = "Page compression."},
               ParamSpec{.name = "row_group_size",
                         .type = ParamSpec::Type::kInt,
                         .default_value = std::int64_t{1} << 20,
                         .min = 1,
                         .doc = "Rows per row group."},
               ParamSpec{.name = "dictionary",
                         .type = ParamSpec::Type::kBool,
                         .default_value = true,
                         .doc = "Dictionary-encode string columns."},
               ParamSpec{.name = "dictionary_limit",
                         .type = ParamSpec::Type::kInt,
                         .default_value = std::int64_t{1} << 20,
                         .min = 0,
                         .doc = "Dictionary bytes past which a chunk is written PLAIN."},
               ParamSpec{.name = "page_size",
                         .type = ParamSpec::Type::kInt,
                         .default_value = std::int64_t{1} << 20,
                         .min = 1,
                         .doc = "Bytes per data page, about."},
               ParamSpec{.name = "data_page_version",
                         .type = ParamSpec::Type::kInt,
                         .default_value = 1,
                         .min = 1,
                         .max = 2,
                         .doc = "1 (DATA_PAGE) or 2 (DATA_PAGE_V2)."}};
  op.fn = write_op;
  return op;
}

const bool kRegistered = (parquet::register_ops(), true);

std::vector<std::string> partition_paths(const std::string& pattern, std::size_t n) {
  std::vector<std::string> out;
  bool star = pattern.find('*') != std::string::npos;
  if (!star) std::filesystem::create_directories(pattern);
  for (std::size_t i = 0; i < n; ++i) {
    std::string path = pattern;
    if (star)
      path.replace(path.find('*'), 1, std::to_string(i));
    else
      path = (std::filesystem::path(pattern) / ("part-" + std::to_string(i) + ".parquet")).string();
    out.push_back(path);
  }
  return out;
}

}  // namespace

namespace parquet {
void register_ops() {
  static std::once_flag once;
  std::call_once(once, [] {
    OpRegistry& r = OpRegistry::global();
    if (!r.find("parquet.read")) r.add(read_spec(), "parquet");
    if (!r.find("parquet.write")) r.add(write_spec(), "parquet");
  });
}
}  // namespace parquet

std::vector<std::string> to_parquet(const DataFrame& frame, const std::string& pattern,
                                    const ParquetWriteOptions& o, Executor& executor) {
  (void)kRegistered;
  parquet::register_ops();
  std::vector<std::string> paths = partition_paths(pattern, frame.npartitions());
  Graph g = frame.graph();
  Params params{{"compression", kCompressions[static_cast<int>(o.compression)]},
                {"row_group_size", static_cast<std::int64_t>(o.row_group_size)},
                {"dictionary", o.dictionary},
                {"dictionary_limit", static_cast<std::int64_t>(o.dictionary_limit)},
                {"page_size", static_cast<std::int64_t>(o.page_size)},
                {"data_page_version", o.data_page_version}};
  Tokenizer tok;
  tok.add("to_parquet").add(pattern);
  for (const auto& [k, v] : params) tok.add(k).add(v);
  for (const Key& k : frame.keys()) tok.add(k);
  Key base("to-parquet-" + tok.hex());
  std::vector<Key> keys;
  OpPtr op = OpRegistry::global().get("parquet.write");
  for (std::size_t i = 0; i < frame.npartitions(); ++i) {
    Task t;
    t.key = base.with_index({static_cast<std::int64_t>(i)});
    t.op = op;
    t.args = {Arg(frame.keys()[i])};
    Params p = params;
    p.set("path", paths[i]);
    t.params = std::make_shared<const Params>(std::move(p));
    keys.push_back(t.key);
    g.add(std::move(t));
  }
  executor.run(g, keys);
  return paths;
}

std::vector<std::string> to_parquet(const DataFrame& frame, const std::string& pattern,
                                    const ParquetWriteOptions& options) {
  return to_parquet(frame, pattern, options, default_executor());
}

}  // namespace shoal
