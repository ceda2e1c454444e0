#include "shoal/dataframe_files.h"

#include <algorithm>

#include "shoal/csv.h"
#include "shoal/data_file.h"
#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal {
namespace {

Schema schema_of(const Table& t) {
  Schema s;
  s.names = t.names();
  for (std::size_t i = 0; i < t.num_columns(); ++i) s.types.push_back(t.column(i).type());
  return s;
}

Value read_op(OpContext&, std::span<const Value>, const Params& p) {
  const std::string& path = p.at("path").as_string();
  Table t = read_table(path);
  if (const Value* want = p.find("schema_names")) {
    std::vector<std::string> names;
    for (const Value& n : want->as_list()) names.push_back(n.as_string());
    if (t.names() != names) {
      throw Error("read_shoal: '" + path + "' has columns " + schema_of(t).str() +
                  ", unlike the first file of the frame; read it on its own");
    }
  }
  return Value(std::move(t));
}

Value write_op(OpContext&, std::span<const Value> a, const Params& p) {
  const std::string& path = p.at("path").as_string();
  write_table(path, a[0].as_table());
  return Value(path);
}

bool register_ops() {
  OpRegistry& r = OpRegistry::global();
  Op read;
  read.name = "dataframe.read_shoal";
  read.internal = true;
  read.doc = "Reads the table of the .shoal file `path`.";
  read.group = "DataFrame";
  read.params = {ParamSpec{
      .name = "path", .type = ParamSpec::Type::kPath, .required = true, .doc = "A .shoal file."}};
  read.fn = read_op;
  r.add(std::move(read), "serialization");
  Op write;
  write.name = "dataframe.to_shoal";
  write.internal = true;
  write.doc = "Writes a table to the .shoal file `path` (atomically); returns the path.";
  write.group = "DataFrame";
  write.inputs = {PortSpec{"table", "table"}};
  write.params = {ParamSpec{.name = "path",
                            .type = ParamSpec::Type::kPath,
                            .required = true,
                            .doc = "The file to write."}};
  write.fn = write_op;
  r.add(std::move(write), "serialization");
  return true;
}

const bool kRegistered = register_ops();

}  // namespace

std::vector<std::string> to_shoal(const DataFrame& frame, const std::string& pattern,
                                  Executor& executor) {
  if (frame.npartitions() > 1 && pattern.find('*') == std::string::npos) {
    throw Error("to_shoal: '" + pattern + "' has no '*' but the frame has " +
                std::to_string(frame.npartitions()) +
                " partitions; put a '*' where the partition number goes (e.g. part-*.shoal)");
  }
  std::vector<std::string> paths;
  DataFrame written = frame;
  Graph g = frame.graph();
  std::vector<Key> keys;
  Tokenizer tok;
  tok.add("to_shoal").add(pattern);
  for (const Key& k : frame.keys()) tok.add(k);
  Key base("to-shoal-" + tok.hex());
  for (std::size_t i = 0; i < frame.npartitions(); ++i) {
    std::string path = pattern;
    if (auto star = path.find('*'); star != std::string::npos)
      path.replace(star, 1, std::to_string(i));
    paths.push_back(path);
    Task t;
    t.key = base.with_index({static_cast<std::int64_t>(i)});
    t.op = OpRegistry::global().get("dataframe.to_shoal");
    t.args = {Arg(frame.keys()[i])};
    t.params = std::make_shared<const Params>(Params{{"path", path}});
    keys.push_back(t.key);
    g.add(std::move(t));
  }
  executor.run(g, keys);
  return paths;
}

std::vector<std::string> to_shoal(const DataFrame& frame, const std::string& pattern) {
  return to_shoal(frame, pattern, default_executor());
}

DataFrame read_shoal(const std::vector<std::string>& paths_or_globs) {
  (void)kRegistered;
  std::vector<std::string> paths = expand_csv_paths(paths_or_globs);
  Schema schema = schema_of(read_table(paths.at(0)));
  List names;
  for (const auto& n : schema.names) names.emplace_back(n);
  Tokenizer tok;
  tok.add("read_shoal");
  for (const auto& p : paths) tok.add(p);
  Key base("read-shoal-" + tok.hex());
  auto g = std::make_shared<Graph>();
  std::vector<Key> keys;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    Task t;
    t.key = base.with_index({static_cast<std::int64_t>(i)});
    t.op = OpRegistry::global().get("dataframe.read_shoal");
    t.params = std::make_shared<const Params>(Params{{"path", paths[i]}, {"schema_names", names}});
    keys.push_back(t.key);
    g->add(std::move(t));
  }
  return DataFrame({g}, std::move(keys), std::move(schema));
}

DataFrame read_shoal(const std::string& path_or_glob) {
  return read_shoal(std::vector<std::string>{path_or_glob});
}

}  // namespace shoal
