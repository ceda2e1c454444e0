// Seeds whose schedules once broke an invariant (each a bug since fixed),
// replayed first by every run of shoal_sim. Add the seed of every real bug
// the simulator finds, with a line on what it was.
#pragma once

#include <cstdint>

namespace shoal::sim {

inline constexpr std::uint64_t kRegressionSeeds[] = {
    6,        // a run whose output is a future named its holder, not its address
    1105,     // InputMissing forgot a frozen holder's copy without releasing it: leaked
    364,      // the same leak, with a kept chain of futures
    1216636,  // (the model's client) resubmitted at once after a kill -9, before the
              // scheduler could know; the scheduler named the dead holder 11 times
};

}  // namespace shoal::sim
