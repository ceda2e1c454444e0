// Statistics of a chunked random array: the graph is built lazily, chunk by
// chunk, and runs on the default executor (a LocalCluster).
//
//   x = normal(mean 10, std 2), 4000 x 3000 in 1000 x 1000 chunks
//   mean, std, the column whose mean is largest, and the share of x > 12
#include <cstdio>

#include "shoal/array.h"
#include "shoal/local_cluster.h"

int main() {
  shoal::Array x = shoal::random::normal({4000, 3000}, {1000, 1000}, /*seed=*/2026, 10.0, 2.0);
  // Nothing has run yet: each line adds tasks to the graph.
  shoal::Array mean = x.mean();
  shoal::Array std = x.std();
  shoal::Array best_column = x.mean(0).argmax();
  shoal::Array above = (x > 12.0).astype(shoal::DType::kFloat64).mean();
  std::printf("mean %.4f, std %.4f, column %lld has the largest mean, %.2f%% above 12\n",
              mean.compute().values<double>()[0], std.compute().values<double>()[0],
              static_cast<long long>(best_column.compute().values<std::int64_t>()[0]),
              100.0 * above.compute().values<double>()[0]);
  return 0;
}
