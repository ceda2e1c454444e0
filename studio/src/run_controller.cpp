#include "run_controller.h"

#include <QMetaObject>
#include <algorithm>
#include <sstream>

#include "shoal/client.h"
#include "shoal/error.h"
#include "shoal/local_cluster.h"
#include "shoal/table.h"

namespace shoal::studio {
namespace {

// Forwards executor events, from whatever thread reports them, to the
// controller's thread as queued calls.
class ForwardingObserver : public TaskObserver {
 public:
  explicit ForwardingObserver(RunController* target) : target_(target) {}
  void on_task(const TaskEvent& e) override {
    QString key = QString::fromStdString(e.key.str()), error = QString::fromStdString(e.error);
    int state = static_cast<int>(e.state);
    QMetaObject::invokeMethod(
        target_, [t = target_, key, state, error] { emit t->task_changed(key, state, error); },
        Qt::QueuedConnection);
  }

 private:
  RunController* target_;
};

std::string cell(const Column& c, std::size_t row) {
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

std::string table_text(const Table& t, std::size_t max_rows) {
  std::size_t rows = std::min(max_rows, t.num_rows());
  std::vector<std::vector<std::string>> grid(rows + 1);
  std::vector<std::size_t> width(t.num_columns());
  for (std::size_t c = 0; c < t.num_columns(); ++c) {
    grid[0].push_back(t.names()[c]);
    for (std::size_t r = 0; r < rows; ++r) grid[r + 1].push_back(cell(t.column(c), r));
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

QString preview_text(const Value& value, std::size_t max_rows) {
  if (value.is_table()) return QString::fromStdString(table_text(value.as_table(), max_rows));
  return QString::fromStdString(value.repr());
}

RunController::RunController(QObject* parent) : QObject(parent) {}

RunController::~RunController() {
  if (cancel_) cancel_->store(true);
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> RunController::nodes_of(const std::string& key) const {
  auto it = nodes_of_key_.find(key);
  return it == nodes_of_key_.end() ? std::vector<std::string>() : it->second;
}

bool RunController::start(const Pipeline& pipeline, const std::string& base_dir,
                          const std::string& scheduler) {
  if (running_) return false;
  if (thread_.joinable()) thread_.join();
  try {
    lowered_ = lower(pipeline, OpRegistry::global(), base_dir);
  } catch (const Error& e) {
    lowered_ = {};
    emit finished(false, QString::fromUtf8(e.what()));
    return false;
  }
  nodes_of_key_.clear();
  std::vector<Key> keys;
  std::vector<std::string> ids;
  for (const auto& [id, key] : lowered_.node_keys) {
    nodes_of_key_[key.str()].push_back(id);
    keys.push_back(key);
    ids.push_back(id);
  }
  if (scheduler.empty() && !local_) {
    local_ =
        std::make_unique<LocalCluster>(LocalClusterOptions{.workers = 1, .threads_per_worker = 2});
  }
  if (scheduler != remote_address_) remote_.reset();
  remote_address_ = scheduler;
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  results_.clear();
  running_ = true;
  emit started(static_cast<int>(lowered_.graph.size()));
  thread_ = std::thread([this, graph = lowered_.graph, keys, ids, cancel = cancel_] {
    ForwardingObserver observer(this);
    RunOptions options;
    options.observer = &observer;
    options.cancel = cancel;
    bool ok = true;
    QString message;
    std::map<std::string, Value> results;
    try {
      Executor* executor = local_.get();
      if (!remote_address_.empty()) {
        if (!remote_)
          remote_ = std::make_unique<Client>(remote_address_,
                                             ClientOptions{std::chrono::milliseconds(3000)});
        executor = remote_.get();
      }
      std::vector<Value> values = executor->run(graph, keys, options);
      for (std::size_t i = 0; i < ids.size(); ++i) results[ids[i]] = values[i];
      message = tr("Finished: %1 tasks.").arg(graph.size());
    } catch (const std::exception& e) {
      ok = false;
      message = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, ok, message, results = std::move(results)]() mutable {
          on_done(ok, message, std::move(results));
        },
        Qt::QueuedConnection);
  });
  return true;
}

void RunController::stop() {
  if (running_ && cancel_) cancel_->store(true);
}

void RunController::on_done(bool ok, QString message, std::map<std::string, Value> results) {
  if (thread_.joinable()) thread_.join();
  running_ = false;
  results_ = std::move(results);
  emit finished(ok, message);
}

}  // namespace shoal::studio
