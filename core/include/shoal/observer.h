// TaskObserver: what an executor reports while it runs a graph.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "shoal/key.h"

namespace shoal {

struct TaskEvent {
  enum class State { kStarted, kFinished, kErred };
  Key key;
  std::string op;
  std::string worker;
  State state = State::kStarted;
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point stop;  ///< Set when finished or erred.
  std::string error;                           ///< Set when erred.
};

/// Receives the progress of a run. The executor calls one observer from one
/// thread at a time, in order for each task (started before finished), but
/// not necessarily from the thread that called run(). Keep callbacks short:
/// they run on the executor's scheduling path.
class TaskObserver {
 public:
  virtual ~TaskObserver() = default;
  virtual void on_run_start(std::size_t /*num_tasks*/) {}
  virtual void on_task(const TaskEvent& /*event*/) {}
  virtual void on_run_end(bool /*ok*/) {}
};

struct RunOptions;

/// The observers of one run: the caller's, plus a ProgressBar when asked for
/// and stderr is a terminal. Executors build one per run and report to it.
class RunObservers {
 public:
  explicit RunObservers(const RunOptions& options);
  ~RunObservers();
  bool empty() const noexcept { return list_.empty(); }
  void run_start(std::size_t n) {
    for (auto* o : list_) o->on_run_start(n);
  }
  void task(const TaskEvent& e) {
    for (auto* o : list_) o->on_task(e);
  }
  void run_end(bool ok) {
    for (auto* o : list_) o->on_run_end(ok);
  }

 private:
  std::vector<TaskObserver*> list_;
  std::unique_ptr<TaskObserver> bar_;
};

}  // namespace shoal
