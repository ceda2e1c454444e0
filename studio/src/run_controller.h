// RunController: runs a pipeline on an embedded LocalCluster, or on a remote
// cluster (a `shoal scheduler` at HOST:PORT), in a background thread and
// reports its progress to the GUI thread.
//
// start() lowers the pipeline (on the caller's thread, so problems surface
// at once) into partition-level tasks and runs the graph the collections
// would run (fused), asking for the sinks and for the partitions of every
// node that are tasks of their own. Those partition results go into a
// ResultCache (a byte budget, least recently used out first): the next run
// replaces every task whose key is cached by its value and culls what only
// those tasks needed, so editing a later node re-runs only what changed.
// reused() says how many results a run took from the cache.
//
// A TaskObserver forwards each executor event to this object's thread with
// a queued call, where the per-node progress (partitions and tasks done of
// each node) is updated before task_changed() is emitted. stop() sets
// RunOptions::cancel: no further task is dispatched and the run ends with
// finished(false, "...cancelled..."). preview() shows a node's first rows:
// from the cache when its partitions are there, else computed on demand.
//
// The Client to a remote scheduler is made on the background thread (a
// scheduler that cannot be reached ends the run with its error, without
// blocking the GUI) and kept for later runs to the same address.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "result_cache.h"
#include "shoal/column.h"
#include "shoal/pipeline.h"
#include "shoal/value.h"

namespace shoal {
class Executor;
class LocalCluster;
}  // namespace shoal

namespace shoal::studio {

/// How far a node's work has got in the current run.
struct NodeProgress {
  std::size_t partitions = 0;       ///< Partitions of its output.
  std::size_t partitions_done = 0;  ///< Of those, computed or reused.
  std::size_t tasks = 0;            ///< Its tasks in the graph that runs.
  std::size_t tasks_done = 0;
  bool erred = false;
};

class RunController : public QObject {
  Q_OBJECT

 public:
  /// `cache_budget`: bytes of partition results kept between runs.
  explicit RunController(QObject* parent = nullptr, std::size_t cache_budget = 256u << 20);
  ~RunController() override;  // cancels a run in progress and waits for it

  /// Starts a run; returns false (and emits finished(false, why)) when the
  /// pipeline cannot be lowered or a run is already going.
  /// `base_dir`: where relative file paths in parameters point from (the
  /// document's directory; empty for an unsaved document: the current one).
  /// `scheduler`: "HOST:PORT" of a remote cluster; empty for the embedded
  /// LocalCluster.
  bool start(const Pipeline& pipeline, const std::string& base_dir = {},
             const std::string& scheduler = {});
  /// The embedded LocalCluster's memory limit in bytes (nullopt: its
  /// default, 80% of the machine's): results past 70% of it are spilled to
  /// disk. A change takes effect at the next run on a new cluster.
  void set_memory_limit(std::optional<std::uint64_t> bytes);
  std::optional<std::uint64_t> memory_limit() const { return memory_limit_; }
  /// The embedded cluster, once a run has started one (for its stats).
  const LocalCluster* local_cluster() const { return local_.get(); }
  /// Asks the running run to stop (RunOptions::cancel).
  void stop();
  bool running() const { return running_; }

  /// The last lowered pipeline (its unfused task graph and nodes).
  const LoweredPipeline& lowered() const { return lowered_; }
  /// The graph the last run ran: fused, cached results substituted, culled.
  const Graph& graph() const { return graph_; }
  /// The nodes whose work the task of this key (Key::str()) does: several
  /// for a fused task, none for helper tasks.
  std::vector<std::string> nodes_of(const std::string& key) const;
  /// The node a task is drawn under in the Tasks view: for a fused task,
  /// the node of the first task it took in (a fused CSV read belongs to the
  /// read node); empty for helper tasks.
  std::string group_of(const std::string& key) const;
  /// The progress of node `id` in the last run; nullptr for an unknown id.
  const NodeProgress* progress(const std::string& id) const;
  /// Results of the sinks of the last successful run, by node id.
  const std::map<std::string, Value>& results() const { return results_; }
  /// How many task results the last run took from the cache.
  std::size_t reused() const { return reused_.size(); }
  /// Whether the task of `key` (Key::str()) was served from the cache.
  bool was_reused(const std::string& key) const { return reused_.count(key) != 0; }
  /// The first `n` rows (elements) of node `id`: the sink's result, or its
  /// cached partitions, or computed now on the last run's executor. Throws
  /// shoal::Error (no such node, no run yet, the computation failed).
  Value preview(const std::string& id, std::size_t n);
  /// Forgets every kept result ("Clear results").
  void clear_results();
  const ResultCache& cache() const { return cache_; }

 signals:
  void started(int num_tasks);
  /// state: 0 started, 1 finished, 2 erred (TaskEvent::State).
  void task_changed(const QString& key, int state, const QString& error);
  void finished(bool ok, const QString& message);

 private:
  struct Covered {  // what finishing one task of the graph completes
    std::vector<std::string> nodes;
    std::vector<std::string> partition_of;  // a node per partition key covered
  };
  void index_graph(const std::unordered_map<Key, std::vector<Key>, KeyHash>& absorbed);
  Graph substitute_cached(const Graph& graph, const std::vector<Key>& outputs);
  void on_event(const QString& key, int state);
  void on_done(bool ok, QString message, std::vector<Key> keys, std::vector<Value> values);
  Executor& executor();

  std::unique_ptr<LocalCluster> local_;  // the embedded cluster, made on first use
  std::unique_ptr<Executor> remote_;     // a Client, for remote_address_
  std::string remote_address_;
  std::optional<std::uint64_t> memory_limit_;
  std::thread thread_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  LoweredPipeline lowered_;
  Graph graph_;
  std::unordered_map<std::string, Covered> covered_;  // by Key::str()
  std::map<std::string, NodeProgress> progress_;
  std::map<std::string, Value> results_;
  ResultCache cache_;
  std::unordered_set<std::string> reused_;  // Key::str() of cached tasks that run
  bool running_ = false;
};

/// Text showing a value: the first `max_rows` rows of a table as aligned
/// columns, or repr() of anything else.
QString preview_text(const Value& value, std::size_t max_rows = 10);
/// One cell of a table as the previews show it ("null" for a missing value).
std::string cell_text(const Column& column, std::size_t row);

}  // namespace shoal::studio
