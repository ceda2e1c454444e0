// The db-benchmark questions Shoal answers (bench/dbbench/questions.h, the
// bench driver's own), on small generated data (bench/dbbench/datagen.h:
// 1e5 rows, K = 100 and K = 1e4, 5% nulls; the join data at 1e5 rows),
// checked cell by cell against pandas: floats within 1e-9 relative, row
// order ignored. Each groupby question is checked twice: as Shoal answers
// it (null keys dropped, pandas' dropna=True) and as the bench asks it
// (null keys filled first, keep_null_keys).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dbbench/datagen.h"
#include "dbbench/questions.h"
#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/inline_executor.h"
#include "support/pandas.h"

using namespace shoal;
using namespace shoal::test;

namespace {

// argv: groupby CSV QUESTIONS... | join X SMALL MEDIUM BIG. Prints
// "question\tkeys\tcells" lines; "qN+" is qN with null keys filled.
const std::string kDriver = std::string(kPandasPrelude) + R"PY(
IDS = ["id1", "id2", "id3", "id4", "id5", "id6"]
def emit_keyed(q, frame, nkeys):
    for row in frame.reset_index().itertuples(index=False):
        print("\t".join([q, "|".join(fmt(v) for v in row[:nkeys])] + [fmt(v) for v in row[nkeys:]]))
def question(x, q):
    g = lambda *keys: x.groupby(list(keys))
    if q == "q1": return g("id1").agg(v1=("v1", "sum"))
    if q == "q2": return g("id1", "id2").agg(v1=("v1", "sum"))
    if q == "q3": return g("id3").agg(v1=("v1", "sum"), v3=("v3", "mean"))
    if q == "q4": return g("id4").agg(v1=("v1", "mean"), v2=("v2", "mean"), v3=("v3", "mean"))
    if q == "q5": return g("id6").agg(v1=("v1", "sum"), v2=("v2", "sum"), v3=("v3", "sum"))
    if q == "q7":
        a = g("id3").agg(a=("v1", "max"), b=("v2", "min"))
        return (a["a"] - a["b"]).to_frame("range_v1_v2")
    if q == "q10": return g(*IDS).agg(v3=("v3", "sum"), count=("v1", "size"))
    raise SystemExit(f"no pandas question {q}: add it to test_dbbench.cpp")
if sys.argv[1] == "groupby":
    x = pd.read_csv(sys.argv[2])
    for c in ["id4", "id5", "id6"]: x[c] = x[c].astype("Int64")  # ints, nulls apart
    filled = x.copy()
    for c in ["id1", "id2", "id3"]: filled[c] = filled[c].fillna("")
    for c in ["id4", "id5", "id6"]: filled[c] = filled[c].fillna(-1)
    for q in sys.argv[3:]:
        for name, frame in [(q, x), (q + "+", filled)]:
            a = question(frame, q)
            emit_keyed(name, a, a.index.nlevels)
else:
    x, small, medium, big = (pd.read_csv(p) for p in sys.argv[2:6])
    joins = {"j1": (small, "id1", "inner"), "j2": (medium, "id2", "inner"),
             "j3": (medium, "id2", "left"), "j4": (medium, "id5", "inner"), "j5": (big, "id3", "inner")}
    for q, (y, on, how) in joins.items():
        m = x.merge(y, on=on, how=how)
        # x's id3 names a row: every x key once (the right keys are unique).
        m = m.set_index("id3")
        emit_keyed(q, m, 1)
)PY";

void add_keyed(Lines& out, const std::string& q, const Table& t,
               const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    std::string k;
    for (std::size_t i = 0; i < keys.size(); ++i) k += (i ? "|" : "") + cell(t.column(keys[i]), r);
    auto& cells = out[q + "\t" + k];
    CHECK_MESSAGE(cells.empty(), "two rows for ", q, " ", k);
    for (const auto& name : values) cells.push_back(cell(t.column(name), r));
  }
}

void check_groupby(std::uint64_t k) {
  auto dir = temp_dir("dbbench-" + std::to_string(k));
  std::string path = (dir / "G1.csv").string();
  dbbench::groupby(100000, k, 5, path.c_str());
  InlineExecutor ex;
  Lines got;
  std::string args = "groupby " + path;
  for (const auto& [name, q] : dbbench::groupby_questions()) {
    if (!q.run) continue;  // Shoal lacks what it needs: bench reports it n/a
    args += " " + name;
    DataFrame df = read_csv(path, {.usecols = q.usecols});
    add_keyed(got, name, q.run(df).compute(ex), q.keys, q.out);
    add_keyed(got, name + "+", q.run(dbbench::keep_null_keys(df, q.keys)).compute(ex), q.keys,
              q.out);
  }
  check_lines(run_pandas(kDriver, args), got);
}

}  // namespace

TEST_CASE("db-benchmark groupby questions equal pandas' at 1e5 rows, K = 100, 5% nulls") {
  if (!have_pandas()) return;
  check_groupby(100);
}

TEST_CASE("db-benchmark groupby questions equal pandas' at 1e5 rows, K = 1e4, 5% nulls") {
  if (!have_pandas()) return;
  check_groupby(10000);
}

TEST_CASE("db-benchmark join questions equal pandas' at 1e5 rows") {
  if (!have_pandas()) return;
  auto dir = temp_dir("dbbench-join");
  std::vector<std::string> paths;
  for (const char* t : {"x", "small", "medium", "big"})
    paths.push_back((dir / (std::string(t) + ".csv")).string());
  const char* p[] = {paths[0].c_str(), paths[1].c_str(), paths[2].c_str(), paths[3].c_str()};
  dbbench::join(100000, 0, p);
  InlineExecutor ex;
  DataFrame x = read_csv(paths[0]);
  std::map<std::string, std::string> right = {
      {"j1", paths[1]}, {"j2", paths[2]}, {"j3", paths[2]}, {"j4", paths[2]}, {"j5", paths[3]}};
  Lines got;
  for (const auto& [name, j] : dbbench::kJoins) {
    Table t = merge(x, read_csv(right[name]), {.on = {j.on}, .how = j.how}).compute(ex);
    std::vector<std::string> values;
    for (const auto& c : t.names())
      if (c != "id3") values.push_back(c);
    add_keyed(got, name, t, {"id3"}, values);
  }
  check_lines(
      run_pandas(kDriver, "join " + paths[0] + " " + paths[1] + " " + paths[2] + " " + paths[3]),
      got);
}
