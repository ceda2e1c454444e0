// DataFrame::limit (the lazy head) and to_csv, eager and lazy. The ops they
// name are in sink_ops.cpp.
#include <algorithm>

#include "dataframe/scan_fusion.h"
#include "graph/collection_graph.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"

namespace shoal {
namespace {

using detail::make_task;
using detail::token_of;

std::string partition_path(const std::string& pattern, std::size_t i) {
  std::string path = pattern;
  if (auto star = path.find('*'); star != std::string::npos)
    path.replace(star, 1, std::to_string(i));
  return path;
}

// Where partition i of a single-file write goes before the parts are joined.
std::string part_path(const std::string& path, std::size_t i) {
  return path + ".part-" + std::to_string(i);
}

}  // namespace

DataFrame DataFrame::limit(std::size_t n, std::size_t npartitions) const {
  std::size_t k = npartitions == 0 ? keys_.size() : std::min(npartitions, keys_.size());
  std::vector<Key> first(keys_.begin(), keys_.begin() + static_cast<std::ptrdiff_t>(k));
  Params p{{"n", static_cast<std::int64_t>(n)}};
  Key key("limit-" + token_of("dataframe.limit", p, first), {0});
  auto g = std::make_shared<Graph>();
  g->add(make_task(key, "dataframe.limit", std::vector<Arg>(first.begin(), first.end()),
                   std::make_shared<const Params>(std::move(p))));
  return with_layer(std::move(g), {key}, schema_);
}

DataFrame DataFrame::to_csv(const std::string& pattern, const CsvWriteOptions& options) const {
  if (pattern.empty()) throw Error("to_csv: give the file to write (or a pattern with '*')");
  bool per_partition = pattern.find('*') != std::string::npos;
  std::string delimiter(1, options.delimiter);
  Key base("to-csv-" + token_of("dataframe.to_csv",
                                Params{{"pattern", pattern}, {"delimiter", delimiter}}, keys_));
  auto g = std::make_shared<Graph>();
  std::vector<Arg> writes;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    std::string path = per_partition ? partition_path(pattern, i) : part_path(pattern, i);
    auto p = std::make_shared<const Params>(
        Params{{"path", path}, {"delimiter", delimiter}, {"header", per_partition || i == 0}});
    Key k = base.with_index({static_cast<std::int64_t>(i)});
    g->add(make_task(k, "dataframe.write_csv", {Arg(keys_[i])}, std::move(p)));
    writes.emplace_back(k);
  }
  Key done("csv-written-" + base.name(), {0});
  if (per_partition) {
    g->add(make_task(done, "dataframe.files_written", std::move(writes), nullptr));
  } else {
    g->add(make_task(done, "dataframe.join_files", std::move(writes),
                     std::make_shared<const Params>(Params{{"path", pattern}})));
  }
  return with_layer(std::move(g), {done},
                    Schema{{"path", "rows"}, {DataType::kString, DataType::kInt64}});
}

std::vector<std::string> DataFrame::to_csv(const std::string& pattern, Executor& executor) const {
  DataFrame w = to_csv(pattern, CsvWriteOptions{});
  Value v = executor.run(detail::fuse_scans(w.graph(), w.keys()), w.keys()).at(0);
  const Column& paths = v.as_table().column("path");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < paths.size(); ++i) out.emplace_back(paths.string_at(i));
  return out;
}

}  // namespace shoal
