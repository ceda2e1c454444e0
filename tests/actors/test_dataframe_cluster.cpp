// DataFrame on LocalCluster: read_csv + groupby gives what InlineExecutor gives.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "shoal/csv.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

using namespace shoal;

TEST_CASE("groupby on a LocalCluster equals the inline result") {
  auto dir = std::filesystem::temp_directory_path() / ("shoal-df-cluster-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "data.csv").string();
  {
    std::ofstream out(path);
    out << "key,x\n";
    for (int i = 0; i < 20000; ++i) out << "\"k," << i % 37 << "\"," << (i % 101) * 0.5 - 3 << "\n";
  }
  CsvOptions o;
  o.blocksize = 16 * 1024;
  auto df = read_csv(path, o);
  REQUIRE(df.npartitions() > 8);
  auto q = df[df["x"] > 0].groupby({"key"}).agg({{"x", "mean"}, {"x", "count"}});
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  InlineExecutor inline_executor;
  Table a = q.compute(cluster), b = q.compute(inline_executor);
  CHECK(a.num_rows() == 37);
  CHECK(a == b);
  CHECK(df.size(cluster) == 20000);
  std::filesystem::remove_all(dir);
}
