// A frozen worker (SIGSTOP): alive to the kernel, so its connections stay
// open, but silent. The scheduler must remove it once its heartbeats stop
// (here: every 250 ms, timeout 2 s, to keep the test short), finish the job
// on the other worker, and take it back cleanly once it thaws (SIGCONT):
// it registers anew, the cluster has two workers again (not three), and the
// next job gives it work.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>

#include "cluster_support.h"

using namespace shoal;
using namespace shoal::testing;

namespace {

bool started_keys_named(const Trace& t, const std::string& prefix) {
  for (const auto& [k, n] : t.started) {
    if (k.find(prefix) != std::string::npos) return true;
  }
  return false;
}

// Freezes w1 mid-job with heartbeats every `interval_ms`, removed after
// `timeout_ms` of silence; see the file comment.
void freeze_and_thaw(int interval_ms, int timeout_ms) {
  // The scheduler checks for silent workers periodically, not continuously:
  // allow one heartbeat period for that check, and 250 ms for a loaded machine.
  const double bound_ms = timeout_ms + interval_ms + 250;
  TempDir traces("sigstop");
  Cluster cluster(traced_cluster(traces, 2, 2,
                                 {"--heartbeat-interval", std::to_string(interval_ms)},
                                 {"--heartbeat-interval", std::to_string(interval_ms),
                                  "--heartbeat-timeout", std::to_string(timeout_ms)}));
  Client client(cluster.address());
  const auto paths = trace_paths(traces, 2);
  Process& frozen = cluster.worker(1);

  SlowGraph job = slow_map(1200, 20);  // ~6 s on 4 threads
  BackgroundRun run(client, job, cluster.scheduler());
  run.wait_finished(paths, 300);
  const std::size_t log_from = cluster.scheduler().line_count(Stream::kStderr);
  const std::size_t stdout_from = frozen.line_count(Stream::kStdout);
  frozen.send_signal(SIGSTOP);
  const auto stopped_at = Clock::now();

  Line lost = cluster.scheduler().wait_for_line(Stream::kStderr, std::regex(R"(worker lost: w1\b)"),
                                                std::chrono::seconds(15), log_from);
  const double removal_ms = ms_between(stopped_at, lost.arrived);
  MESSAGE("removed " << removal_ms << " ms after SIGSTOP: " << lost.text);
  CHECK(removal_ms <= bound_ms);
  CHECK(run.get(std::chrono::seconds(60)) == job.expected_values);
  CHECK(client.status().workers.size() == 1);

  frozen.send_signal(SIGCONT);
  cluster.wait_registered(1, stdout_from, std::chrono::seconds(15));
  // Registered anew, once: two workers, not a ghost of the old w1 beside it.
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (client.status().workers.size() != 2 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ClusterStatus status = client.status();
  CHECK(status.workers.size() == 2);
  CHECK(status.workers_lost == 1);

  // 400 tasks of 20 ms on 4 threads: w1 must take a share.
  SlowGraph next = slow_map(400, 20);
  CHECK(run_within(client, next, cluster.scheduler(), std::chrono::seconds(60)) ==
        next.expected_values);
  CHECK_MESSAGE(started_keys_named(read_trace(paths[1]), next.outputs[0].name()),
                "w1 ran no task of the job after it rejoined");
  CHECK(frozen.running());
  CHECK(cluster.worker(0).running());
}

}  // namespace

TEST_CASE(
    "a frozen worker is removed within the heartbeat timeout, the job finishes, and it rejoins "
    "after SIGCONT") {
  freeze_and_thaw(250, 2000);
}

// Shoal's heartbeat timeout shorter than CAF's own connection timeout (which
// the runtime derives from the interval): Shoal's check must remove it.
TEST_CASE("a frozen worker is removed by a heartbeat timeout shorter than the transport's") {
  freeze_and_thaw(500, 1000);
}
