// The whole-table ops pipelines use ("table.*"), run one by one through the
// registry as a pipeline node would run them.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/key.h"
#include "shoal/op.h"
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
