// kill -9 of a worker in the middle of a ~20 s tree reduction of 20 ms tasks
// (see kill_worker.h for what is checked and how). Leaves and first-level
// sums return 96 KiB, above the workers' inline limit, so they stay on the
// worker that computed them and the kill loses data, not only running tasks.
#include "kill_worker.h"

using namespace shoal;
using namespace shoal::testing;

TEST_CASE(
    "kill -9 of a worker during a tree reduction: correct result, bounded re-runs, loss logged at "
    "once") {
  // 2304 leaves at fan-in 8: 2634 tasks of 20 ms, ~10 s on 4 threads before
  // the kill and twice as slow on 2 after it.
  kill_repeatedly(slow_tree(2304, 8, 20, 96 * 1024));
}
