// Embarrassingly parallel: 1000 seeded tasks each throw darts at the unit
// square, then a tree of sums reduces their hit counts to an estimate of pi.
// Seeds make every task deterministic, so a rerun (or a recomputation after a
// failure) gives the same answer.
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "shoal/delayed.h"
#include "shoal/local_cluster.h"

SHOAL_FUNCTION(count_hits, [](std::int64_t seed, std::int64_t darts) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::int64_t hits = 0;
  for (std::int64_t i = 0; i < darts; ++i) {
    double x = unit(rng), y = unit(rng);
    hits += x * x + y * y <= 1.0;
  }
  return hits;
});

SHOAL_FUNCTION(add_all, [](std::vector<std::int64_t> xs) {
  std::int64_t s = 0;
  for (auto x : xs) s += x;
  return s;
});

int main() {
  constexpr std::int64_t kTasks = 1000, kDarts = 20000;
  std::vector<shoal::Delayed<std::int64_t>> level;
  for (std::int64_t seed = 0; seed < kTasks; ++seed) {
    level.push_back(shoal::delayed(count_hits)(seed, kDarts));
  }
  while (level.size() > 1) {  // fan-in 8 tree reduction
    std::vector<shoal::Delayed<std::int64_t>> next;
    for (std::size_t i = 0; i < level.size(); i += 8) {
      std::vector<shoal::Delayed<std::int64_t>> group(
          level.begin() + static_cast<std::ptrdiff_t>(i),
          level.begin() + static_cast<std::ptrdiff_t>(std::min(level.size(), i + 8)));
      next.push_back(shoal::delayed(add_all)(group));
    }
    level = std::move(next);
  }
  // compute() without an executor runs on the process-wide LocalCluster.
  std::int64_t hits = level[0].compute();
  double pi = 4.0 * static_cast<double>(hits) / static_cast<double>(kTasks * kDarts);
  std::printf("%lld of %lld darts hit: pi ~= %.5f\n", static_cast<long long>(hits),
              static_cast<long long>(kTasks * kDarts), pi);
  return 0;
}
