// One db-benchmark question on Shoal's public DataFrame API, on a
// LocalCluster of 2 workers of one thread. The columns the question needs
// are read from the CSV and persisted (timed as `read_s`), then the
// question runs on them into one Table in memory (`query_s`), as every
// engine of bench/dbbench does. Prints `read_s: S`, `query_s: S` and
// `digest: n=ROWS col=SUM ...` (the sums of the result's value columns,
// nulls skipped: order-independent, compared across engines by `run`), or
// `na: REASON` when Shoal cannot answer the question. With --scan, nothing
// is persisted: the question reads the CSV as part of its graph (Shoal's
// fused scan, its natural way), and `read_s` is 0.
// Usage: dbbench_shoal q1..q10 G.csv [--null-keys] [--scan]
//        dbbench_shoal j1..j5 X.csv Y.csv [--scan]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "questions.h"
#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/local_cluster.h"

namespace {

using shoal::DataFrame;
using namespace shoal::dbbench;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string digest(const shoal::Table& t, const std::vector<std::string>& out) {
  std::string d = "n=" + std::to_string(t.num_rows());
  for (const auto& name : out) {
    const shoal::Column& c = t.column(name);
    double sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (!c.is_valid(i)) continue;
      double v = c.type() == shoal::DataType::kInt64 ? static_cast<double>(c.int64s()[i])
                                                     : c.float64s()[i];
      if (v == v) sum += v;  // NaN (e.g. a mean of nothing) is skipped, as a null
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, " %s=%.17g", name.c_str(), sum);
    d += buf;
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  bool null_keys = false, scan = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--null-keys") {
      null_keys = true;
    } else if (a == "--scan") {
      scan = true;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr,
                 "usage: dbbench_shoal q1..q10 G.csv [--null-keys] [--scan]\n"
                 "       dbbench_shoal j1..j5 X.csv Y.csv [--scan]\n");
    return 2;
  }
  std::string name = argv[1];
  shoal::LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  auto load = [&](const std::string& path, const shoal::CsvOptions& o) {
    DataFrame df = shoal::read_csv(path, o);
    return scan ? df : df.persist(cluster);
  };
  shoal::Table result;
  std::vector<std::string> out;
  double read_s = 0, query_s = 0;
  if (auto j = kJoins.find(name); j != kJoins.end()) {
    if (files.size() < 2) return 2;
    auto t0 = std::chrono::steady_clock::now();
    DataFrame x = load(files[0], {});
    DataFrame y = load(files[1], {});
    read_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    result = shoal::merge(x, y, {.on = {j->second.on}, .how = j->second.how}).compute(cluster);
    query_s = seconds_since(t0);
    out = {"v1", "v2"};
  } else {
    auto it = groupby_questions().find(name);
    if (it == groupby_questions().end()) {
      std::fprintf(stderr, "dbbench_shoal: no question %s\n", name.c_str());
      return 2;
    }
    const Question& q = it->second;
    if (!q.run) {
      std::printf("na: Shoal lacks %s\n", q.missing.c_str());
      return 0;
    }
    auto t0 = std::chrono::steady_clock::now();
    DataFrame df = load(files[0], {.usecols = q.usecols});
    read_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    result = q.run(null_keys ? keep_null_keys(df, q.keys) : df).compute(cluster);
    query_s = seconds_since(t0);
    out = q.out;
  }
  std::printf("read_s: %.3f\nquery_s: %.3f\ndigest: %s\n", read_s, query_s,
              digest(result, out).c_str());
  return 0;
}
