// A deterministic simulation of a Shoal cluster around the real
// SchedulerCore: simulated worker processes and one client on a virtual
// clock, every choice drawn from one seeded RNG, so that a seed names one
// schedule and replays it exactly.
//
// Faults it draws: workers join late, die (kill -9) and may be restarted,
// freeze and thaw (SIGSTOP/SIGCONT), straggle (tasks 10x slower), lose the
// network for a while and heal; a cut or freeze longer than the transport's
// timeout closes the connection. Messages are delayed, reordered between
// different peers (never on one connection: TCP), and heartbeats duplicated;
// reports of removed workers still arrive. Tasks throw and are retried.
//
// After every event the invariants (invariants.h) are checked; at the end,
// every output against a serial evaluation, and that the schedule ended
// within a virtual-time bound.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shoal::sim {

struct SimOutcome {
  bool ok = true;
  std::string failure;             // the invariant that failed, and how
  std::vector<std::string> trace;  // every event, when asked for
  double virtual_seconds = 0;
  std::size_t events = 0;
  std::size_t faults = 0;
};

/// Runs the schedule of `seed`; with `trace`, records every event.
SimOutcome simulate(std::uint64_t seed, bool trace);

}  // namespace shoal::sim
