// Full task scheduling with Delayed: a multi-stage DAG of ordinary C++
// functions — load, clean, summarize per shard, then join the summaries —
// recorded lazily and run in parallel on the embedded LocalCluster.
//
//   load(i) -> clean -> stats --+
//   load(j) -> clean -> stats --+--> merge --> report
//   ...                         |
//   reference() ----------------+
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <vector>

#include "shoal/delayed.h"
#include "shoal/local_cluster.h"
#include "shoal/visualize.h"

// Registered functions run by name, so the same graph could run on a remote
// cluster whose workers register them too.
SHOAL_FUNCTION(load_shard, [](std::int64_t shard) {
  std::vector<double> xs(10000);
  for (std::size_t i = 0; i < xs.size(); ++i) {  // deterministic "measurements"
    xs[i] = std::sin(static_cast<double>(shard * 10000 + static_cast<std::int64_t>(i))) * 10;
  }
  return xs;
});

SHOAL_FUNCTION(clean, [](std::vector<double> xs) {
  std::erase_if(xs, [](double x) { return x < -9.0; });  // drop outliers
  return xs;
});

// Per shard: count, sum and sum of squares, enough for a global mean and std.
SHOAL_FUNCTION(shard_stats, [](std::vector<double> xs) {
  double sum = std::accumulate(xs.begin(), xs.end(), 0.0);
  double sq = std::inner_product(xs.begin(), xs.end(), xs.begin(), 0.0);
  return std::vector<double>{static_cast<double>(xs.size()), sum, sq};
});

SHOAL_FUNCTION(merge_stats, [](std::vector<std::vector<double>> parts) {
  std::vector<double> total{0, 0, 0};
  for (const auto& p : parts) {
    for (int k = 0; k < 3; ++k) total[k] += p[k];
  }
  return total;
});

int main(int argc, char** argv) {
  shoal::LocalCluster cluster({.workers = 2, .threads_per_worker = 1});

  std::vector<shoal::Delayed<std::vector<double>>> stats;
  for (std::int64_t shard = 0; shard < 16; ++shard) {
    auto raw = shoal::delayed(load_shard)(shard);
    auto cleaned = shoal::delayed(clean)(raw);
    stats.push_back(shoal::delayed(shard_stats)(cleaned));
  }
  // A list of Delayed values becomes one argument: a List of their results.
  auto total = shoal::delayed(merge_stats)(stats);
  auto mean = shoal::delayed([](std::vector<double> t) { return t[1] / t[0]; })(total);
  auto stddev = shoal::delayed(
      [](std::vector<double> t, double m) { return std::sqrt(t[2] / t[0] - m * m); })(total, mean);

  std::printf("graph: %zu tasks\n", stddev.graph().size());
  auto [n, m, s] = shoal::compute(cluster, shoal::delayed([](std::vector<double> t) {
                                    return static_cast<std::int64_t>(t[0]);
                                  })(total),
                                  mean, stddev);
  std::printf("kept %lld measurements of 160000, mean %.6f, std %.6f\n", static_cast<long long>(n),
              m, s);
  if (argc > 1) {
    shoal::visualize(stddev, argv[1]);  // e.g. pipeline.svg
    std::printf("wrote %s\n", argv[1]);
  }
  return 0;
}
