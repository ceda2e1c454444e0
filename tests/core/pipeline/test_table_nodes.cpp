// The whole-table ops pipelines use ("table.*"), run one by one through the
// registry as a pipeline node would run them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/pipeline.h"
#include "support/nodes.h"

using namespace shoal;
using shoal::testing::run_node;

namespace {

Table sample() {
  return Table({"k", "x"},
               {std::make_shared<const Column>(Column::from_strings({"b", "a", "b", "c"})),
                std::make_shared<const Column>(Column::from_float64({1.5, -2, 4, 0.25}))});
}

}  // namespace

TEST_CASE("table ops: select, head, filter, assign, groupby, sort, merge, to_csv") {
  Value t(sample());
  CHECK(run_node("table.select", {t}, {{"columns", List{Value("x")}}}).as_table().names() ==
        std::vector<std::string>{"x"});
  CHECK(run_node("table.head", {t}, {{"n", 2}}).as_table().num_rows() == 2);
  CHECK(run_node("table.filter", {t}, {{"expr", "x > 0 and k != 'c'"}}).as_table().num_rows() == 2);
  Table a = run_node("table.assign", {t}, {{"column", "y"}, {"expr", "x * 2"}}).as_table();
  CHECK(a.column("y").float64s()[1] == -4.0);
  Table g = run_node("table.groupby", {t},
                     {{"by", List{Value("k")}}, {"aggs", List{Value("x:sum"), Value("x:size:n")}}})
                .as_table();
  CHECK(g.names() == std::vector<std::string>{"k", "x", "n"});
  CHECK(g.column("x").float64s()[1] == 5.5);  // b, sorted after a
  Table s =
      run_node("table.sort", {t}, {{"by", List{Value("x")}}, {"ascending", false}}).as_table();
  CHECK(s.column("x").float64s()[0] == 4.0);
  Table m = run_node("table.merge", {t, Value(g)}, {{"on", List{Value("k")}}, {"how", "inner"}})
                .as_table();
  CHECK(m.names() == std::vector<std::string>{"k", "x_x", "x_y", "n"});
  CHECK(m.num_rows() == 4);

  auto path = std::filesystem::temp_directory_path() /
              ("shoal-table-ops-" + std::to_string(::getpid()) + ".csv");
  Table files = run_node("table.to_csv", {t}, {{"path", path.string()}}).as_table();
  CHECK(files.num_rows() == 1);  // one file, written in two parts (two partitions)
  CHECK(files.column("path").string_at(0) == path.string());
  CHECK(files.column("rows").int64s()[0] == 4);
  std::stringstream written;
  written << std::ifstream(path).rdbuf();
  CHECK(written.str() == "k,x\nb,1.5\na,-2.0\nb,4.0\nc,0.25\n");
  CHECK(run_node("table.read_csv", {}, {{"path", path.string()}}).as_table() == sample());
  std::filesystem::remove(path);
}

TEST_CASE("table ops refuse bad parameters with the fix") {
  Value t(sample());
  CHECK_THROWS_WITH_AS(
      run_node("table.groupby", {t}, {{"by", List{Value("k")}}, {"aggs", List{Value("x")}}}),
      doctest::Contains("is not column:value"), Error);
  CHECK_THROWS_WITH_AS(run_node("table.filter", {t}, {{"expr", "x >"}}),
                       doctest::Contains("at column"), Error);
  CHECK_THROWS_WITH_AS(run_node("table.read_csv", {}, {{"path", "/no/such/file.csv"}}),
                       doctest::Contains("no such file"), Error);
}

TEST_CASE("table.count counts rows as DataFrame::size does: a count per partition, one sum") {
  Value t(sample());
  CHECK(run_node("table.count", {t}, {}) == Value(4));
  auto path = std::filesystem::temp_directory_path() /
              ("shoal-table-count-" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(path);
    out << "x\n";
    for (int i = 0; i < 3000; ++i) out << (i % 10) * 0.1 << "\n";
  }
  Pipeline p;
  p.add_node({.id = "read",
              .op = "table.read_csv",
              .params = {{"path", path.string()}, {"blocksize", 4096}}});
  p.add_node({.id = "big", .op = "table.filter", .params = {{"expr", "x > 0.5"}}});
  p.add_node({.id = "n", .op = "table.count"});
  p.connect({"read", "out"}, {"big", "table"});
  p.connect({"big", "out"}, {"n", "table"});
  LoweredPipeline low = lower(p);
  const std::size_t blocks = low.node("read")->partitions.size();
  REQUIRE(blocks > 1);
  Graph g = low.optimized();
  // Read, filter and count fuse into one scan per block (with its quote
  // count and check tasks); nothing builds the filtered table; one sum.
  std::map<std::string, std::size_t> ops;
  for (const Task& t : g.tasks()) ++ops[t.op_name()];
  CAPTURE(g.to_dot("count"));
  CHECK(ops["sum"] == 1);
  CHECK(ops["dataframe.filter"] == 0);
  CHECK(ops["dataframe.num_rows"] == 0);
  CHECK(ops["dataframe.csv_block"] == 0);
  InlineExecutor ex;
  std::vector<Value> got = ex.run(g, low.output_keys());
  CsvOptions o;
  o.blocksize = 4096;
  DataFrame df = read_csv(path.string(), o);
  CHECK(got.at(0) == Value(df[df["x"] > 0.5].size(ex)));
  CHECK(got.at(0) == Value(1200));  // 0.6 .. 0.9: four of every ten
  std::filesystem::remove(path);
}
