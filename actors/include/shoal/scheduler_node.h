// SchedulerNode: the scheduler of a distributed cluster, in this process.
//
//   shoal::SchedulerNode scheduler({.host = "127.0.0.1", .port = 0});
//   std::cout << scheduler.port();   // workers and clients connect here
//
// Workers (WorkerNode, `shoal worker`) register with it and clients (Client,
// `shoal run --scheduler`) submit graphs to it. It places each ready task on
// the worker with the earliest estimated start (its queue per thread plus the
// bytes of inputs it would have to fetch, over the measured bandwidth), keeps
// at most `tasks_per_thread` tasks per worker thread in flight so that wide
// graphs do not flood the workers, steals queued tasks from a saturated
// worker for an idle one, releases results nobody needs any more, and
// repairs runs when a worker dies or falls silent: tasks it was running are
// rescheduled and results whose only copy it held are recomputed from their
// lineage when something still needs them.
//
// Thread-safety: the methods may be called from any thread. The destructor
// stops the node; runs still in progress then fail at their clients.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "shoal/tls.h"

namespace shoal {

struct SchedulerNodeOptions {
  /// The address to listen on; 127.0.0.1 keeps the cluster on this machine.
  std::string host = "127.0.0.1";
  /// 0 = any free port (see port()).
  std::uint16_t port = 8786;
  /// Workers send a heartbeat this often...
  std::chrono::milliseconds heartbeat_interval{500};
  /// ...and are removed after this long without one (a frozen or cut-off node).
  std::chrono::milliseconds heartbeat_timeout{5000};
  /// A task on which this many workers died fails ("killed worker").
  std::size_t allowed_failures = 3;
  /// Tasks in flight per worker thread (queued on the worker or running).
  std::size_t tasks_per_thread = 4;
  /// Receives one line per cluster event (worker joined or lost, run failed);
  /// default: standard error, with a timestamp.
  std::function<void(const std::string&)> log;
  /// Mutual TLS on every connection (shoal/tls.h); off when empty. Without
  /// it, a host other than a loopback address gets a warning in the log:
  /// anyone who reaches the port may then submit graphs.
  TlsOptions tls;
};

class SchedulerNode {
 public:
  /// Starts the actor system and listens. Throws shoal::Error naming the
  /// address when it cannot listen (port taken, bad address), or the file
  /// when a TLS file is unusable.
  explicit SchedulerNode(SchedulerNodeOptions options = {});
  ~SchedulerNode();
  SchedulerNode(const SchedulerNode&) = delete;
  SchedulerNode& operator=(const SchedulerNode&) = delete;

  /// The port it listens on (the chosen one when options.port was 0).
  std::uint16_t port() const noexcept;
  /// "host:port".
  std::string address() const;
  /// Stops listening and every actor; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal
