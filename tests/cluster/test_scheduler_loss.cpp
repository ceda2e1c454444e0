// kill -9 of the scheduler: the client's run fails promptly with an error
// that says so (and so does any later run on that client, instead of
// waiting forever), the workers outlive it, and when a scheduler comes back
// on the same address they register with it anew and serve a new client.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>

#include "cluster_support.h"
#include "shoal/error.h"

using namespace shoal;
using namespace shoal::testing;

TEST_CASE("a lost scheduler fails the client's runs promptly, and workers join its successor") {
  TempDir traces("scheduler-loss");
  Cluster cluster(traced_cluster(traces, 2, 2));
  std::optional<Client> client(std::in_place, cluster.address());
  SlowGraph job = slow_map(1000, 20);
  {
    BackgroundRun run(*client, job, cluster.scheduler());
    run.wait_finished(trace_paths(traces, 2), 100);
    cluster.scheduler().send_signal(SIGKILL);
    const auto killed_at = Clock::now();
    CHECK_THROWS_WITH_AS(run.get(std::chrono::seconds(10)), doctest::Contains("lost the scheduler"),
                         Error);
    MESSAGE("the run failed " << ms_between(killed_at, Clock::now())
                              << " ms after the scheduler was killed");
  }
  const auto again_at = Clock::now();
  SlowGraph next = slow_map(10, 1);
  CHECK_THROWS_AS(run_within(*client, next, cluster.scheduler(), std::chrono::seconds(10)), Error);
  CHECK(ms_between(again_at, Clock::now()) < 5000);
  client.reset();

  // A new scheduler on the same port: the workers (retrying for 30 s) find it.
  const std::size_t from0 = cluster.worker(0).line_count(Stream::kStdout),
                    from1 = cluster.worker(1).line_count(Stream::kStdout);
  Process successor(kShoalExe,
                    {"scheduler", "--host", "127.0.0.1", "--port", std::to_string(cluster.port())});
  successor.wait_for_line(Stream::kStdout, std::regex("listening on"), std::chrono::seconds(10));
  cluster.wait_registered(0, from0, std::chrono::seconds(15));
  cluster.wait_registered(1, from1, std::chrono::seconds(15));
  Client fresh(cluster.address());
  CHECK(fresh.status().workers.size() == 2);
  SlowGraph third = slow_map(200, 5);
  CHECK(run_within(fresh, third, successor, std::chrono::seconds(60)) == third.expected_values);
}
