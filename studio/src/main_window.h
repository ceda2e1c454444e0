// MainWindow: the studio's window — the canvas in the middle, the palette,
// properties, validation, run and task-graph panels docked around it, the
// menus and shortcuts, and the file commands (open, save, recent, export).
// GUI thread only.
#pragma once

#include <QMainWindow>
#include <QString>
#include <map>

#include "panels.h"
#include "pipeline_document.h"
#include "pipeline_scene.h"
#include "run_controller.h"
#include "views.h"

class QMenu;

namespace shoal::studio {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  /// Opens a pipeline file. On failure (unreadable, corrupt, a newer
  /// format) shows the error, keeps the open document as it was and returns
  /// false; last_error() then holds the message.
  bool open_file(const QString& path);
  /// Saves to `path`; false (and an error shown) when it cannot.
  bool save_file(const QString& path);
  /// Writes the pipeline's drawing as .dot, .svg or .png (by extension).
  bool export_file(const QString& path);
  /// Starts a run of the document on the embedded cluster.
  void run();
  void stop();

  QString last_error() const { return last_error_; }
  /// What opening the last file noted (a migrated older format); empty when nothing.
  QString last_note() const { return last_note_; }
  /// The menu action named by its text without '&' (e.g. "Save As"), for tests.
  QAction* action(const QString& name) const;
  /// Set false (tests, --screenshot) to report errors without message boxes.
  void set_interactive(bool on) { interactive_ = on; }

  PipelineDocument* document() const { return doc_; }
  PipelineScene* scene() const { return scene_; }
  PipelineView* view() const { return view_; }
  OpPalette* palette() const { return palette_; }
  PropertyEditor* properties() const { return properties_; }
  ValidationPanel* validation() const { return validation_; }
  RunPanel* run_panel() const { return run_panel_; }
  TaskGraphView* tasks_view() const { return tasks_; }
  RunController* runner() const { return runner_; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void build_actions();
  void build_docks();
  QAction* add(QMenu* menu, const QString& text, QKeySequence key, void (MainWindow::*slot)());
  void new_file();
  void open_dialog();
  void save();
  void save_as();
  void export_dialog();
  void cut();
  void copy();
  void paste();
  void duplicate();
  void delete_selection();
  void select_all();
  void zoom_in() { view_->zoom_in(); }
  void zoom_out() { view_->zoom_out(); }
  void zoom_fit() { view_->zoom_fit(); }
  void auto_layout();
  void add_recent(const QString& path);
  void update_recent_menu();
  void update_title();
  void selection_changed();
  void show_preview();
  void show_error(const QString& title, const QString& text);
  bool maybe_save();
  void on_run_started(int tasks);
  void on_task(const QString& key, int state, const QString& error);
  void on_run_finished(bool ok, const QString& message);
  void show_node_progress(const std::string& id, NodeStatus status, const QString& error = {});
  void show_reuse();
  void clear_results();

  PipelineDocument* doc_;
  PipelineScene* scene_;
  PipelineView* view_;
  OpPalette* palette_;
  PropertyEditor* properties_;
  ValidationPanel* validation_;
  RunPanel* run_panel_;
  TaskGraphView* tasks_;
  RunController* runner_;
  QMenu* recent_menu_ = nullptr;
  std::map<QString, QAction*> actions_;
  QString last_error_;
  QString last_note_;
  bool interactive_ = true;
  int tasks_done_ = 0;
};

}  // namespace shoal::studio
