// DataFrame on LocalCluster: read_csv + groupby gives what InlineExecutor gives.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "shoal/csv.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

using namespace shoal;

TEST_CASE("groupby on a LocalCluster equals the inline result") {
  auto dir =
      std::filesystem::temp_directory_path() / ("shoal-df-cluster-" + std::to_string(::getpid()));
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

TEST_CASE("shuffles on a LocalCluster equal the inline results") {
  auto dir = std::filesystem::temp_directory_path() /
             ("shoal-df-cluster-shuffle-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "data.csv").string(), lookup = (dir / "lookup.csv").string();
  {
    std::ofstream out(path);
    out << "id,key,x\n";
    for (int i = 0; i < 20000; ++i)
      out << i << ",k" << (i * 7919) % 53 << "," << ((i * 31) % 1009) * 0.25 - 40 << "\n";
    std::ofstream lk(lookup);
    lk << "key,w\n";
    for (int k = 0; k < 60; k += 2) lk << "k" << k << "," << k * 1.5 << "\n";
  }
  CsvOptions o;
  o.blocksize = 16 * 1024;
  auto df = read_csv(path, o);
  auto lk = read_csv(lookup);
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  InlineExecutor inline_executor;
  auto both = [&](const DataFrame& q) {
    Table a = q.compute(cluster), b = q.compute(inline_executor);
    CHECK(a == b);
    return a;
  };
  CHECK(both(merge(df, lk, {.on = {"key"}, .how = JoinHow::kLeft})).num_rows() == 20000);
  CHECK(both(merge(df, lk, {.on = {"key"}, .broadcast_threshold = 0})).num_rows() > 0);
  Table sorted = both(df.sort_values({{"x", false}, {"id", true}}, cluster));
  for (std::size_t r = 1; r < sorted.num_rows(); ++r)
    CHECK(sorted.column("x").float64s()[r - 1] >= sorted.column("x").float64s()[r]);
  CHECK(both(df.groupby({"key"}).agg({{"x", "sum", ""}}, 4)).num_rows() == 53);
  CHECK(both(df.repartition(3)).num_rows() == 20000);
  std::filesystem::remove_all(dir);
}
