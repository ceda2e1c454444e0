#include "run_controller.h"

#include <QMetaObject>
#include <algorithm>
#include <functional>
#include <sstream>
#include <unordered_set>

#include "shoal/client.h"
#include "shoal/error.h"
#include "shoal/local_cluster.h"
#include "shoal/table.h"

namespace shoal::studio {
namespace {

// Forwards executor events, from whatever thread reports them, to the
// controller's thread as queued calls of `deliver`.
class ForwardingObserver : public TaskObserver {
 public:
  using Deliver = std::function<void(const QString&, int, const QString&)>;
  ForwardingObserver(QObject* target, Deliver deliver)
      : target_(target), deliver_(std::move(deliver)) {}
  void on_task(const TaskEvent& e) override {
    QString key = QString::fromStdString(e.key.str()), error = QString::fromStdString(e.error);
    int state = static_cast<int>(e.state);
    QMetaObject::invokeMethod(
        target_, [d = deliver_, key, state, error] { d(key, state, error); }, Qt::QueuedConnection);
  }

 private:
  QObject* target_;
  Deliver deliver_;
};

std::string table_text(const Table& t, std::size_t max_rows) {
  std::size_t rows = std::min(max_rows, t.num_rows());
  std::vector<std::vector<std::string>> grid(rows + 1);
  std::vector<std::size_t> width(t.num_columns());
  for (std::size_t c = 0; c < t.num_columns(); ++c) {
    grid[0].push_back(t.names()[c]);
    for (std::size_t r = 0; r < rows; ++r) grid[r + 1].push_back(cell_text(t.column(c), r));
    for (const auto& line : grid) width[c] = std::max(width[c], line[c].size());
  }
  std::ostringstream out;
  for (const auto& line : grid) {
    for (std::size_t c = 0; c < line.size(); ++c) {
      out << line[c] << std::string(width[c] - line[c].size() + 2, ' ');
    }
    out << "\n";
  }
  out << "(" << t.num_rows() << " rows, " << t.num_columns() << " columns";
  if (rows < t.num_rows()) out << "; first " << rows << " shown";
  out << ")";
  return out.str();
}

}  // namespace

std::string cell_text(const Column& c, std::size_t row) {
  if (!c.is_valid(row)) return "null";
  switch (c.type()) {
    case DataType::kBool:
      return c.bools()[row] ? "true" : "false";
    case DataType::kInt64:
    case DataType::kTimestamp:
      return std::to_string(c.int64s()[row]);
    case DataType::kFloat64:
      return Value(c.float64s()[row]).repr();
    case DataType::kString:
      return std::string(c.string_at(row));
  }
  return "?";
}

QString preview_text(const Value& value, std::size_t max_rows) {
  if (value.is_table()) return QString::fromStdString(table_text(value.as_table(), max_rows));
  return QString::fromStdString(value.repr());
}

RunController::RunController(QObject* parent, std::size_t cache_budget)
    : QObject(parent), cache_(cache_budget) {}

RunController::~RunController() {
  if (cancel_) cancel_->store(true);
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> RunController::nodes_of(const std::string& key) const {
  auto it = covered_.find(key);
  return it == covered_.end() ? std::vector<std::string>() : it->second.nodes;
}

std::string RunController::group_of(const std::string& key) const {
  auto it = covered_.find(key);
  if (it == covered_.end() || it->second.nodes.empty()) return {};
  const auto& nodes = it->second.nodes;
  return nodes.size() > 1 ? nodes[1] : nodes[0];
}

const NodeProgress* RunController::progress(const std::string& id) const {
  auto it = progress_.find(id);
  return it == progress_.end() ? nullptr : &it->second;
}

void RunController::set_memory_limit(std::optional<std::uint64_t> bytes) {
  if (bytes == memory_limit_) return;
  memory_limit_ = bytes;
  if (!running_) local_.reset();  // else after the run (start() checks)
}

void RunController::clear_results() {
  cache_.clear();
}

Executor& RunController::executor() {
  if (!remote_address_.empty()) {
    if (!remote_)
      remote_ =
          std::make_unique<Client>(remote_address_, ClientOptions{std::chrono::milliseconds(3000)});
    return *remote_;
  }
  if (!local_) {
    local_ = std::make_unique<LocalCluster>(
        LocalClusterOptions{.workers = 1, .threads_per_worker = 2, .memory_limit = memory_limit_});
  }
  return *local_;
}

// Every task whose result is kept becomes a literal of it; the cull then
// drops what only those tasks needed.
Graph RunController::substitute_cached(const Graph& graph, const std::vector<Key>& outputs) {
  static const OpPtr identity = OpRegistry::global().get("identity");
  std::unordered_set<Key, KeyHash> cached;
  Graph g;
  g.reserve(graph.size());
  for (const Task& t : graph.tasks()) {
    if (const Value* v = cache_.get(t.key)) {
      g.add(Task{t.key, identity, {Arg(*v)}, nullptr, nullptr});
      cached.insert(t.key);
    } else {
      g.add(t);
    }
  }
  Graph culled = g.cull(outputs);
  reused_.clear();
  for (const Task& t : culled.tasks())
    if (cached.count(t.key)) reused_.insert(t.key.str());
  return culled;
}

// Which nodes and partitions each task of graph_ completes. Partitions the
// run will not compute (reused, or needed by nothing that runs) count as
// done from the start, so every node reaches N/N when the run succeeds.
void RunController::index_graph(
    const std::unordered_map<Key, std::vector<Key>, KeyHash>& absorbed) {
  covered_.clear();
  progress_.clear();
  std::unordered_map<Key, std::string, KeyHash> partition_node;
  for (const LoweredNode& n : lowered_.nodes) {
    progress_[n.id].partitions = n.partitions.size();
    for (const Key& k : n.partitions) partition_node.emplace(k, n.id);
  }
  std::map<std::string, std::size_t> computed;  // partitions this run computes
  for (const Task& t : graph_.tasks()) {
    Covered& c = covered_[t.key.str()];
    auto cover = [&](const Key& k) {
      const std::string& id = lowered_.node_of(k);
      if (!id.empty() && std::find(c.nodes.begin(), c.nodes.end(), id) == c.nodes.end())
        c.nodes.push_back(id);
      if (auto it = partition_node.find(k); it != partition_node.end())
        c.partition_of.push_back(it->second);
    };
    cover(t.key);
    if (auto it = absorbed.find(t.key); it != absorbed.end())
      for (const Key& k : it->second) cover(k);
    for (const std::string& id : c.nodes) ++progress_[id].tasks;
    for (const std::string& id : c.partition_of) ++computed[id];
  }
  for (auto& [id, p] : progress_)
    p.partitions_done = p.partitions - std::min(p.partitions, computed[id]);
}

void RunController::on_event(const QString& key, int state) {
  auto it = covered_.find(key.toStdString());
  if (it == covered_.end()) return;
  auto event = static_cast<TaskEvent::State>(state);
  for (const std::string& id : it->second.nodes) {
    NodeProgress& p = progress_[id];
    if (event == TaskEvent::State::kFinished) p.tasks_done = std::min(p.tasks, p.tasks_done + 1);
    if (event == TaskEvent::State::kErred) p.erred = true;
  }
  if (event != TaskEvent::State::kFinished) return;
  for (const std::string& id : it->second.partition_of) {
    NodeProgress& p = progress_[id];
    p.partitions_done = std::min(p.partitions, p.partitions_done + 1);
  }
}

bool RunController::start(const Pipeline& pipeline, const std::string& base_dir,
                          const std::string& scheduler) {
  if (running_) return false;
  if (thread_.joinable()) thread_.join();
  try {
    lowered_ = lower(pipeline, OpRegistry::global(), base_dir);
  } catch (const Error& e) {
    lowered_ = {};
    graph_ = {};
    covered_.clear();
    progress_.clear();
    emit finished(false, QString::fromUtf8(e.what()));
    return false;
  }
  // The graph the collections would run (fused), asked for the sinks and
  // for every node's partitions that are tasks of their own: those are kept
  // for the next run.
  std::unordered_map<Key, std::vector<Key>, KeyHash> absorbed;
  Graph fused = lowered_.optimized(&absorbed);
  std::vector<Key> keys = lowered_.output_keys();
  std::unordered_set<Key, KeyHash> asked(keys.begin(), keys.end());
  for (const LoweredNode& n : lowered_.nodes) {
    for (const Key& k : n.partitions)
      if (fused.contains(k) && asked.insert(k).second) keys.push_back(k);
  }
  graph_ = substitute_cached(fused, keys);
  index_graph(absorbed);
  if (scheduler != remote_address_) remote_.reset();
  remote_address_ = scheduler;
  if (local_ && local_->stats().memory_limit != memory_limit_.value_or(default_memory_limit())) {
    local_.reset();  // the limit changed during the last run
  }
  if (scheduler.empty()) executor();  // the embedded cluster starts on this thread
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  results_.clear();
  running_ = true;
  emit started(static_cast<int>(graph_.size()));
  auto deliver = [this](const QString& key, int state, const QString& error) {
    on_event(key, state);
    emit task_changed(key, state, error);
  };
  thread_ = std::thread([this, keys, deliver, cancel = cancel_] {
    ForwardingObserver observer(this, deliver);
    RunOptions options;
    options.observer = &observer;
    options.cancel = cancel;
    bool ok = true;
    QString message;
    std::vector<Value> values;
    try {
      values = executor().run(graph_, keys, options);
      message = tr("Finished: %1 tasks").arg(graph_.size());
      message += reused_.empty() ? tr(".") : tr(", %1 results reused.").arg(reused_.size());
    } catch (const std::exception& e) {
      ok = false;
      message = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, ok, message, keys, values = std::move(values)]() mutable {
          on_done(ok, message, std::move(keys), std::move(values));
        },
        Qt::QueuedConnection);
  });
  return true;
}

void RunController::stop() {
  if (running_ && cancel_) cancel_->store(true);
}

void RunController::on_done(bool ok, QString message, std::vector<Key> keys,
                            std::vector<Value> values) {
  if (thread_.joinable()) thread_.join();
  running_ = false;
  results_.clear();
  if (ok) {
    try {
      for (auto& [id, value] : lowered_.sink_values(values)) results_[id] = std::move(value);
    } catch (const std::exception& e) {
      ok = false;
      message = QString::fromUtf8(e.what());
    }
  }
  if (ok) {
    for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i)
      cache_.put(keys[i], std::move(values[i]));
    for (auto& [id, p] : progress_) p.partitions_done = p.partitions, p.tasks_done = p.tasks;
  }
  emit finished(ok, message);
}

Value RunController::preview(const std::string& id, std::size_t n) {
  if (running_) throw Error("preview: a run is in progress; preview after it ends");
  const LoweredNode* node = lowered_.node(id);
  if (!node) throw Error("preview: node '" + id + "' has not been run; run the pipeline first");
  if (auto it = results_.find(id); it != results_.end()) return it->second;
  if (node->partitions.size() == 1) {
    if (const Value* v = cache_.get(node->partitions[0])) return *v;
  }
  return shoal::preview(lowered_, id, n, executor());
}

}  // namespace shoal::studio
