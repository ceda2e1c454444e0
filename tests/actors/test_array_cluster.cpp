// Array on LocalCluster: a random array's (x + x.T).mean(0).sum() and a
// blocked matmul give what InlineExecutor gives.
#include <doctest/doctest.h>

#include "shoal/array.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

using namespace shoal;

TEST_CASE("array reductions on a LocalCluster equal the inline result") {
  Array x = random::uniform({300, 300}, {70, 70}, 11);
  Array q = (x + x.T()).mean(0).sum();
  Array m = matmul(x[{Slice{0, 100}}], x[{Slice{}, Slice{0, 50}}]).argmax(Reduce{{1}});
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  InlineExecutor inline_executor;
  CHECK(q.compute(cluster) == q.compute(inline_executor));
  CHECK(m.compute(cluster) == m.compute(inline_executor));
  CHECK(x.std(Reduce{{0, 1}, true, 1, 3}).compute(cluster) ==
        x.std(Reduce{{0, 1}, true, 1, 3}).compute(inline_executor));
}
