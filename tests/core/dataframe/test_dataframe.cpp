// DataFrame: expressions, projections, reductions and groupby on the
// InlineExecutor, checked against pandas (Debian's /usr/bin/python3) on
// generated CSVs with nulls, negative numbers, exponents, quoted fields
// holding commas and newlines, CRLF, empty strings and non-ASCII keys.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "support/pandas.h"

using namespace shoal;

namespace {

using namespace shoal::test;

const std::string kDriver = std::string(kPandasPrelude) + R"PY(
df = pd.read_csv(sys.argv[1])
g = df.groupby("key")
emit("mean_sum", g.agg(x=("x", "mean"), y=("y", "sum")))
emit("stats", g.agg(a=("x", "min"), b=("x", "max"), c=("x", "var"), d=("x", "std"), e=("x", "count"),
                   f=("x", "first"), h=("x", "last"), i=("y", "nunique"), j=("x", "size")))
print("\t".join(["filter_count", "", str(int((df["x"] > 0.5).sum()))]))
s = df["x"]
print("\t".join(["frame", ""] + [num(v) for v in [s.sum(), s.mean(), int(s.count()), s.min(), s.max(), s.var(), s.std(), int(df["key"].nunique())]]))
z = (df["x"] * 2 + df["y"])[df["key"].str.contains("a", na=False) & ~df["y"].isna()]
print("\t".join(["assign", "", num(z.sum())]))
vc = df["key"].value_counts()
for k, v in vc.items(): print("\t".join(["value_counts", esc(k), str(v)]))
)PY";

}  // namespace

TEST_CASE("expressions, assign, select, drop, rename on partitions") {
  Table t({"a", "s"},
          {std::make_shared<const Column>(Column::from_int64({1, 2, 3, 4})),
           std::make_shared<const Column>(Column::from_strings({"Ab", "bb", "AC", "x"}))});
  auto df = DataFrame::from_tables({t, t});
  InlineExecutor ex;
  auto out = df[(df["a"] > 1) & ~df["s"].starts_with("x")]
                 .assign({{"b", df["a"] * 2.5}, {"l", df["s"].lower()}, {"n", df["s"].str_len()}})
                 .assign("c", Expr::column("b") / 2)
                 .drop({"s"})
                 .rename({{"a", "A"}})
                 .compute(ex);
  CHECK(out.names() == std::vector<std::string>{"A", "b", "l", "n", "c"});
  REQUIRE(out.num_rows() == 4);
  CHECK(out.column("b").float64s()[0] == 5.0);
  CHECK(out.column("l").string_at(1) == "ac");
  CHECK(out.column("c").float64s()[1] == 3.75);
  CHECK(df.size(ex) == 8);
  CHECK(df.head(5, ex).num_rows() == 5);
  CHECK(df.select({"s"}).columns() == std::vector<std::string>{"s"});
  CHECK_THROWS_AS(df["nope"], Error);
  CHECK_THROWS_AS(df.filter(df["a"] + 1), Error);
  auto filled =
      DataFrame::from_tables({t}).assign("m", (df["a"] > 2).cast(DataType::kInt64)).compute(ex);
  CHECK(filled.column("m").int64s()[3] == 1);
}

TEST_CASE("expressions are data: the graph holds no lambdas") {
  Table t({"a"}, {std::make_shared<const Column>(Column::from_int64({1, 2}))});
  auto df = DataFrame::from_tables({t});
  Graph g = df[df["a"] > 1].groupby({"a"}).agg({{"a", "size"}}).graph();
  for (const Task& task : g.tasks()) CHECK_FALSE(task.op->local_only);
}

TEST_CASE("reductions and groupby agree with pandas") {
  auto path = (temp_dir("df") / "pandas.csv").string();
  std::ofstream(path, std::ios::binary) << generate_csv(7, 3000);
  if (!have_pandas()) {
    MESSAGE("no /usr/bin/python3: pandas comparison skipped");
    return;
  }
  Lines want = run_pandas(kDriver, path), got;
  InlineExecutor ex;
  CsvOptions o;
  o.blocksize = 4096;  // many partitions, several combine levels
  auto df = read_csv(path, o);
  REQUIRE(df.npartitions() > 8);
  add_lines(got, "mean_sum", df.groupby({"key"}).agg({{"x", "mean"}, {"y", "sum"}}).compute(ex),
            true);
  add_lines(got, "stats",
            df.groupby({"key"})
                .agg(std::vector<Aggregation>{{"x", "min", "a"},
                                              {"x", "max", "b"},
                                              {"x", "var", "c"},
                                              {"x", "std", "d"},
                                              {"x", "count", "e"},
                                              {"x", "first", "f"},
                                              {"x", "last", "h"},
                                              {"y", "nunique", "i"},
                                              {"x", "size", "j"}})
                .compute(ex),
            true);
  got["filter_count\t"] = {std::to_string(df[df["x"] > 0.5].size(ex))};
  add_lines(got, "frame",
            df.agg({{"x", "sum", "a"},
                    {"x", "mean", "b"},
                    {"x", "count", "c"},
                    {"x", "min", "d"},
                    {"x", "max", "e"},
                    {"x", "var", "f"},
                    {"x", "std", "g"},
                    {"key", "nunique", "h"}})
                .compute(ex),
            false);
  auto z = df[df["key"].contains("a") & ~df["y"].is_null()].assign("z", df["x"] * 2 + df["y"]);
  add_lines(got, "assign", z.agg({{"z", "sum", "z"}}).compute(ex), false);
  add_lines(got, "value_counts", df.value_counts("key").compute(ex), true);
  check_lines(want, got);
}
