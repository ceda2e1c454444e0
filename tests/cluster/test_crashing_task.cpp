// A task that crashes every worker it runs on: the scheduler gives it to
// another worker after each death, and once 3 workers died running it (the
// scheduler's default --allowed-failures) the run fails with an error that
// names the task and says why, instead of killing the whole cluster one
// worker after another or waiting forever. The other tasks of the graph
// are not what failed.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>

#include "cluster_support.h"
#include "shoal/error.h"

using namespace shoal;
using namespace shoal::testing;

TEST_CASE("a task on which 3 workers died fails the run as 'killed worker', naming the task") {
  TempDir traces("crash");
  Cluster cluster(traced_cluster(traces, 4, 1));
  Client client(cluster.address());
  SlowGraph g = slow_map(20, 10);
  Task crash;
  crash.key = Key("crash-" + tokenize("crash"), {0});
  crash.op = OpRegistry::global().get("test.crash");
  crash.args = {Arg(g.outputs[0])};
  g.graph.add(crash);
  g.outputs.push_back(crash.key);

  const auto start = Clock::now();
  try {
    run_within(client, g, cluster.scheduler(), std::chrono::seconds(60));
    FAIL("the run succeeded although its task kills every worker");
  } catch (const TaskError& e) {
    MESSAGE("failed after " << ms_between(start, Clock::now()) << " ms: " << std::string(e.what()));
    CHECK(e.key() == crash.key.str());
    CHECK(e.op() == "test.crash");
    CHECK(e.message().find("killed worker") != std::string::npos);
  }
  std::size_t dead = 0;
  for (std::size_t i = 0; i < cluster.num_workers(); ++i)
    dead += cluster.worker(i).running() ? 0 : 1;
  CHECK(dead == 3);  // not a fourth: the task is not tried again
  ClusterStatus s = client.status();
  CHECK(s.workers_lost == 3);
  CHECK(s.workers.size() == 1);
  CHECK(cluster.scheduler().running());
  SlowGraph next = slow_map(20, 1);  // the survivor still serves
  CHECK(run_within(client, next, cluster.scheduler(), std::chrono::seconds(30)) ==
        next.expected_values);
}
