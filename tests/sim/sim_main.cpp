// shoal_sim: runs SchedulerCore through random fault schedules.
//
//   shoal_sim                        10,000 schedules from seed 1
//   shoal_sim --schedules 1000000    the soak
//   shoal_sim --seed 4711            one schedule, its whole event trace printed
//   shoal_sim --first-seed 5000 --schedules 100
//
// Exit status 0 when every schedule kept every invariant; 1 otherwise, after
// naming each failing seed and the invariant it broke (replay it with
// --seed). Schedules are independent: each is a pure function of its seed.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "regressions.h"
#include "simulation.h"

namespace {

struct Args {
  std::uint64_t first_seed = 1, schedules = 10000;
  bool one = false;
  std::uint64_t seed = 0;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return false;
    std::uint64_t v = std::stoull(argv[++i]);
    if (flag == "--seed") {
      a.one = true;
      a.seed = v;
    } else if (flag == "--schedules") {
      a.schedules = v;
    } else if (flag == "--first-seed") {
      a.first_seed = v;
    } else {
      return false;
    }
  }
  return true;
}

int replay(std::uint64_t seed) {
  shoal::sim::SimOutcome o = shoal::sim::simulate(seed, true);
  for (const std::string& line : o.trace) std::printf("%s\n", line.c_str());
  std::printf("seed %llu: %s (%zu events, %zu faults, %.3f s virtual)\n",
              static_cast<unsigned long long>(seed), o.ok ? "ok" : o.failure.c_str(), o.events,
              o.faults, o.virtual_seconds);
  return o.ok ? 0 : 1;
}

// Fixed seeds first (bugs found once stay found), then the random range.
int sweep(const Args& a) {
  auto start = std::chrono::steady_clock::now();
  std::size_t failed = 0, events = 0, runs = 0;
  auto one = [&](std::uint64_t seed) {
    shoal::sim::SimOutcome o = shoal::sim::simulate(seed, false);
    events += o.events;
    ++runs;
    if (o.ok) return;
    if (++failed <= 20) {
      std::printf("seed %llu FAILED: %s (replay: shoal_sim --seed %llu)\n",
                  static_cast<unsigned long long>(seed), o.failure.c_str(),
                  static_cast<unsigned long long>(seed));
    }
  };
  for (std::uint64_t seed : shoal::sim::kRegressionSeeds) one(seed);
  for (std::uint64_t s = 0; s < a.schedules; ++s) one(a.first_seed + s);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%zu schedules (%zu regression seeds), %zu events, %zu failed, %.1f s, %.0f schedules/s\n",
      runs, std::size(shoal::sim::kRegressionSeeds), events, failed, secs,
      static_cast<double>(runs) / secs);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr, "usage: shoal_sim [--seed N | --schedules K [--first-seed S]]\n");
    return 2;
  }
  return a.one ? replay(a.seed) : sweep(a);
}
