// kill -9 of a worker in the middle of a ~20 s map of 20 ms tasks (see
// kill_worker.h for what is checked and how): n independent tasks whose
// int64 results all come back, as client.map(inc, range(n)) + gather.
#include "kill_worker.h"

using namespace shoal;
using namespace shoal::testing;

TEST_CASE(
    "kill -9 of a worker during a map: correct results, bounded re-runs, loss logged at once") {
  kill_repeatedly(slow_map(2600, 20));
}
