// WorkerNode: a worker of a distributed cluster, in this process.
//
//   shoal::WorkerNode worker({.scheduler = "127.0.0.1:8786", .threads = 2});
//   worker.wait();   // until stop() or the scheduler is gone for good
//
// It registers with the scheduler (its name, threads, memory limit and every
// op of OpRegistry::global(): load plugins before constructing it), runs the
// tasks it is given on `threads` threads, keeps results too large to travel
// inline and serves them to other workers and clients, which fetch them
// directly (each worker listens on a port of its own for that), and sends a
// heartbeat with its load and memory every `heartbeat_interval`.
//
// Memory: with a limit, past 70% of it the least recently used results are
// spilled to `spill_dir` (Shoal's columnar encoding) and reloaded on demand;
// past 85% (of the process's resident memory) it starts no new task until it
// is below again.
//
// When the connection to the scheduler is lost (the scheduler restarted, or
// removed this worker after it fell silent) the worker drops every result it
// held and registers anew. Whenever it cannot reach the scheduler (at start
// or after a loss) it retries with backoff (100 ms, doubling, at most 5 s)
// and gives up after `death_timeout`, as Dask's workers do: a worker of a
// batch job whose scheduler is gone ends instead of hanging.
//
// Thread-safety: the methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shoal/tls.h"

namespace shoal {

struct WorkerNodeOptions {
  /// The scheduler, "host:port".
  std::string scheduler;
  /// Default: "worker-<host>-<pid>".
  std::string name;
  /// The address this worker listens on for fetches, and announces.
  std::string host = "127.0.0.1";
  /// The port it listens on for fetches; 0 = any free one. A fixed one is
  /// for firewalls and for probes (Kubernetes' tcpSocket).
  std::uint16_t port = 0;
  /// Tasks run at once. 0 = the hardware's threads.
  std::size_t threads = 0;
  /// Bytes; 0 = no limit.
  std::uint64_t memory_limit = 0;
  /// Where spilled results go; default: a fresh directory under the system's
  /// temporary directory, removed when the worker stops.
  std::string spill_dir;
  /// Results of at least this many bytes stay on the worker; smaller ones
  /// (numbers, short lists) travel inline through the scheduler.
  std::size_t inline_limit = 1024;
  std::chrono::milliseconds heartbeat_interval{500};
  /// How long to keep trying to reach the scheduler, at start and after a
  /// lost connection, before giving up (`shoal worker --death-timeout`).
  std::chrono::milliseconds death_timeout{30000};
  /// When not empty, the worker is confined: a task whose path parameters
  /// (read_csv, to_csv, read_text, ... and any op parameter declared as a
  /// path) name a file outside these directories fails, naming the path,
  /// without running. Symbolic links and ".." are resolved before the
  /// check. Each must be an existing directory (the constructor throws).
  std::vector<std::string> allowed_paths;
  /// Receives one line per event (connected, lost the scheduler, spilled);
  /// default: standard error, with a timestamp.
  std::function<void(const std::string&)> log;
  /// Called each time the worker has registered (again after registering
  /// anew), from one of the worker's threads.
  std::function<void(const std::string& name)> on_registered;
  /// Mutual TLS on every connection, to the scheduler and to and from other
  /// workers and clients (shoal/tls.h); off when empty.
  TlsOptions tls;
};

class WorkerNode {
 public:
  /// Starts the worker and registers it. Throws shoal::Error naming the
  /// address when the scheduler cannot be reached within death_timeout.
  explicit WorkerNode(WorkerNodeOptions options);
  ~WorkerNode();
  WorkerNode(const WorkerNode&) = delete;
  WorkerNode& operator=(const WorkerNode&) = delete;

  const std::string& name() const noexcept;
  /// Blocks until stop() is called or the scheduler could not be reached
  /// again within death_timeout.
  void wait();
  /// Why the worker ended on its own (it gave up on its scheduler, or was
  /// refused), or "" while it runs or when stop() ended it.
  std::string failure() const;
  /// Stops the worker; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoal
