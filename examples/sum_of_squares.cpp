// The README's first program: 100 delayed squares and their sum.
#include <cstdio>

#include "shoal/delayed.h"
#include "shoal/local_cluster.h"

// Registered by name, so any worker that links it can run it.
SHOAL_FUNCTION(square, [](std::int64_t x) { return x * x; });
SHOAL_FUNCTION(total, [](std::vector<std::int64_t> xs) {
  std::int64_t s = 0;
  for (auto x : xs) s += x;
  return s;
});

int main() {
  std::vector<shoal::Delayed<std::int64_t>> squares;
  for (std::int64_t i = 0; i < 100; ++i) squares.push_back(shoal::delayed(square)(i));
  auto sum = shoal::delayed(total)(squares);  // nothing has run yet: a 101-task graph
  std::printf("%lld\n", static_cast<long long>(sum.compute()));  // 328350, on the LocalCluster
}
