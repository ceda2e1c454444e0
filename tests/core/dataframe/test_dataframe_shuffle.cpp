// DataFrame operations that move rows between partitions — merge (broadcast
// and shuffled), sort_values, set_index, groupby with split_out, shuffle,
// repartition — and describe and to_csv, checked against pandas on the
// generated CSV of support/pandas.h, split into many partitions.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "support/pandas.h"

using namespace shoal;
using namespace shoal::test;

namespace {

// Keys of the data (alpha twice: several matches), a null key, and zeta,
// which the data lacks; x overlaps the data's x (suffixes).
const char* kLookup =
    "key,w,x\nalpha,1.5,10\n\"b,eta\",2,20\nZürich,3,30\n日本,4,40\n\"\",5,50\nzeta,6,60\nalpha,7,"
    "70\n";

const std::string kDriver = std::string(kPandasPrelude) + R"PY(
import glob
df = pd.read_csv(sys.argv[1])
lk = pd.read_csv(sys.argv[2])
for how in ["inner", "left", "right", "outer"]:
    m = df.merge(lk, on="key", how=how)
    emit_numbered("merge_" + how, m.sort_values(["id", "key", "w"], na_position="last", kind="stable"))
m = lk.merge(df, on="key", how="inner")
emit_numbered("merge_small_left", m.sort_values(["id", "key", "w"], na_position="last", kind="stable"))
emit_numbered("sort_x", df.sort_values("x", kind="stable")[["id"]])
emit_numbered("sort_key_desc", df.sort_values("key", ascending=False, kind="stable")[["id"]])
emit_numbered("sort_key_x", df.sort_values(["key", "x"], kind="stable")[["id"]])
emit("split_out", df.groupby("key").agg(x=("x", "mean"), y=("y", "sum")))
emit("describe", df.describe())
parts = sorted(glob.glob(sys.argv[3]), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
back = pd.concat([pd.read_csv(p) for p in parts], ignore_index=True)
print("\t".join(["to_csv", "", str(back.equals(df)), str(len(parts))]))
)PY";

Table sorted_by(const Table& t, std::vector<std::string> names) {
  std::vector<SortKey> keys;
  for (auto& n : names) keys.push_back({n, true});
  return sort_table(t, keys);
}

Table ids(const Table& t) {
  return select(t, std::vector<std::string>{"id"});
}

struct Data {
  std::filesystem::path dir = temp_dir("df-shuffle");
  std::string csv = (dir / "data.csv").string();
  std::string lookup = (dir / "lookup.csv").string();
  Data() {
    std::ofstream(csv, std::ios::binary) << generate_csv(11, 2500);
    std::ofstream(lookup, std::ios::binary) << kLookup;
  }
  DataFrame frame() const {
    CsvOptions o;
    o.blocksize = 4096;  // about 20 partitions
    return read_csv(csv, o);
  }
};

}  // namespace

TEST_CASE("merge, sort, split_out groupby, describe and to_csv agree with pandas") {
  if (!have_pandas()) {
    MESSAGE("no /usr/bin/python3: pandas comparison skipped");
    return;
  }
  Data data;
  InlineExecutor ex;
  DataFrame df = data.frame(), lk = read_csv(data.lookup);
  REQUIRE(df.npartitions() > 8);
  Lines got;
  for (const char* how : {"inner", "left", "right", "outer"}) {
    for (std::size_t threshold : {std::size_t{4}, std::size_t{0}}) {  // broadcast, then shuffled
      MergeOptions o{.on = {"key"},
                     .how = parse_join_how(how),
                     .broadcast_threshold = threshold,
                     .npartitions = 5};
      DataFrame m = merge(df, lk, o);
      Table t = m.compute(ex);
      CHECK(t.names() == m.columns());
      Lines one;
      add_lines(one, std::string("merge_") + how, sorted_by(t, {"id", "key", "w"}), false, true);
      got.insert(one.begin(), one.end());
    }
  }
  DataFrame small_left = merge(lk, df, {.on = {"key"}});
  CHECK(small_left.npartitions() == df.npartitions());  // broadcast: one task per big partition
  add_lines(got, "merge_small_left", sorted_by(small_left.compute(ex), {"id", "key", "w"}), false,
            true);

  add_lines(got, "sort_x", ids(df.sort_values({{"x", true}}, ex).compute(ex)), false, true);
  add_lines(got, "sort_key_desc", ids(df.sort_values({{"key", false}}, ex).compute(ex)), false,
            true);
  add_lines(got, "sort_key_x", ids(df.sort_values({{"key", true}, {"x", true}}, ex).compute(ex)),
            false, true);

  DataFrame split = df.groupby({"key"}).agg({{"x", "mean", ""}, {"y", "sum", ""}}, 3);
  CHECK(split.npartitions() == 3);
  add_lines(got, "split_out", sorted_by(split.compute(ex), {"key"}), true);
  add_lines(got, "describe", df.describe().compute(ex), true);

  auto written = df.to_csv((data.dir / "out-*.csv").string(), ex);
  CHECK(written.size() == df.npartitions());
  got["to_csv\t"] = {"True", std::to_string(written.size())};

  check_lines(run_pandas(kDriver, data.csv + " " + data.lookup + " '" +
                                      (data.dir / "out-*.csv").string() + "'"),
              got);
  std::filesystem::remove_all(data.dir);
}

TEST_CASE("shuffle puts each key in one partition; repartition keeps the rows in order") {
  Data data;
  InlineExecutor ex;
  DataFrame df = data.frame();
  Table all = df.compute(ex);
  DataFrame sh = df.shuffle({"key"}, 4);
  REQUIRE(sh.npartitions() == 4);
  std::map<std::string, std::set<std::size_t>> where;
  std::size_t rows = 0;
  auto parts = ex.run(sh.graph(), sh.keys());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const Table& t = parts[p].as_table();
    rows += t.num_rows();
    for (std::size_t r = 0; r < t.num_rows(); ++r) where[cell(t.column("key"), r)].insert(p);
  }
  CHECK(rows == all.num_rows());
  for (const auto& [key, ps] : where) CHECK_MESSAGE(ps.size() == 1, key);
  CHECK(sorted_by(sh.compute(ex), {"id"}) == all);

  for (std::size_t n : {1, 3, 50}) {
    DataFrame re = df.repartition(n);
    CHECK(re.npartitions() == n);
    CHECK(re.compute(ex) == all);
  }
}

TEST_CASE("set_index sorts by the column and knows its divisions") {
  Data data;
  InlineExecutor ex;
  DataFrame ix = data.frame().set_index("x", ex);
  CHECK(ix.index_name() == "x");
  CHECK(ix.columns().front() == "x");
  REQUIRE(ix.divisions());
  const Column& d = *ix.divisions();
  CHECK(d.size() + 1 == ix.npartitions());
  CHECK(d.size() > 4);
  auto parts = ex.run(ix.graph(), ix.keys());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const Column& x = parts[p].as_table().column("x");
    for (std::size_t r = 0; r < x.size(); ++r) {
      if (!x.is_valid(r)) continue;  // nulls sort last, into the last partition
      if (p > 0) CHECK(compare_values(d, p - 1, x, r) <= 0);
      if (p < d.size()) CHECK(compare_values(x, r, d, p) < 0);
    }
  }
}

TEST_CASE("shuffles refuse bad arguments with a clear error") {
  Data data;
  DataFrame df = data.frame();
  Table t({"key"}, {std::make_shared<const Column>(Column::from_int64({1, 2}))});
  auto ints = DataFrame::from_tables({t});
  CHECK_THROWS_WITH_AS(merge(df, ints, {.on = {"key"}}),
                       doctest::Contains("is string on the left but int64"), Error);
  CHECK_THROWS_WITH_AS(merge(df, df, {.on = {"nope"}}), doctest::Contains("nope"), Error);
  CHECK_THROWS_WITH_AS(parse_join_how("cross"), doctest::Contains("inner, left, right, outer"),
                       Error);
  CHECK_THROWS_WITH_AS(df.to_csv(""), doctest::Contains("give the file"), Error);
  CHECK_THROWS_AS(df.repartition(0), Error);
  CHECK_THROWS_AS(df.sort_values("nope"), Error);
  CHECK_THROWS_AS(df.shuffle({}), Error);
  std::filesystem::remove_all(data.dir);
}

TEST_CASE("to_csv without '*' writes one file: one header, the partitions in order") {
  Data data;
  InlineExecutor ex;
  DataFrame df = data.frame();
  REQUIRE(df.npartitions() > 8);
  const std::string one = (data.dir / "one.csv").string();
  CHECK(df.to_csv(one, ex) == std::vector<std::string>{one});
  std::ifstream in(one, std::ios::binary);
  std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(written == format_csv(df.compute(ex)));
  for (const auto& entry : std::filesystem::directory_iterator(data.dir))
    CHECK(entry.path().string().find(".part-") == std::string::npos);  // no parts left behind
  std::filesystem::remove_all(data.dir);
}

TEST_CASE("format_csv writes floats as Python's repr and quotes what needs it") {
  Table t({"f", "s", "b"},
          {std::make_shared<const Column>(
               Column::from_float64({0.1, 1.0, 1e-5, 1e16, -0.0, 123.456, 1e22, 0.0001})),
           std::make_shared<const Column>(
               Column::from_strings({"a,b", "q\"", "l\nn", "", "x", "y", "z", "w"})),
           std::make_shared<const Column>(
               Column::from_bools({true, false, true, false, true, false, true, false}))});
  CHECK(format_csv(t) ==
        "f,s,b\n0.1,\"a,b\",True\n1.0,\"q\"\"\",False\n1e-05,\"l\nn\",True\n1e+16,,False\n-0.0,x,"
        "True\n"
        "123.456,y,False\n1e+22,z,True\n0.0001,w,False\n");
}
