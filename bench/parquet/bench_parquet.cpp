// One query of the Parquet benchmark, on one thread (InlineExecutor), timed
// from planning to the result in memory. Prints `seconds: S` and a digest.
// Usage: bench_parquet q1|q3|q10|proj parquet|csv PATH
//        bench_parquet convert CSV OUT.parquet   (Shoal's own Parquet file)
#include <chrono>
#include <cstdio>
#include <string>

#include "shoal/csv.h"
#include "shoal/inline_executor.h"
#include "shoal/parquet.h"

namespace {

shoal::DataFrame load(const std::string& format, const std::string& path,
                      std::vector<std::string> columns) {
  if (format == "csv") {
    shoal::CsvOptions o;
    o.usecols = columns;
    return shoal::read_csv(path, o);
  }
  shoal::ParquetReadOptions o;
  o.columns = std::move(columns);
  return shoal::read_parquet(path, o);
}

std::string run(const std::string& q, const std::string& format, const std::string& path,
                shoal::Executor& ex) {
  using shoal::Table;
  if (q == "q1") {  // sum v1 by id1
    Table t = load(format, path, {"id1", "v1"}).groupby({"id1"}).agg({{"v1", "sum"}}).compute(ex);
    return std::to_string(t.num_rows()) + " groups";
  }
  if (q == "q3") {  // sum v1, mean v3 by id3
    Table t = load(format, path, {"id3", "v1", "v3"})
                  .groupby({"id3"})
                  .agg({{"v1", "sum"}, {"v3", "mean"}})
                  .compute(ex);
    return std::to_string(t.num_rows()) + " groups";
  }
  if (q == "q10") {  // sum v3, count v1 by id1..id6
    Table t = load(format, path, {"id1", "id2", "id3", "id4", "id5", "id6", "v1", "v3"})
                  .groupby({"id1", "id2", "id3", "id4", "id5", "id6"})
                  .agg({{"v3", "sum"}, {"v1", "count"}})
                  .compute(ex);
    return std::to_string(t.num_rows()) + " groups";
  }
  // proj: one column, summed
  Table t = load(format, path, {"v3"}).sum().compute(ex);
  return "sum v3 = " + std::to_string(t.column(0).float64s()[0]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: bench_parquet q1|q3|q10|proj parquet|csv PATH\n"
                 "       bench_parquet convert CSV OUT.parquet\n");
    return 2;
  }
  std::string q = argv[1];
  shoal::InlineExecutor ex;
  auto t0 = std::chrono::steady_clock::now();
  std::string digest;
  if (q == "convert") {
    std::string out = argv[3];
    auto paths = shoal::to_parquet(shoal::read_csv(argv[2]).repartition(1), out + ".tmp-*", {}, ex);
    std::rename(paths.at(0).c_str(), out.c_str());
    digest = out;
  } else {
    digest = run(q, argv[2], argv[3], ex);
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("result: %s\nseconds: %.3f\n", digest.c_str(), s);
  return 0;
}
