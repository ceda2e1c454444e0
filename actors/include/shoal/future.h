// Future: a result that a remote cluster computes, or holds, for a Client.
//
//   shoal::Future a = client.submit("inc", {shoal::Value(1)});
//   shoal::Future b = client.submit("add", {a, shoal::Value(10)});   // waits for a, on the cluster
//   b.then([](const shoal::Future& f) { std::cout << f.result().repr(); });
//   std::int64_t x = b.result().as_int();                            // 12; blocks
//
// The result stays on the cluster while any copy of a Future of its
// submission exists (or until it is done, after fire_and_forget); then the
// cluster releases it. A Future passed as an argument of a later submission
// makes that task depend on it without the value leaving the cluster.
// Results lost with a worker are recomputed from their lineage.
//
// Thread-safety: Futures may be copied and used from any thread. Callbacks
// run on one of the Client's threads: keep them short, and do not call
// result() there on a result that is not done yet.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shoal/key.h"
#include "shoal/task.h"
#include "shoal/value.h"

namespace shoal {

namespace detail {
struct SubmittedRun;
}

class Future {
 public:
  Future() = default;

  /// The key of the task (or scattered value) it stands for.
  const Key& key() const noexcept { return key_; }
  /// False for a default-constructed Future.
  bool valid() const noexcept { return run_ != nullptr; }
  /// Finished, erred or cancelled.
  bool done() const;
  /// "pending", "finished", "error" or "cancelled".
  std::string status() const;
  /// The value; blocks until it is done, then fetches it from the worker
  /// that holds it (once; later calls return the fetched value). Throws
  /// TaskError for an op that threw, CancelledError, or shoal::Error when
  /// the cluster or the client is gone.
  Value result() const;
  /// Calls `callback` once the Future is done (at once if it is).
  void then(std::function<void(const Future&)> callback) const;
  /// Cancels the submission it came from (every Future of a map() call).
  void cancel() const;

  /// As an argument of Client::submit: the task depends on this result.
  operator Arg() const { return Arg(key_); }

  /// For Client: output `index` of a submission.
  static Future make(std::shared_ptr<detail::SubmittedRun> run, std::size_t index, Key key);

 private:
  friend class Client;
  Future(std::shared_ptr<detail::SubmittedRun> run, std::size_t index, Key key)
      : run_(std::move(run)), index_(index), key_(std::move(key)) {}
  std::shared_ptr<detail::SubmittedRun> run_;
  std::size_t index_ = 0;
  Key key_;
};

enum class WaitFor { kFirstCompleted, kAllCompleted };

/// Blocks until the first of `futures` (kFirstCompleted) or all of them
/// (kAllCompleted) are done, or `timeout` passes; returns those done.
std::vector<Future> wait(const std::vector<Future>& futures, WaitFor mode = WaitFor::kAllCompleted,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds::max());

/// Hands out futures in the order they complete:
///   shoal::AsCompleted done(futures);
///   for (shoal::Future f; done.next(f);) use(f.result());
class AsCompleted {
 public:
  explicit AsCompleted(std::vector<Future> futures);
  /// Blocks until one more is done and puts it in `out`; false when all
  /// have been handed out.
  bool next(Future& out);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace shoal
