// The studio's side panels: the op palette, the property editor, the
// validation list and the run panel. Each reads the document and edits it
// only through PipelineDocument's undoable methods. GUI thread only.
#pragma once

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QWidget>
#include <cstdint>
#include <optional>
#include <string>

#include "pipeline_document.h"
#include "shoal/table.h"

class QFormLayout;
class QSpinBox;

namespace shoal::studio {

/// Every registered op, grouped by Op::group, filtered by a search box;
/// items drag onto the canvas (kOpMimeType) or activate on double-click.
class OpPalette : public QWidget {
  Q_OBJECT

 public:
  explicit OpPalette(QWidget* parent = nullptr);
  /// Reloads the ops from OpRegistry::global() (e.g. after a plugin loads).
  void reload();
  void set_filter(const QString& text);
  /// Names of the ops currently shown.
  QStringList visible_ops() const;

 signals:
  void op_activated(const QString& op);

 private:
  QLineEdit* search_;
  QTreeWidget* tree_;
};

/// A form for the selected node: its id, label, and a widget per ParamSpec
/// of its op (spin boxes with the spec's range, a combo for choices, a check
/// box, a line edit, a path with a file dialog, JSON for lists and any).
class PropertyEditor : public QWidget {
  Q_OBJECT

 public:
  explicit PropertyEditor(PipelineDocument* doc, QWidget* parent = nullptr);
  /// Shows node `id` ("" = nothing).
  void set_node(const std::string& id);
  const std::string& node() const { return id_; }
  /// The editor widget of a parameter (for tests), or nullptr.
  QWidget* editor(const std::string& param) const;

 private:
  void rebuild();
  void schedule_rebuild();
  QWidget* make_editor(const ParamSpec& spec, const Value* current);

  PipelineDocument* doc_;
  std::string id_;
  QWidget* form_ = nullptr;
  std::map<std::string, QWidget*> editors_;
  bool rebuild_pending_ = false;
};

/// Pipeline::problems(), refreshed a moment after each edit (a debounced
/// timer); clicking a problem selects its node.
class ValidationPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ValidationPanel(PipelineDocument* doc, QWidget* parent = nullptr);
  /// Revalidates now (the timer calls it).
  void refresh();
  QListWidget* list() const { return list_; }
  int problem_count() const { return count_; }

 signals:
  void node_activated(const QString& id);
  void validated(int problems);

 private:
  PipelineDocument* doc_;
  QListWidget* list_;
  QTimer timer_;
  int count_ = 0;
};

/// Run and Stop, the remote scheduler field (empty: embedded), overall progress,
/// the run's message and a preview of a node's result.
class RunPanel : public QWidget {
  Q_OBJECT

 public:
  explicit RunPanel(QWidget* parent = nullptr);
  QPushButton* run_button() const { return run_; }
  QPushButton* stop_button() const { return stop_; }
  QProgressBar* progress() const { return progress_; }
  /// What the scheduler field holds, trimmed: "HOST:PORT", or empty.
  std::string scheduler() const { return scheduler_->text().trimmed().toStdString(); }
  QLineEdit* scheduler_field() const { return scheduler_; }
  /// The embedded cluster's memory limit in bytes; nullopt: its default.
  std::optional<std::uint64_t> memory_limit() const;
  QSpinBox* memory_field() const { return memory_; }
  void set_message(const QString& text, bool error);
  QString message() const { return message_->text(); }
  /// Shows `text` as the preview of `title`, and `table`'s first rows in
  /// the table widget (hidden when `table` is null).
  void set_preview(const QString& title, const QString& text, const Table* table = nullptr,
                   std::size_t max_rows = 10);
  QString preview() const { return preview_->toPlainText(); }
  /// The table preview: a column per column, headed "name (type)".
  QTableWidget* preview_table() const { return table_; }
  /// Removes every result kept for re-runs.
  QPushButton* clear_button() const { return clear_; }
  /// "12 results reused, 3.2 MiB kept"-style line about the result cache.
  void set_reuse(const QString& text) { reuse_->setText(text); }
  QString reuse() const { return reuse_->text(); }

 private:
  QPushButton* run_;
  QPushButton* stop_;
  QLineEdit* scheduler_;
  QSpinBox* memory_;  // MiB; 0 shows "default"
  QProgressBar* progress_;
  QLabel* message_;
  QLabel* preview_title_;
  QPlainTextEdit* preview_;
  QTableWidget* table_;
  QPushButton* clear_;
  QLabel* reuse_;
};

/// A parameter value as JSON text (what the property editor shows for
/// lists), and back; parse_json_value throws shoal::Error on bad text.
QString value_to_json(const Value& value);
Value parse_json_value(const QString& text);

}  // namespace shoal::studio
