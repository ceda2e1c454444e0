// RunController: runs a pipeline on an embedded LocalCluster, or on a remote
// cluster (a `shoal scheduler` at HOST:PORT), in a background thread and
// reports its progress to the GUI thread.
//
// start() lowers the pipeline (on the caller's thread, so problems surface
// at once), then runs every node's key on a thread of its own; a
// TaskObserver forwards each executor event to this object's thread with a
// queued call, where task_changed() is emitted. stop() sets
// RunOptions::cancel: no further task is dispatched and the run ends with
// finished(false, "...cancelled..."). Results of every node are kept, so
// any node can be previewed after a successful run.
//
// The Client to a remote scheduler is made on the background thread (a
// scheduler that cannot be reached ends the run with its error, without
// blocking the GUI) and kept for later runs to the same address.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "shoal/pipeline.h"
#include "shoal/value.h"

namespace shoal {
class Executor;
}

namespace shoal::studio {

class RunController : public QObject {
  Q_OBJECT

 public:
  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;  // cancels a run in progress and waits for it

  /// Starts a run; returns false (and emits finished(false, why)) when the
  /// pipeline cannot be lowered or a run is already going.
  /// `base_dir`: where relative file paths in parameters point from (the
  /// document's directory; empty for an unsaved document: the current one).
  /// `scheduler`: "HOST:PORT" of a remote cluster; empty for the embedded
  /// LocalCluster.
  bool start(const Pipeline& pipeline, const std::string& base_dir = {},
             const std::string& scheduler = {});
  /// Asks the running run to stop (RunOptions::cancel).
  void stop();
  bool running() const { return running_; }

  /// The last lowered pipeline (its task graph and node keys).
  const LoweredPipeline& lowered() const { return lowered_; }
  /// The nodes whose task has this key (Key::str()): several when nodes do
  /// equal work (equal keys), none for helper tasks (getitem of a
  /// multi-output op).
  std::vector<std::string> nodes_of(const std::string& key) const;
  /// Results of the last successful run, by node id.
  const std::map<std::string, Value>& results() const { return results_; }

 signals:
  void started(int num_tasks);
  /// state: 0 started, 1 finished, 2 erred (TaskEvent::State).
  void task_changed(const QString& key, int state, const QString& error);
  void finished(bool ok, const QString& message);

 private:
  void on_done(bool ok, QString message, std::map<std::string, Value> results);

  std::unique_ptr<Executor> local_;   // the embedded LocalCluster, made on first use
  std::unique_ptr<Executor> remote_;  // a Client, for remote_address_
  std::string remote_address_;
  std::thread thread_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  LoweredPipeline lowered_;
  std::map<std::string, std::vector<std::string>> nodes_of_key_;
  std::map<std::string, Value> results_;
  bool running_ = false;
};

/// Text showing a value: the first `max_rows` rows of a table as aligned
/// columns, or repr() of anything else.
QString preview_text(const Value& value, std::size_t max_rows = 10);

}  // namespace shoal::studio
