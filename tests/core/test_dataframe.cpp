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

using namespace shoal;

namespace {

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("shoal-df-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// A CSV that exercises every parsing rule, deterministic for a seed.
std::string generate_csv(unsigned seed, int rows) {
  std::mt19937_64 rng(seed);
  const char* keys[] = {"alpha", "\"b,eta\"", "\"ga\nmma\"", "Zürich", "日本", "\"\"", "delta", "a"};
  std::string out = "id,key,x,y\r\n";
  for (int i = 0; i < rows; ++i) {
    out += std::to_string(i) + ",";
    out += keys[rng() % 8];
    out += ",";
    switch (rng() % 6) {
      case 0: out += ""; break;
      case 1: out += "-" + std::to_string(rng() % 1000) + ".25e-2"; break;
      case 2: out += std::to_string(rng() % 100) + "E1"; break;
      default: out += std::to_string(static_cast<double>(rng() % 100000) / 1000.0 - 20); break;
    }
    out += ",";
    out += (rng() % 9 == 0) ? "NA" : std::to_string(static_cast<std::int64_t>(rng() % 200) - 100);
    out += (i % 3 == 0) ? "\r\n" : "\n";
  }
  return out;
}

std::string esc(std::string_view s) {
  std::string o;
  for (char c : s) o += c == '\n' ? std::string("\\n") : std::string(1, c);
  return o;
}

std::string cell(const Column& c, std::size_t i) {
  if (!c.is_valid(i)) return "nan";
  char buf[64];
  switch (c.type()) {
    case DataType::kFloat64: std::snprintf(buf, sizeof buf, "%.17g", c.float64s()[i]); return buf;
    case DataType::kString: return esc(c.string_at(i));
    case DataType::kBool: return c.bools()[i] ? "True" : "False";
    default: return std::to_string(c.int64s()[i]);
  }
}

// Lines "query\tkey\tvalue..." of a result table (first column is the key
// unless keyless).
void add_lines(std::map<std::string, std::vector<std::string>>& out, const std::string& q, const Table& t, bool keyed) {
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    std::string k = q + "\t" + (keyed ? cell(t.column(0), r) : "");
    for (std::size_t c = keyed ? 1 : 0; c < t.num_columns(); ++c) out[k].push_back(cell(t.column(c), r));
  }
}

const char* kDriver = R"PY(
import sys, math
import pandas as pd
df = pd.read_csv(sys.argv[1])
def esc(s): return str(s).replace("\n", "\\n")
def num(v):
    if v is None or (isinstance(v, float) and math.isnan(v)): return "nan"
    if isinstance(v, float): return repr(v)
    return str(v)
def emit(q, frame, keyed=True):
    for k, row in frame.iterrows():
        print("\t".join([q, esc(k) if keyed else ""] + [esc(v) if isinstance(v, str) else num(v) for v in row.tolist()]))
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

bool close_enough(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* ea;
  char* eb;
  double x = std::strtod(a.c_str(), &ea), y = std::strtod(b.c_str(), &eb);
  if (*ea || *eb) return false;
  if (std::isnan(x) && std::isnan(y)) return true;
  return std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
}

}  // namespace

TEST_CASE("expressions, assign, select, drop, rename on partitions") {
  Table t({"a", "s"}, {std::make_shared<const Column>(Column::from_int64({1, 2, 3, 4})),
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
  auto filled = DataFrame::from_tables({t}).assign("m", (df["a"] > 2).cast(DataType::kInt64)).compute(ex);
  CHECK(filled.column("m").int64s()[3] == 1);
}

TEST_CASE("expressions are data: the graph holds no lambdas") {
  Table t({"a"}, {std::make_shared<const Column>(Column::from_int64({1, 2}))});
  auto df = DataFrame::from_tables({t});
  Graph g = df[df["a"] > 1].groupby({"a"}).agg({{"a", "size"}}).graph();
  for (const Task& task : g.tasks()) CHECK_FALSE(task.op->local_only);
}

TEST_CASE("reductions and groupby agree with pandas") {
  auto path = (temp_dir() / "pandas.csv").string();
  std::ofstream(path, std::ios::binary) << generate_csv(7, 3000);
  auto driver = (temp_dir() / "driver.py").string();
  std::ofstream(driver) << kDriver;
  if (!std::filesystem::exists("/usr/bin/python3")) {
    MESSAGE("no /usr/bin/python3: pandas comparison skipped");
    return;
  }
  std::map<std::string, std::vector<std::string>> want, got;
  {
    FILE* p = ::popen(("/usr/bin/python3 " + driver + " " + path).c_str(), "r");
    REQUIRE(p);
    std::string text;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
    REQUIRE(::pclose(p) == 0);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> f;
      std::istringstream ls(line);
      for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
      REQUIRE(f.size() >= 2);
      want[f[0] + "\t" + f[1]] = std::vector<std::string>(f.begin() + 2, f.end());
    }
  }
  InlineExecutor ex;
  CsvOptions o;
  o.blocksize = 4096;  // many partitions, several combine levels
  auto df = read_csv(path, o);
  REQUIRE(df.npartitions() > 8);
  add_lines(got, "mean_sum", df.groupby({"key"}).agg({{"x", "mean"}, {"y", "sum"}}).compute(ex), true);
  add_lines(got, "stats",
            df.groupby({"key"})
                .agg(std::vector<Aggregation>{{"x", "min", "a"}, {"x", "max", "b"}, {"x", "var", "c"}, {"x", "std", "d"},
                                              {"x", "count", "e"}, {"x", "first", "f"}, {"x", "last", "h"},
                                              {"y", "nunique", "i"}, {"x", "size", "j"}})
                .compute(ex),
            true);
  got["filter_count\t"] = {std::to_string(df[df["x"] > 0.5].size(ex))};
  add_lines(got, "frame",
            df.agg({{"x", "sum", "a"}, {"x", "mean", "b"}, {"x", "count", "c"}, {"x", "min", "d"}, {"x", "max", "e"},
                    {"x", "var", "f"}, {"x", "std", "g"}, {"key", "nunique", "h"}})
                .compute(ex),
            false);
  auto z = df[df["key"].contains("a") & ~df["y"].is_null()].assign("z", df["x"] * 2 + df["y"]);
  add_lines(got, "assign", z.agg({{"z", "sum", "z"}}).compute(ex), false);
  add_lines(got, "value_counts", df.value_counts("key").compute(ex), true);
  CHECK(want.size() == got.size());
  for (const auto& [k, v] : want) {
    INFO("query ", k);
    REQUIRE(got.count(k));
    const auto& g = got[k];
    REQUIRE(g.size() == v.size());
    for (std::size_t i = 0; i < v.size(); ++i) CHECK_MESSAGE(close_enough(g[i], v[i]), g[i], " vs pandas ", v[i]);
  }
}
