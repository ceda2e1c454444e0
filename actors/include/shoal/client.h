// Client: runs graphs on a remote cluster — an Executor for `shoal scheduler`,
// and the futures API.
//
//   shoal::Client client("127.0.0.1:8786");
//   std::vector<shoal::Value> out = client.run(graph, {root});
//   df.compute(client);
//   std::vector<shoal::Future> fs = client.map("inc", {shoal::Value(1), shoal::Value(2)});
//   shoal::Future total = client.submit("sum", {shoal::Arg(std::vector<shoal::Arg>(fs.begin(),
//   fs.end()))}); total.result();   // 5
//
// The graph is sent to the scheduler once (ops travel by name: a graph with
// a C++ lambda op, `local_only`, is refused here with GraphError); small
// results come back inline, larger ones are fetched straight from the
// workers that hold them. The same graph gives the same values as on a
// LocalCluster. If a worker that held an output dies before it is fetched,
// the run is submitted again once.
//
// Submissions (submit, map, scatter, persist) return Futures at once; the
// cluster keeps their results while a Future of them exists (future.h).
//
// Thread-safety: every method may be called from several threads. Futures
// must not be used once their Client is destroyed (result() then throws).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "shoal/executor.h"
#include "shoal/future.h"
#include "shoal/params.h"
#include "shoal/tls.h"

namespace shoal {

struct ClientOptions {
  /// How long the constructor tries to reach the scheduler.
  std::chrono::milliseconds connect_timeout{10000};
  /// Mutual TLS to the scheduler and the workers (shoal/tls.h); off when
  /// empty. A cluster with TLS refuses a client without it.
  TlsOptions tls;
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
  std::size_t runs = 0;                                             ///< runs in progress
  std::size_t waiting = 0, queued = 0, processing = 0, memory = 0;  ///< tasks by state
  std::size_t workers_lost = 0;                                     ///< since the scheduler started
  std::size_t tasks_recomputed = 0;  ///< results recomputed after a loss, since start
};

/// One event of the scheduler's event stream (Client::subscribe).
struct ClusterEvent {
  enum class Kind { kTaskStarted, kTaskFinished, kTaskErred, kWorkerJoined, kWorkerLost };
  Kind kind = Kind::kTaskStarted;
  std::string worker;  ///< The worker it concerns.
  std::string key;     ///< Task events: the task's key ("name" or "(name, i)"), op and run.
  std::string op;
  std::uint64_t run = 0;
  /// Finished: "<microseconds> us"; erred: the error; worker joined: its
  /// address and threads; worker lost: why.
  std::string detail;
};

/// How a submission runs.
struct SubmitOptions {
  /// The task's key name; default: the op's name and a number unique to this
  /// client (each submission is computed anew, as Dask's pure=False).
  std::string key;
  /// Higher runs first, among everything the cluster has to do.
  std::int32_t priority = 0;
  /// Run a task again this many times when its op throws.
  std::uint32_t retries = 0;
  /// The op's parameters.
  Params params;
};

namespace detail {
struct ClientCore;
}

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

  /// Calls `callback` for every event of the cluster from now on (every
  /// client's tasks, workers joining and leaving) until the Client is
  /// destroyed; on one of the Client's threads, in order.
  void subscribe(std::function<void(const ClusterEvent&)> callback);

  // ---- futures ----

  /// Runs op(args...) on the cluster. Futures among the arguments (a Future
  /// converts to Arg) make it wait for them there. Throws GraphError for an
  /// op no worker has (checked by the scheduler: the Future then holds the
  /// error) or a lambda op.
  Future submit(const std::string& op, std::vector<Arg> args, const SubmitOptions& options = {});
  /// op(item) for each item: one submission, one Future per item.
  std::vector<Future> map(const std::string& op, const std::vector<Arg>& items,
                          const SubmitOptions& options = {});
  /// The values of `futures`, in order; blocks. Throws as Future::result().
  std::vector<Value> gather(const std::vector<Future>& futures);
  /// Puts values on the cluster (small ones stay with the scheduler, larger
  /// ones on a worker); the Futures stand for them in later submissions.
  std::vector<Future> scatter(const std::vector<Value>& values);
  Future scatter(Value value);
  /// Starts computing `keys` of `graph` and keeps them on the cluster.
  std::vector<Future> persist(const Graph& graph, std::span<const Key> keys,
                              const SubmitOptions& options = {});
  /// Any collection (DataFrame, Array, Bag): one Future per partition.
  template <class Collection>
  std::vector<Future> persist(const Collection& collection, const SubmitOptions& options = {}) {
    auto keys = collection.keys();
    return persist(collection.graph(), keys, options);
  }
  /// Lets the computation behind `future` finish even when every Future of
  /// it is dropped; its result is released once it is done.
  void fire_and_forget(const Future& future);

 private:
  std::shared_ptr<detail::ClientCore> core_;
};

}  // namespace shoal
