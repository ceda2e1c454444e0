// kill -9 of a worker in the middle of a job of 20 ms tasks, shared by the
// tree and the map test. Each repeat starts a fresh 2-worker cluster (2
// threads each), starts the job, kills one worker once a varying share of
// the tasks finished, and checks:
//
//  1. the job's values are correct;
//  2. the scheduler logs "worker lost: wK" within 200 ms of the kill (the
//     kill is stamped when kill(2) returns, the line when our reader thread
//     reads it from the scheduler's stderr pipe);
//  3. the tasks re-run are no more than the work that was lost. What can be
//     measured honestly: the test plugin's trace files (one write(2) per
//     line, so the killed worker's file is complete up to its death) say how
//     often each task started on each worker. A task started more than once
//     is a re-run. The work lost is at most what the killed worker started
//     (running, or finished but its result held only there) plus the inputs
//     needed to recompute those results again (their lineage: inputs that
//     were released after use). So every re-run task must be one the killed
//     worker started, or an input (transitively) of one; none may run more
//     than twice; and the scheduler's `tasks_recomputed` cannot exceed the
//     re-runs actually measured. A scheduler that resubmits the whole job,
//     or recomputes results the survivor still holds, fails (1) of these.
//
// SHOAL_KILL_REPEATS overrides the number of repeats (default 1: what only
// real processes show — the kill closes the connection, the loss is logged
// at once, re-runs stay bounded; the many orders of kills, freezes and cuts
// are the simulator's, tests/sim, 10,000 schedules a run); 10 sweeps the
// share of tasks done at the kill. SHOAL_KILL_FIRST starts at another
// repeat (to replay one).
#pragma once

#include <doctest/doctest.h>

#include <csignal>
#include <functional>
#include <regex>
#include <set>

#include "cluster_support.h"

namespace shoal::testing {

/// `keys` and everything they depend on, through `inputs`.
inline std::set<std::string> with_lineage(const std::set<std::string>& keys, const SlowGraph& g) {
  std::set<std::string> out;
  std::vector<std::string> todo(keys.begin(), keys.end());
  while (!todo.empty()) {
    std::string k = todo.back();
    todo.pop_back();
    if (!out.insert(k).second) continue;
    auto it = g.inputs.find(k);
    if (it != g.inputs.end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
  }
  return out;
}

/// Check 3 above, on the traces of the killed worker and the survivor.
inline void check_reruns(const SlowGraph& g, const Trace& killed, const Trace& survivor,
                         const ClusterStatus& status) {
  std::map<std::string, int> runs = killed.started;
  for (const auto& [k, n] : survivor.started) runs[k] += n;
  std::set<std::string> killed_started;
  for (const auto& [k, n] : killed.started) killed_started.insert(k);
  const std::set<std::string> lost_work = with_lineage(killed_started, g);

  std::size_t reruns = 0;
  for (const Task& t : g.graph.tasks()) {
    const Key& k = t.key;
    int n = runs[k.str()];
    CHECK_MESSAGE(n >= 1, "task " << k.str() << " never ran");
    CHECK_MESSAGE(n <= 2, "task " << k.str() << " ran " << n << " times after one worker was lost");
    if (n > 1) {
      ++reruns;
      CHECK_MESSAGE(lost_work.count(k.str()) == 1,
                    "task " << k.str()
                            << " was re-run but neither the killed worker started it nor is it an "
                               "input of one it started");
    }
  }
  CHECK_MESSAGE(status.tasks_recomputed <= reruns, "the scheduler reports "
                                                       << status.tasks_recomputed
                                                       << " recomputed tasks, but only " << reruns
                                                       << " tasks ran twice");
  MESSAGE("tasks " << g.graph.size() << ", started on the killed worker " << killed_started.size()
                   << " (finished " << killed.total_finished << "), lost work incl. lineage "
                   << lost_work.size() << ", re-run " << reruns << ", scheduler's tasks_recomputed "
                   << status.tasks_recomputed);
}

/// One repeat: see the file comment. `repeat` picks the victim and when it dies.
/// `node_args` go to the scheduler and every worker, `client_options` to
/// the client (the TLS test passes its certificates so).
inline void kill_one_worker_during(const SlowGraph& g, int repeat,
                                   const std::vector<std::string>& node_args = {},
                                   const ClientOptions& client_options = {}) {
  TempDir traces("kill-" + std::to_string(repeat));
  Cluster cluster(traced_cluster(traces, 2, 2, node_args, node_args));
  Client client(cluster.address(), client_options);
  const std::size_t victim = static_cast<std::size_t>(repeat % 2);
  // Between 30% and 66% of the tasks done: the killed worker holds different work each time.
  const double share = 0.30 + 0.04 * ((repeat * 7) % 10);
  const auto paths = trace_paths(traces, 2);
  BackgroundRun run(client, g, cluster.scheduler());
  run.wait_finished(paths, static_cast<std::size_t>(share * static_cast<double>(g.graph.size())));

  const std::size_t log_from = cluster.scheduler().line_count(Stream::kStderr);
  cluster.worker(victim).send_signal(SIGKILL);
  const auto killed_at = Clock::now();
  Line lost = cluster.scheduler().wait_for_line(
      Stream::kStderr, std::regex("worker lost: " + Cluster::worker_name(victim) + "\\b"),
      std::chrono::seconds(10), log_from);
  const double latency = ms_between(killed_at, lost.arrived);
  CHECK_MESSAGE(latency <= 200.0,
                "the scheduler logged the loss " << latency << " ms after the kill: " << lost.text);

  std::vector<Value> values;
  try {
    values = run.get(std::chrono::seconds(120));
  } catch (const std::exception& e) {
    std::size_t outputs_done = 0;
    for (const Key& k : g.outputs) {
      for (const std::string& p : paths)
        outputs_done += read_trace(p).finished.count(k.str()) > 0 ? 1 : 0;
    }
    const std::string why =
        std::string(e.what()) + "\nthe scheduler's view: " + describe(client.status()) +
        "\noutputs finished (per the traces, counting each worker): " +
        std::to_string(outputs_done) + " of " + std::to_string(g.outputs.size());
    FAIL(why);
  }
  CHECK(values == g.expected_values);
  CHECK(cluster.worker(victim).wait_exit(std::chrono::seconds(5)).signaled);

  ClusterStatus status = client.status();
  CHECK(status.workers_lost == 1);
  CHECK(status.workers.size() == 1);
  MESSAGE("repeat " << repeat << ": killed " << Cluster::worker_name(victim) << " at "
                    << share * 100 << "% done; loss logged after " << latency << " ms");
  check_reruns(g, read_trace(paths[victim]), read_trace(paths[1 - victim]), status);
}

inline void kill_repeatedly(const SlowGraph& g) {
  const int repeats = env_int("SHOAL_KILL_REPEATS", 1), first = env_int("SHOAL_KILL_FIRST", 0);
  for (int r = first; r < first + repeats; ++r) {
    CAPTURE(r);
    auto start = Clock::now();
    kill_one_worker_during(g, r);
    MESSAGE("repeat " << r << " took " << ms_between(start, Clock::now()) / 1000 << " s");
  }
}

}  // namespace shoal::testing
