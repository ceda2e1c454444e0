// Client: runs graphs on a remote cluster — an Executor for `shoal scheduler`.
//
//   shoal::Client client("127.0.0.1:8786");
//   std::vector<shoal::Value> out = client.run(graph, {root});
//   df.compute(client);
//
// The graph is sent to the scheduler once (ops travel by name: a graph with
// a C++ lambda op, `local_only`, is refused here with GraphError); small
// results come back inline, larger ones are fetched straight from the
// workers that hold them. The same graph gives the same values as on a
// LocalCluster. If a worker that held an output dies before it is fetched,
// the run is submitted again once.
//
// Thread-safety: run() and status() may be called from several threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "shoal/executor.h"

namespace caf {
class scoped_actor;
}

namespace shoal {
namespace wire {
struct InputLocation;
}

struct ClientOptions {
  /// How long the constructor tries to reach the scheduler.
  std::chrono::milliseconds connect_timeout{10000};
};

/// One worker as the scheduler sees it.
struct WorkerStatus {
  std::string name;
  std::string address;  ///< host:port it serves results on
  std::size_t threads = 0;
  std::size_t running = 0;  ///< tasks assigned to it now (running or queued there)
  std::uint64_t memory_bytes = 0;
  std::uint64_t memory_limit = 0;  ///< 0 = none
  std::uint64_t spilled_bytes = 0;
};

/// What `shoal status` prints.
struct ClusterStatus {
  std::vector<WorkerStatus> workers;
  std::size_t runs = 0;  ///< runs in progress
  std::size_t waiting = 0, queued = 0, processing = 0, memory = 0;  ///< tasks by state
  std::size_t workers_lost = 0;     ///< since the scheduler started
  std::size_t tasks_recomputed = 0; ///< results recomputed after a loss, since start
};

class Client : public Executor {
 public:
  /// Connects to the scheduler at "host:port". Throws shoal::Error naming the
  /// address when it cannot be reached.
  explicit Client(const std::string& address, ClientOptions options = {});
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// See Executor::run. Also throws shoal::Error when the scheduler is lost
  /// during the run. RunOptions::observer gets every task's events;
  /// RunOptions::cancel stops the run on the cluster.
  std::vector<Value> run(const Graph& graph, std::span<const Key> outputs,
                         const RunOptions& options = {}) override;
  std::string name() const override;

  /// The scheduler's view of the cluster now.
  ClusterStatus status();

 private:
  struct Impl;
  std::optional<Value> fetch_output(caf::scoped_actor& self, std::uint64_t run, const wire::InputLocation& loc);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal
