// A worker that cannot reach its scheduler retries with backoff and exits
// with code 1 once --death-timeout has passed, at start (nothing listens at
// the address) and after losing a scheduler it was registered with: a batch
// job's worker never hangs.
#include <doctest/doctest.h>

#include <csignal>
#include <regex>

#include "deploy_support.h"

using namespace shoal::testing;

namespace {

// The delays of the worker's "retrying in N ms" lines on stderr.
std::vector<int> retry_delays(Process& p) {
  std::vector<int> delays;
  static const std::regex re("retrying in (\\d+) ms");
  for (const Line& l : p.lines(Stream::kStderr)) {
    std::smatch m;
    if (std::regex_search(l.text, m, re)) delays.push_back(std::stoi(m[1]));
  }
  return delays;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE("a worker whose scheduler never answers exits after --death-timeout") {
  const std::string address = "127.0.0.1:" + std::to_string(closed_port());
  const auto started = Clock::now();
  Process worker(kShoalExe, {"worker", address, "--death-timeout", "2s"});
  ExitStatus status = worker.wait_exit(20s);
  const double took = seconds_since(started);
  MESSAGE("the worker exited after " << took << " s: " << status.describe());
  CHECK_FALSE(status.signaled);
  CHECK(status.code == 1);
  CHECK(took >= 1.9);  // it kept trying for the whole timeout...
  CHECK(took < 12.0);  // ...and no longer (start-up on a loaded machine included)
  // The last line says why, naming the address.
  std::vector<Line> err = worker.lines(Stream::kStderr);
  REQUIRE_FALSE(err.empty());
  CHECK(err.back().text.find("cannot reach the scheduler at " + address) != std::string::npos);
  CHECK(err.back().text.find("death timeout") != std::string::npos);
  // Backoff: 100 ms first, then each delay at least the one before, growing.
  std::vector<int> delays = retry_delays(worker);
  CAPTURE(worker.tail());
  REQUIRE(delays.size() >= 3);
  CHECK(delays.front() == 100);
  // The last two are cut to what is left of the timeout.
  for (std::size_t i = 1; i + 2 < delays.size(); ++i) CHECK(delays[i] == 2 * delays[i - 1]);
  CHECK(delays.size() < 12);  // a fixed 250 ms would have made 8 in 2 s; backoff fewer
}

TEST_CASE("a worker that lost its scheduler exits after --death-timeout") {
  Process scheduler(kShoalExe, {"scheduler", "--host", "127.0.0.1", "--port", "0"});
  Line l = scheduler.wait_for_line(Stream::kStdout, std::regex(R"(listening on (\S+)$)"), 30s);
  const std::string address = l.groups[1];
  Process worker(kShoalExe, {"worker", address, "--name", "w0", "--death-timeout", "1500ms"});
  worker.wait_for_line(Stream::kStdout, std::regex("registered with"), 30s);
  scheduler.send_signal(SIGKILL);
  const auto killed = Clock::now();
  ExitStatus status = worker.wait_exit(20s);
  const double took = seconds_since(killed);
  MESSAGE("the worker exited " << took << " s after its scheduler was killed");
  CHECK(status.code == 1);
  CHECK(took >= 1.4);
  CHECK(took < 10.0);
  std::vector<Line> err = worker.lines(Stream::kStderr);
  REQUIRE_FALSE(err.empty());
  CHECK(err.back().text.find("shoal worker w0: cannot reach the scheduler at " + address) !=
        std::string::npos);
}

TEST_CASE("--death-timeout rejects what is not a duration") {
  auto [status, out] = run_shoal({"worker", "127.0.0.1:1", "--death-timeout", "soon"}, 20s);
  CHECK(status.code == 2);
}
