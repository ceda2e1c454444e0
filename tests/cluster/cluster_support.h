// Helpers of the cluster tests: a cluster of `shoal` processes whose workers
// load the test plugin and trace their tasks, a run in the background, and
// environment-tunable repeat counts.
#pragma once

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <string>
#include <vector>

#include "cluster_graphs.h"
#include "shoal/client.h"
#include "support/process.h"

namespace shoal::testing {

inline const std::string kShoalExe = SHOAL_EXE;

/// An int from the environment variable `name`, or `fallback`.
inline int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

/// A Cluster whose workers load the test plugin and write their trace to
/// `traces/wI.trace`, with `threads` threads each.
inline ClusterOptions traced_cluster(const TempDir& traces, int workers, int threads,
                                     std::vector<std::string> worker_args = {},
                                     std::vector<std::string> scheduler_args = {}) {
  ClusterOptions o;
  o.shoal_exe = kShoalExe;
  o.workers = workers;
  o.scheduler_args = std::move(scheduler_args);
  o.worker_args = {"--threads", std::to_string(threads), "--plugin", SHOAL_CLUSTER_TEST_PLUGIN};
  o.worker_args.insert(o.worker_args.end(), worker_args.begin(), worker_args.end());
  std::string dir = traces.path().string();
  o.worker_env = [dir](int i) {
    return std::vector<std::string>{"SHOAL_TEST_TRACE=" + dir + "/w" + std::to_string(i) +
                                    ".trace"};
  };
  return o;
}

inline std::vector<std::string> trace_paths(const TempDir& traces, std::size_t workers) {
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < workers; ++i)
    paths.push_back(traces.file("w" + std::to_string(i) + ".trace"));
  return paths;
}

/// A run of a graph on a Client in another thread. If the test leaves
/// before the run is done (a failed REQUIRE), the destructor kills the
/// scheduler so that run() throws ("scheduler lost") instead of blocking the
/// test forever. Declare it after the Cluster and the Client.
class BackgroundRun {
 public:
  BackgroundRun(Client& client, const TestGraph& g, Process& scheduler)
      : scheduler_(scheduler), future_(std::async(std::launch::async, [&client, &g] {
          return client.run(g.graph, g.outputs);
        })) {}
  ~BackgroundRun() {
    if (!future_.valid() || done()) return;
    if (scheduler_.running()) scheduler_.send_signal(SIGKILL);
    if (future_.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      // The future's destructor would block forever, and ctest's timeout
      // would swallow doctest's report: say what happened, and leave.
      std::cerr << "FATAL: Client::run did not return within 30 s after its scheduler was killed"
                << std::endl;
      std::_Exit(3);
    }
  }
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  bool done() {
    return future_.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready;
  }

  /// The run's values (or its exception), waiting at most `timeout`.
  std::vector<Value> get(std::chrono::seconds timeout) {
    if (future_.wait_for(timeout) != std::future_status::ready) {
      throw std::runtime_error("the run did not finish within " + std::to_string(timeout.count()) +
                               " s; scheduler output:\n" + scheduler_.tail(30));
    }
    return future_.get();
  }

  /// Waits (polling the workers' traces) until `n` tasks finished; throws
  /// when the run ended first or `timeout` passed.
  void wait_finished(const std::vector<std::string>& traces, std::size_t n,
                     std::chrono::seconds timeout = std::chrono::seconds(120)) {
    auto deadline = Clock::now() + timeout;
    while (count_finished(traces) < n) {
      if (done()) {
        future_.get();  // rethrows the run's error, if any
        throw std::runtime_error("the run ended before " + std::to_string(n) +
                                 " tasks had finished");
      }
      if (Clock::now() > deadline)
        throw std::runtime_error("fewer than " + std::to_string(n) + " tasks finished in time");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  Process& scheduler_;
  std::future<std::vector<Value>> future_;
};

/// The scheduler's view in one line, for failure messages.
inline std::string describe(const ClusterStatus& s) {
  std::string out = "runs " + std::to_string(s.runs) + ", tasks waiting " +
                    std::to_string(s.waiting) + ", queued " + std::to_string(s.queued) +
                    ", processing " + std::to_string(s.processing) + ", in memory " +
                    std::to_string(s.memory) + ", workers lost " + std::to_string(s.workers_lost) +
                    ", recomputed " + std::to_string(s.tasks_recomputed) + "; workers:";
  for (const WorkerStatus& w : s.workers) {
    out += " " + w.name + " (" + w.address + ", running " + std::to_string(w.running) + ")";
  }
  return out;
}

/// Runs `g` on `client`, failing after `timeout` instead of hanging.
inline std::vector<Value> run_within(Client& client, const TestGraph& g, Process& scheduler,
                                     std::chrono::seconds timeout) {
  BackgroundRun run(client, g, scheduler);
  return run.get(timeout);
}

/// Milliseconds between two instants.
inline double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace shoal::testing
