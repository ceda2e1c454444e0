// One query of the dataframe benchmark on a LocalCluster (2 workers of one
// thread), timed from read_csv to the result in memory. Prints
// `seconds: S` and a digest of the result so that runs can be compared.
// Usage: bench_dataframe groupby|filter|merge|sort DATA.csv [LOOKUP.csv]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: bench_dataframe groupby|filter|merge|sort DATA.csv [LOOKUP.csv]\n");
    return 2;
  }
  std::string query = argv[1], path = argv[2];
  shoal::LocalCluster local({.workers = 2, .threads_per_worker = 1});
  shoal::InlineExecutor inline_executor;  // SHOAL_BENCH_INLINE=1: for profiling
  shoal::Executor& cluster =
      std::getenv("SHOAL_BENCH_INLINE") ? static_cast<shoal::Executor&>(inline_executor) : local;
  auto t0 = std::chrono::steady_clock::now();
  std::string digest;
  if (query == "groupby") {
    shoal::CsvOptions o;
    o.usecols = {"key", "x", "y"};
    auto df = shoal::read_csv(path, o);
    shoal::Table t = df.groupby({"key"}).agg({{"x", "mean"}, {"y", "sum"}}).compute(cluster);
    digest = std::to_string(t.num_rows()) +
             " groups, x[0]=" + std::to_string(t.column("x").float64s()[0]);
  } else if (query == "filter") {
    shoal::CsvOptions o;
    o.usecols = {"x"};
    auto df = shoal::read_csv(path, o);
    digest = std::to_string(df[df["x"] > 0.5].size(cluster)) + " rows";
  } else if (query == "merge") {
    // merge with the 1000-row lookup (broadcast), then groupby sum of y * weight
    shoal::CsvOptions o;
    o.usecols = {"key", "y"};
    auto df = shoal::read_csv(path, o);
    auto lookup = shoal::read_csv(argc > 3 ? argv[3] : "lookup.csv");
    auto m = shoal::merge(df, lookup, {.on = {"key"}});
    shoal::Table t =
        m.assign("z", m["y"] * m["weight"]).groupby({"key"}).agg({{"z", "sum"}}).compute(cluster);
    digest = std::to_string(t.num_rows()) +
             " groups, z[0]=" + std::to_string(t.column("z").float64s()[0]);
  } else {
    // sort by x; each sorted partition reduced to its row count, first and last x
    shoal::CsvOptions o;
    o.usecols = {"id", "x"};
    auto df = shoal::read_csv(path, o);
    auto sorted = df.sort_values({{"x", true}}, cluster);
    shoal::Table t = sorted.agg({{"x", "first", "lo"}, {"x", "last", "hi"}, {"id", "count", "n"}})
                         .compute(cluster);
    digest = std::to_string(t.column("n").int64s()[0]) + " rows, x from " +
             std::to_string(t.column("lo").float64s()[0]) + " to " +
             std::to_string(t.column("hi").float64s()[0]);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("result: %s\nseconds: %.3f\n", digest.c_str(), s);
  return 0;
}
