#include "main_window.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <optional>

#include "shoal/error.h"
#include "shoal/observer.h"
#include "shoal/pipeline_file.h"
#include "shoal/render.h"

namespace shoal::studio {
namespace {

constexpr const char* kPipelineMime = "application/x-shoal-pipeline";
constexpr int kMaxRecent = 8;
const QString kFileFilter = QObject::tr("Shoal pipelines (*.shoal.json);;All files (*)");

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      doc_(new PipelineDocument(this)),
      scene_(new PipelineScene(doc_, this)),
      view_(new PipelineView(scene_)),
      palette_(new OpPalette),
      properties_(new PropertyEditor(doc_)),
      validation_(new ValidationPanel(doc_)),
      run_panel_(new RunPanel),
      tasks_(new TaskGraphView),
      runner_(new RunController(this)) {
  setCentralWidget(view_);
  build_docks();
  build_actions();
  connect(doc_, &PipelineDocument::title_changed, this, &MainWindow::update_title);
  connect(doc_, &PipelineDocument::changed, this, &MainWindow::update_title);
  connect(scene_, &QGraphicsScene::selectionChanged, this, &MainWindow::selection_changed);
  connect(scene_, &PipelineScene::connection_refused, this, [this](const QString& why) {
    statusBar()->showMessage(tr("Connection refused: %1").arg(why), 8000);
  });
  connect(validation_, &ValidationPanel::node_activated, this,
          [this](const QString& id) { scene_->select_node(id.toStdString()); });
  connect(validation_, &ValidationPanel::validated, this, [this](int problems) {
    const Pipeline& p = doc_->pipeline();
    statusBar()->showMessage(tr("%1 nodes, %2 edges, %3 problems")
                                 .arg(p.nodes.size())
                                 .arg(p.edges.size())
                                 .arg(problems));
  });
  connect(palette_, &OpPalette::op_activated, this, [this](const QString& op) {
    scene_->drop_op(op.toStdString(), view_->mapToScene(view_->viewport()->rect().center()));
  });
  connect(run_panel_->run_button(), &QPushButton::clicked, this, &MainWindow::run);
  connect(run_panel_->stop_button(), &QPushButton::clicked, this, &MainWindow::stop);
  connect(runner_, &RunController::started, this, &MainWindow::on_run_started);
  connect(runner_, &RunController::task_changed, this, &MainWindow::on_task);
  connect(runner_, &RunController::finished, this, &MainWindow::on_run_finished);
  connect(run_panel_->clear_button(), &QPushButton::clicked, this, &MainWindow::clear_results);
  resize(1280, 800);
  update_title();
  update_recent_menu();
}

void MainWindow::build_docks() {
  auto dock = [this](const QString& title, QWidget* w, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(title);
    d->setWidget(w);
    addDockWidget(area, d);
    return d;
  };
  dock(tr("Ops"), palette_, Qt::LeftDockWidgetArea);
  dock(tr("Properties"), properties_, Qt::RightDockWidgetArea);
  QDockWidget* run = dock(tr("Run"), run_panel_, Qt::RightDockWidgetArea);
  QDockWidget* problems = dock(tr("Validation"), validation_, Qt::BottomDockWidgetArea);
  QDockWidget* tasks = dock(tr("Tasks"), tasks_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(problems, tasks);
  problems->raise();
  resizeDocks({problems}, {170}, Qt::Vertical);
  resizeDocks({run}, {330}, Qt::Horizontal);
}

QAction* MainWindow::add(QMenu* menu, const QString& text, QKeySequence key,
                         void (MainWindow::*slot)()) {
  QAction* a = menu->addAction(text, this, slot);
  if (!key.isEmpty()) a->setShortcut(key);
  actions_[QString(text).remove('&')] = a;
  return a;
}

QAction* MainWindow::action(const QString& name) const {
  auto it = actions_.find(name);
  return it == actions_.end() ? nullptr : it->second;
}

void MainWindow::build_actions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  add(file, tr("&New"), QKeySequence::New, &MainWindow::new_file);
  add(file, tr("&Open…"), QKeySequence::Open, &MainWindow::open_dialog);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  add(file, tr("&Save"), QKeySequence::Save, &MainWindow::save);
  add(file, tr("Save &As…"), QKeySequence(tr("Ctrl+Shift+S")), &MainWindow::save_as);
  add(file, tr("&Export…"), QKeySequence(tr("Ctrl+E")), &MainWindow::export_dialog);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = doc_->undo_stack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = doc_->undo_stack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);
  actions_[tr("Undo")] = undo;
  actions_[tr("Redo")] = redo;
  edit->addSeparator();
  add(edit, tr("Cu&t"), QKeySequence::Cut, &MainWindow::cut);
  add(edit, tr("&Copy"), QKeySequence::Copy, &MainWindow::copy);
  add(edit, tr("&Paste"), QKeySequence::Paste, &MainWindow::paste);
  add(edit, tr("&Duplicate"), QKeySequence(tr("Ctrl+D")), &MainWindow::duplicate);
  add(edit, tr("De&lete"), QKeySequence::Delete, &MainWindow::delete_selection);
  add(edit, tr("Select &All"), QKeySequence::SelectAll, &MainWindow::select_all);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  add(view, tr("Zoom &In"), QKeySequence::ZoomIn, &MainWindow::zoom_in);
  add(view, tr("Zoom &Out"), QKeySequence::ZoomOut, &MainWindow::zoom_out);
  add(view, tr("Zoom to &Fit"), QKeySequence(tr("Ctrl+0")), &MainWindow::zoom_fit);
  add(view, tr("&Auto-layout"), QKeySequence(tr("Ctrl+L")), &MainWindow::auto_layout);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  add(run, tr("&Run"), QKeySequence(tr("F5")), &MainWindow::run);
  add(run, tr("&Stop"), QKeySequence(tr("Shift+F5")), &MainWindow::stop)->setEnabled(false);
  add(run, tr("&Clear Results"), QKeySequence(), &MainWindow::clear_results);
}

// ---------------------------------------------------------------- files

void MainWindow::show_error(const QString& title, const QString& text) {
  last_error_ = text;
  statusBar()->showMessage(title + ": " + text, 10000);
  if (!interactive_) return;
  auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal, does not block the caller
}

bool MainWindow::maybe_save() {
  if (!doc_->is_modified() || !interactive_) return true;
  auto answer =
      QMessageBox::question(this, tr("Unsaved changes"), tr("Save the changes to this pipeline?"),
                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save) {
    if (doc_->file_path().isEmpty()) {
      save_as();
    } else {
      save();
    }
    return !doc_->is_modified();
  }
  return true;
}

void MainWindow::new_file() {
  if (!maybe_save()) return;
  doc_->reset();
  scene_->clear_status();
}

void MainWindow::open_dialog() {
  if (!maybe_save()) return;
  QString path = QFileDialog::getOpenFileName(this, tr("Open pipeline"), {}, kFileFilter);
  if (!path.isEmpty()) open_file(path);
}

bool MainWindow::open_file(const QString& path) {
  QStringList notes;
  try {
    doc_->load(path, &notes);  // leaves the document untouched when it throws
  } catch (const std::exception& e) {
    show_error(tr("Cannot open %1").arg(QFileInfo(path).fileName()), QString::fromUtf8(e.what()));
    return false;
  }
  last_error_.clear();
  scene_->clear_status();
  add_recent(doc_->file_path());
  validation_->refresh();
  view_->zoom_fit();
  if (!notes.isEmpty()) statusBar()->showMessage(notes.join(QStringLiteral(" ")), 15000);
  last_note_ = notes.join(QStringLiteral(" "));
  return true;
}

bool MainWindow::save_file(const QString& path) {
  try {
    doc_->save(path);
  } catch (const std::exception& e) {
    show_error(tr("Cannot save %1").arg(QFileInfo(path).fileName()), QString::fromUtf8(e.what()));
    return false;
  }
  add_recent(doc_->file_path());
  statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
  return true;
}

void MainWindow::save() {
  if (doc_->file_path().isEmpty()) return save_as();
  save_file(doc_->file_path());
}

void MainWindow::save_as() {
  QString path =
      QFileDialog::getSaveFileName(this, tr("Save pipeline"), doc_->file_path(), kFileFilter);
  if (path.isEmpty()) return;
  if (!path.endsWith(QStringLiteral(".json"))) path += QStringLiteral(".shoal.json");
  save_file(path);
}

bool MainWindow::export_file(const QString& path) {
  try {
    write_dot_file(doc_->pipeline().to_dot(), path.toStdString());
  } catch (const std::exception& e) {
    show_error(tr("Cannot export %1").arg(QFileInfo(path).fileName()), QString::fromUtf8(e.what()));
    return false;
  }
  statusBar()->showMessage(tr("Exported %1").arg(path), 4000);
  return true;
}

void MainWindow::export_dialog() {
  QString path = QFileDialog::getSaveFileName(this, tr("Export drawing"), {},
                                              tr("SVG (*.svg);;PNG (*.png);;Graphviz DOT (*.dot)"));
  if (!path.isEmpty()) export_file(path);
}

void MainWindow::add_recent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue(QStringLiteral("recentFiles"), recent);
  update_recent_menu();
}

void MainWindow::update_recent_menu() {
  recent_menu_->clear();
  QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
  for (const QString& path : recent) {
    recent_menu_
        ->addAction(QFileInfo(path).fileName(), this,
                    [this, path] {
                      if (maybe_save()) open_file(path);
                    })
        ->setToolTip(path);
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::update_title() {
  const Pipeline& p = doc_->pipeline();
  QString name =
      doc_->file_path().isEmpty() ? tr("untitled") : QFileInfo(doc_->file_path()).fileName();
  if (!p.metadata.name.empty()) name = q(p.metadata.name) + " — " + name;
  setWindowTitle(name + (doc_->is_modified() ? "*" : "") + tr(" — Shoal Studio"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (maybe_save()) {
    runner_->stop();
    event->accept();
  } else {
    event->ignore();
  }
}

// ---------------------------------------------------------------- editing

void MainWindow::copy() {
  std::vector<std::string> ids = scene_->selected_ids();
  if (ids.empty()) return;
  try {
    std::string json = encode_pipeline_json(doc_->fragment(ids));
    auto* data = new QMimeData;
    data->setData(kPipelineMime, QByteArray::fromStdString(json));
    data->setText(q(json));
    QApplication::clipboard()->setMimeData(data);
  } catch (const std::exception& e) {
    show_error(tr("Cannot copy"), QString::fromUtf8(e.what()));
  }
}

void MainWindow::cut() {
  copy();
  delete_selection();
}

void MainWindow::paste() {
  const QMimeData* data = QApplication::clipboard()->mimeData();
  if (!data || !data->hasFormat(kPipelineMime)) return;
  try {
    Pipeline fragment = decode_pipeline_json(data->data(kPipelineMime).toStdString(), "clipboard");
    std::vector<std::string> ids = doc_->paste(fragment, QPointF(40, 40));
    scene_->clearSelection();
    for (const std::string& id : ids) {
      if (NodeItem* item = scene_->node_item(id)) item->setSelected(true);
    }
  } catch (const std::exception& e) {
    show_error(tr("Cannot paste"), QString::fromUtf8(e.what()));
  }
}

void MainWindow::duplicate() {
  std::vector<std::string> ids =
      doc_->paste(doc_->fragment(scene_->selected_ids()), QPointF(40, 40));
  scene_->clearSelection();
  for (const std::string& id : ids) {
    if (NodeItem* item = scene_->node_item(id)) item->setSelected(true);
  }
}

void MainWindow::delete_selection() {
  std::vector<std::string> ids = scene_->selected_ids();
  if (!ids.empty()) return doc_->remove_nodes(ids);
  std::vector<std::size_t> edges = scene_->selected_edges();
  if (!edges.empty()) doc_->remove_edges(edges);
}

void MainWindow::select_all() {
  for (NodeItem* item : scene_->node_items()) item->setSelected(true);
}

void MainWindow::auto_layout() {
  try {
    scene_->auto_layout();
    view_->zoom_fit();
  } catch (const std::exception& e) {
    show_error(tr("Auto-layout failed"), QString::fromUtf8(e.what()));
  }
}

void MainWindow::selection_changed() {
  std::vector<std::string> ids = scene_->selected_ids();
  properties_->set_node(ids.size() == 1 ? ids[0] : std::string());
  show_preview();
}

// ---------------------------------------------------------------- running

void MainWindow::run() {
  if (runner_->running()) return;
  scene_->clear_status();
  // Relative paths in a pipeline are relative to its file, as in `shoal run`.
  QString dir =
      doc_->file_path().isEmpty() ? QString() : QFileInfo(doc_->file_path()).absolutePath();
  runner_->set_memory_limit(run_panel_->memory_limit());
  if (!runner_->start(doc_->pipeline(), dir.toStdString(), run_panel_->scheduler())) return;
}

void MainWindow::stop() {
  runner_->stop();
  run_panel_->set_message(tr("Stopping: waiting for the tasks that are running…"), false);
}

void MainWindow::on_run_started(int tasks) {
  tasks_done_ = 0;
  run_panel_->progress()->setRange(0, std::max(tasks, 1));
  run_panel_->progress()->setValue(0);
  std::string where = run_panel_->scheduler();
  run_panel_->set_message(where.empty()
                              ? tr("Running %1 tasks on the embedded LocalCluster…").arg(tasks)
                              : tr("Running %1 tasks on the cluster at %2…")
                                    .arg(tasks)
                                    .arg(QString::fromStdString(where)),
                          false);
  run_panel_->run_button()->setEnabled(false);
  run_panel_->stop_button()->setEnabled(true);
  action(tr("Run"))->setEnabled(false);
  action(tr("Stop"))->setEnabled(true);
  const LoweredPipeline& low = runner_->lowered();
  for (const LoweredNode& n : low.nodes) show_node_progress(n.id, NodeStatus::kWaiting);
  try {
    // The graph that runs, one box per node until a node is expanded.
    RunController* runner = runner_;
    tasks_->set_graph(runner_->graph(),
                      [runner](const Key& k) { return runner->group_of(k.str()); });
    for (const Task& t : runner_->graph().tasks()) {
      const std::string key = t.key.str();
      tasks_->set_task_status(key,
                              runner_->was_reused(key) ? NodeStatus::kDone : NodeStatus::kWaiting);
    }
  } catch (const std::exception& e) {
    statusBar()->showMessage(tr("Cannot draw the task graph: %1").arg(QString::fromUtf8(e.what())),
                             8000);
  }
}

// A node's status and caption from its progress: "3/8 partitions, 5 tasks".
void MainWindow::show_node_progress(const std::string& id, NodeStatus status,
                                    const QString& error) {
  const NodeProgress* p = runner_->progress(id);
  if (!p) return scene_->set_status(id, status, error);
  if (p->erred) status = NodeStatus::kError;
  QString caption;
  if (status == NodeStatus::kError) {
    caption = error.isEmpty() ? tr("failed") : error;
  } else if (p->partitions == 0 && p->tasks == 0) {
    caption = status == NodeStatus::kDone ? tr("done (fused into its reader)")
                                          : tr("fused into its reader");
  } else {
    caption =
        tr("%1/%2 partitions, %3 tasks").arg(p->partitions_done).arg(p->partitions).arg(p->tasks);
  }
  scene_->set_status(id, status, caption);
}

void MainWindow::on_task(const QString& key, int state, const QString& error) {
  const std::string k = key.toStdString();
  auto event = static_cast<TaskEvent::State>(state);
  NodeStatus status = event == TaskEvent::State::kStarted    ? NodeStatus::kRunning
                      : event == TaskEvent::State::kFinished ? NodeStatus::kDone
                                                             : NodeStatus::kError;
  tasks_->set_task_status(k, status);
  if (event == TaskEvent::State::kFinished) run_panel_->progress()->setValue(++tasks_done_);
  for (const std::string& node : runner_->nodes_of(k)) {
    const NodeProgress* p = runner_->progress(node);
    NodeStatus s = status;
    if (s == NodeStatus::kDone && p && p->tasks_done < p->tasks) s = NodeStatus::kRunning;
    show_node_progress(node, s, error);
    if (NodeItem* item = scene_->node_item(node); item && status == NodeStatus::kError)
      item->setToolTip(error);
  }
}

void MainWindow::on_run_finished(bool ok, const QString& message) {
  run_panel_->set_message(message, !ok);
  run_panel_->run_button()->setEnabled(true);
  run_panel_->stop_button()->setEnabled(false);
  action(tr("Run"))->setEnabled(true);
  action(tr("Stop"))->setEnabled(false);
  show_reuse();
  if (!ok) {
    // Nodes that never ran stay "waiting"; a cancelled run says so on them.
    for (const LoweredNode& n : runner_->lowered().nodes) {
      NodeStatus s = scene_->status(n.id);
      if (s == NodeStatus::kWaiting || s == NodeStatus::kRunning)
        scene_->set_status(n.id, NodeStatus::kWaiting, tr("not run"));
    }
    statusBar()->showMessage(tr("Run failed: %1").arg(message), 10000);
  } else {
    for (const LoweredNode& n : runner_->lowered().nodes)
      show_node_progress(n.id, NodeStatus::kDone);
    statusBar()->showMessage(message, 5000);
  }
  show_preview();
}

void MainWindow::show_reuse() {
  const ResultCache& c = runner_->cache();
  run_panel_->set_reuse(tr("%1 results reused; %2 kept (%3 of %4 MiB)")
                            .arg(runner_->reused())
                            .arg(c.size())
                            .arg(static_cast<double>(c.bytes()) / (1 << 20), 0, 'f', 1)
                            .arg(c.budget() >> 20));
}

void MainWindow::clear_results() {
  runner_->clear_results();
  show_reuse();
  statusBar()->showMessage(tr("Cleared the kept results: the next run computes everything."), 5000);
}

// The selected nodes' values (computed on demand for nodes that are not
// sinks: head(10) only), else the sinks'. The first table among them also
// goes to the table widget.
void MainWindow::show_preview() {
  if (runner_->results().empty() || runner_->running())
    return run_panel_->set_preview(tr("Preview"), {});
  std::vector<std::string> ids = scene_->selected_ids();
  const bool selected = !ids.empty();
  if (!selected) ids = runner_->lowered().sinks;
  QString text;
  std::optional<Table> table;
  for (const std::string& id : ids) {
    QString shown;
    try {
      Value v = runner_->preview(id, 10);
      if (v.is_table() && !table) table = v.as_table();
      shown = preview_text(v);
    } catch (const std::exception& e) {
      shown = tr("(no preview: %1)").arg(QString::fromUtf8(e.what()));
    }
    if (!text.isEmpty()) text += "\n\n";
    text += q(id) + ":\n" + shown;
  }
  run_panel_->set_preview(selected ? tr("Preview (selected)") : tr("Preview (results)"), text,
                          table ? &*table : nullptr);
}

}  // namespace shoal::studio
