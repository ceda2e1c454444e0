// MainWindow end to end under the offscreen platform: opening (and refusing)
// files, running example pipelines on the embedded cluster with per-node and
// per-task status, errors on their node, Stop, previews, the property
// editor, validation, palette, clipboard actions, recent files and export.
#include <doctest/doctest.h>

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>
#include <QTreeWidget>
#include <QWheelEvent>
#include <fstream>
#include <memory>

#include "main_window.h"
#include "shoal/column.h"
#include "shoal/scheduler_node.h"
#include "shoal/table.h"
#include "shoal/worker_node.h"
#include "studio_app.h"

using namespace shoal;
using namespace shoal::studio;
using shoal::studio::testing::run_to_end;

namespace {

QString example(const char* name) {
  return QStringLiteral(SHOAL_EXAMPLES_DIR "/%1.shoal.json").arg(name);
}

void check_all(MainWindow& w, NodeStatus status) {
  for (const PipelineNode& n : w.document()->pipeline().nodes) {
    CAPTURE(n.id);
    CHECK(status_name(w.scene()->status(n.id)) == status_name(status));
  }
}

// Ops the tests register: a table source, and one with every kind of parameter.
void register_test_ops() {
  static bool once = [] {
    Op table;
    table.name = "test.table";
    table.group = "Tests";
    table.doc = "A 12-row table of n and n squared.";
    table.fn = [](OpContext&, std::span<const Value>, const Params&) {
      std::vector<std::int64_t> n, sq;
      for (std::int64_t i = 0; i < 12; ++i) n.push_back(i), sq.push_back(i * i);
      return Value(
          Table({"n", "square"}, {std::make_shared<const Column>(Column::from_int64(n)),
                                  std::make_shared<const Column>(Column::from_int64(sq))}));
    };
    OpRegistry::global().add(std::move(table), "studio tests");
    Op params;
    params.name = "test.params";
    params.group = "Tests";
    params.fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(1); };
    params.params = {
        {.name = "flag", .type = ParamSpec::Type::kBool},
        {.name = "count",
         .type = ParamSpec::Type::kInt,
         .default_value = Value(3),
         .min = 1,
         .max = 10},
        {.name = "ratio", .type = ParamSpec::Type::kFloat, .min = 0.0, .max = 1.0},
        {.name = "mode", .type = ParamSpec::Type::kChoice, .choices = {"fast", "exact"}},
        {.name = "title", .type = ParamSpec::Type::kString},
        {.name = "path", .type = ParamSpec::Type::kPath},
        {.name = "items", .type = ParamSpec::Type::kList},
    };
    OpRegistry::global().add(std::move(params), "studio tests");
    return true;
  }();
  (void)once;
}

}  // namespace

TEST_CASE("running an example: every node done, every task done, the preview shows the result") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(example("arithmetic")));
  CHECK(w.scene()->node_items().size() == 5);
  CHECK(w.scene()->edge_items().size() == 5);
  CHECK(run_to_end(w));
  check_all(w, NodeStatus::kDone);
  CHECK(w.run_panel()->preview().contains("mul:\n46"));  // (inc(20) + 2) * 2, the sink
  CHECK(w.run_panel()->progress()->value() == w.run_panel()->progress()->maximum());
  CHECK(w.run_panel()->progress()->maximum() == 5);
  const Graph& graph = w.runner()->lowered().graph;
  CHECK(w.tasks_view()->task_count() == graph.size());
  for (const Task& t : graph.tasks())
    CHECK(w.tasks_view()->task_status(t.key.str()) == NodeStatus::kDone);

  w.scene()->select_node("inc");  // a selected node previews its own value
  CHECK(w.run_panel()->preview() == "inc:\n21");

  REQUIRE(w.open_file(example("sum_of_squares")));
  CHECK(w.scene()->node_items().size() == 10);
  check_all(w, NodeStatus::kIdle);  // a new document starts without status
  CHECK(run_to_end(w));
  check_all(w, NodeStatus::kDone);
  CHECK(w.run_panel()->preview().contains("total:\n30"));
}

TEST_CASE("running the text and tensor examples: a file read by a relative path, several sinks") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(example("word_count")));
  CHECK(run_to_end(w));
  check_all(w, NodeStatus::kDone);
  CHECK(w.run_panel()->preview().contains(R"(top:
[["the", 41], ["of", 33], ["to", 17], ["a", 17], ["and", 16]])"));

  REQUIRE(w.open_file(example("array_stats")));
  CHECK(w.scene()->node_items().size() == 12);
  CHECK(run_to_end(w));
  check_all(w, NodeStatus::kDone);
  const QString preview = w.run_panel()->preview();
  CAPTURE(preview.toStdString());
  for (const char* sink :
       {"mean:\n10.00025", "std:\n2.00273", "best_column:\n37", "share_above_12:\n0.1587"})
    CHECK(preview.contains(sink));
}

TEST_CASE("running on a remote cluster (the scheduler field), and a scheduler that is not there") {
  testing::app();
  SchedulerNode scheduler({.port = 0, .log = [](const std::string&) {}});
  WorkerNodeOptions wo;
  wo.scheduler = scheduler.address();
  wo.threads = 1;
  wo.log = [](const std::string&) {};
  WorkerNode worker(wo);
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(example("arithmetic")));
  w.run_panel()->scheduler_field()->setText(QString::fromStdString(scheduler.address()));
  CHECK(run_to_end(w));
  check_all(w, NodeStatus::kDone);
  CHECK(w.run_panel()->preview().contains("mul:\n46"));
  const Graph& graph = w.runner()->lowered().graph;
  for (const Task& t : graph.tasks())
    CHECK(w.tasks_view()->task_status(t.key.str()) == NodeStatus::kDone);

  w.run_panel()->scheduler_field()->setText(QStringLiteral("127.0.0.1:1"));
  QString message;
  auto c = QObject::connect(w.runner(), &RunController::finished,
                            [&](bool, const QString& m) { message = m; });
  CHECK_FALSE(run_to_end(w));
  QObject::disconnect(c);
  CHECK(message.contains(QStringLiteral("127.0.0.1:1")));
  w.run_panel()->scheduler_field()->clear();  // back to the embedded cluster
  CHECK(run_to_end(w));
}

TEST_CASE("a table result previews its first rows") {
  testing::app();
  register_test_ops();
  MainWindow w;
  w.set_interactive(false);
  w.document()->add_node("test.table", {0, 0});
  CHECK(run_to_end(w));
  QString preview = w.run_panel()->preview();
  CAPTURE(preview.toStdString());
  CHECK(preview.contains("n  square"));
  CHECK(preview.contains("9  81"));
  CHECK_FALSE(preview.contains("121"));  // row 11 is beyond the first 10
  CHECK(preview.contains("(12 rows, 2 columns; first 10 shown)"));
}

TEST_CASE("an op that fails shows its error on its node; the rest does not run") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  PipelineDocument* doc = w.document();
  doc->add_node("value", {0, 0});
  doc->set_param("value", "value", Value("text"));
  doc->add_node("inc", {0, 120});
  doc->add_node("inc", {0, 240});
  QString why;
  REQUIRE(doc->connect_ports({"value", "out"}, {"inc", "x"}, &why));
  REQUIRE(doc->connect_ports({"inc", "out"}, {"inc_2", "x"}, &why));
  CHECK_FALSE(run_to_end(w));
  CHECK(w.scene()->status("value") == NodeStatus::kDone);
  CHECK(w.scene()->status("inc") == NodeStatus::kError);
  CHECK(w.scene()->status("inc_2") == NodeStatus::kWaiting);
  CHECK(w.scene()->node_item("inc")->toolTip().contains("got string"));  // the TypeError's message
  CHECK(w.run_panel()->message().contains("op 'inc'"));
}

TEST_CASE("a pipeline with problems does not start; Stop cancels a run") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  w.document()->add_node("inc", {0, 0});  // x unconnected
  CHECK_FALSE(run_to_end(w));
  CHECK(w.run_panel()->message().contains("inc"));

  w.document()->reset();
  PipelineDocument* doc = w.document();
  doc->add_node("value", {0, 0});
  doc->set_param("value", "value", Value(1));
  std::string prev = "value";
  for (int i = 0; i < 6; ++i) {  // a chain of 6 x 300 ms
    std::string id = doc->add_node("sleep", {0, 120.0 * (i + 1)});
    doc->set_param(id, "ms", Value(300));
    QString why;
    REQUIRE(doc->connect_ports({prev, "out"}, {id, "x"}, &why));
    prev = id;
  }
  bool done = false, ok = true;
  QString message;
  QObject::connect(w.runner(), &RunController::finished, [&](bool success, const QString& m) {
    done = true;
    ok = success;
    message = m;
  });
  QElapsedTimer clock;
  clock.start();
  w.run();
  REQUIRE(testing::wait_until([&] { return w.scene()->status("sleep") == NodeStatus::kRunning; }));
  CHECK(w.action("Stop")->isEnabled());
  w.action("Stop")->trigger();
  REQUIRE(testing::wait_until([&] { return done; }));
  CHECK(clock.elapsed() < 1500);  // not the 1.8 s of the whole chain
  CHECK_FALSE(ok);
  CHECK(message.contains("cancelled"));
  CHECK(w.scene()->status("sleep_6") == NodeStatus::kWaiting);
  CHECK(w.action("Run")->isEnabled());
  CHECK_FALSE(w.action("Stop")->isEnabled());
}

TEST_CASE("a corrupt file or a newer format shows an error and leaves the document untouched") {
  testing::app();
  QTemporaryDir dir;
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(example("arithmetic")));
  w.document()->add_node("inc", {500, 500});  // an unsaved edit
  const Pipeline before = w.document()->pipeline();
  const QString path = w.document()->file_path(), title = w.windowTitle();
  const int steps = w.document()->undo_stack()->count();

  std::string corrupt = dir.filePath("corrupt.shoal.json").toStdString();
  std::ofstream(corrupt) << "{\"format\": 1, \"name\": \"x\", \"nodes\": [{\"id\": ";
  std::string newer = dir.filePath("newer.shoal.json").toStdString();
  std::ofstream(newer) << "{\"format\": 99, \"name\": \"future\", \"nodes\": [], \"edges\": []}";
  CHECK_FALSE(w.open_file(QString::fromStdString(corrupt)));
  CHECK(w.last_error().contains("corrupt.shoal.json"));
  CHECK_FALSE(w.open_file(QString::fromStdString(newer)));
  CHECK(w.last_error().contains("newer"));
  CHECK(w.document()->pipeline() == before);
  CHECK(w.document()->file_path() == path);
  CHECK(w.document()->undo_stack()->count() == steps);
  CHECK(w.windowTitle() == title);
  CHECK(w.scene()->node_items().size() == before.nodes.size());
}

TEST_CASE("save, recent files and export") {
  testing::app();
  QTemporaryDir dir;
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(example("sum_of_squares")));
  CHECK(QSettings().value("recentFiles").toStringList().value(0) == w.document()->file_path());
  w.document()->set_label("total", "renamed");
  CHECK(w.windowTitle().contains("*"));
  QString copy = dir.filePath("copy.shoal.json");
  REQUIRE(w.save_file(copy));
  CHECK_FALSE(w.windowTitle().contains("*"));
  CHECK(QSettings().value("recentFiles").toStringList().value(0) == copy);
  MainWindow other;
  REQUIRE(other.open_file(copy));
  CHECK(other.document()->pipeline() == w.document()->pipeline());

  for (const char* ext : {"svg", "png", "dot"}) {
    QString out = dir.filePath(QStringLiteral("drawing.%1").arg(ext));
    REQUIRE(w.export_file(out));
    QFile f(out);
    REQUIRE(f.open(QIODevice::ReadOnly));
    QByteArray bytes = f.readAll();
    if (QString(ext) == "svg") CHECK(bytes.contains("<svg"));
    if (QString(ext) == "png") CHECK(bytes.startsWith("\x89PNG"));
    if (QString(ext) == "dot") CHECK(bytes.contains("pos="));
  }
  CHECK_FALSE(w.export_file(dir.filePath("drawing.bmp")));
  CHECK(w.last_error().contains("bmp"));
}

TEST_CASE("the property editor builds a widget per parameter and edits through the undo stack") {
  testing::app();
  register_test_ops();
  MainWindow w;
  w.set_interactive(false);
  PipelineDocument* doc = w.document();
  doc->add_node("test.params", {0, 0});
  w.scene()->select_node("test.params");
  PropertyEditor* ed = w.properties();
  CHECK(ed->node() == "test.params");
  auto* count = qobject_cast<QSpinBox*>(ed->editor("count"));
  REQUIRE(count);
  CHECK(count->minimum() == 1);
  CHECK(count->maximum() == 10);
  CHECK(count->value() == 3);  // the default
  REQUIRE(qobject_cast<QCheckBox*>(ed->editor("flag")));
  auto* ratio = qobject_cast<QDoubleSpinBox*>(ed->editor("ratio"));
  REQUIRE(ratio);
  CHECK(ratio->maximum() == 1.0);
  auto* mode = qobject_cast<QComboBox*>(ed->editor("mode"));
  REQUIRE(mode);
  CHECK(mode->count() == 2);
  REQUIRE(qobject_cast<QLineEdit*>(ed->editor("title")));
  CHECK(ed->editor("path")->findChild<QToolButton*>());  // the file dialog button
  auto* items = qobject_cast<QLineEdit*>(ed->editor("items"));
  REQUIRE(items);

  const int steps = doc->undo_stack()->count();
  count->setValue(7);
  CHECK(doc->pipeline().nodes[0].params.at("count") == Value(7));
  testing::wait_until([&] { return ed->editor("mode") != mode; }, 2000);  // the form rebuilds
  qobject_cast<QComboBox*>(ed->editor("mode"))->setCurrentText("exact");
  CHECK(doc->pipeline().nodes[0].params.at("mode") == Value("exact"));
  testing::wait_until([&] { return ed->editor("items") != items; }, 2000);
  items = qobject_cast<QLineEdit*>(ed->editor("items"));
  items->setText("[1, 2.5, \"x\"]");
  emit items->editingFinished();
  CHECK(doc->pipeline().nodes[0].params.at("items") ==
        Value(List{Value(1), Value(2.5), Value("x")}));
  CHECK(doc->undo_stack()->count() == steps + 3);
  doc->undo_stack()->undo();
  doc->undo_stack()->undo();
  doc->undo_stack()->undo();
  CHECK(doc->pipeline().nodes[0].params.empty());
  CHECK(testing::wait_until(
      [&] { return qobject_cast<QSpinBox*>(ed->editor("count"))->value() == 3; }, 2000));

  // Bad JSON is refused without an edit.
  items = qobject_cast<QLineEdit*>(ed->editor("items"));
  items->setText("[1, ");
  emit items->editingFinished();
  CHECK(doc->pipeline().nodes[0].params.empty());
  CHECK(items->toolTip().contains("JSON"));
}

TEST_CASE("validation is live and clicking a problem selects its node") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  CHECK(w.validation()->problem_count() == 0);
  w.document()->add_node("inc", {0, 0});
  w.document()->add_node("value", {0, 200});
  REQUIRE(testing::wait_until([&] { return w.validation()->problem_count() == 2; }, 3000));
  QListWidget* list = w.validation()->list();
  REQUIRE(list->count() == 2);
  QListWidgetItem* about_value = nullptr;
  for (int i = 0; i < list->count(); ++i) {
    if (list->item(i)->data(Qt::UserRole).toString() == "value") about_value = list->item(i);
  }
  REQUIRE(about_value);
  emit list->itemClicked(about_value);
  CHECK(w.scene()->selected_ids() == std::vector<std::string>{"value"});
  w.document()->set_param("value", "value", Value(1));
  REQUIRE(testing::wait_until([&] { return w.validation()->problem_count() == 1; }, 3000));
}

TEST_CASE("palette search, edit actions and zoom") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  w.palette()->set_filter("inc");
  CHECK(w.palette()->visible_ops().contains("inc"));
  CHECK_FALSE(w.palette()->visible_ops().contains("mul"));
  w.palette()->set_filter("arith");  // a group name matches its ops
  CHECK(w.palette()->visible_ops().contains("mul"));
  w.palette()->set_filter("");
  CHECK(w.palette()->visible_ops().size() > 10);

  // An item drags as its op's name; a double-click adds the op's node.
  auto* tree = w.palette()->findChild<QTreeWidget*>();
  REQUIRE(tree);
  QList<QTreeWidgetItem*> found = tree->findItems("inc", Qt::MatchExactly | Qt::MatchRecursive);
  REQUIRE(found.size() == 1);
  std::unique_ptr<QMimeData> drag(tree->model()->mimeData({tree->indexFromItem(found[0])}));
  REQUIRE(drag);
  CHECK(drag->data(kOpMimeType) == "inc");
  emit tree->itemDoubleClicked(found[0], 0);
  CHECK(w.document()->pipeline().nodes.size() == 1);
  CHECK(w.document()->pipeline().nodes[0].op == "inc");
  w.action("Undo")->trigger();
  CHECK(w.document()->pipeline().nodes.empty());

  REQUIRE(w.open_file(example("arithmetic")));
  for (const char* name : {"New", "Open…", "Save", "Save As…", "Undo", "Redo", "Cut", "Copy",
                           "Paste", "Duplicate", "Delete", "Select All", "Zoom In", "Zoom Out",
                           "Zoom to Fit", "Auto-layout", "Run", "Stop"}) {
    CAPTURE(std::string(name));
    REQUIRE(w.action(name));
    CHECK_FALSE(w.action(name)->shortcut().isEmpty());
  }
  w.scene()->select_node("inc");
  w.action("Duplicate")->trigger();
  CHECK(w.scene()->selected_ids() == std::vector<std::string>{"inc_2"});
  w.action("Copy")->trigger();
  const QMimeData* clip = QApplication::clipboard()->mimeData();
  REQUIRE(clip);
  CAPTURE(clip->formats().join(",").toStdString());
  w.action("Paste")->trigger();
  CHECK(w.scene()->selected_ids() == std::vector<std::string>{"inc_3"});
  w.action("Cut")->trigger();
  CHECK_FALSE(w.document()->pipeline().find_node("inc_3"));
  w.action("Select All")->trigger();
  CHECK(w.scene()->selected_ids().size() == 6);
  w.action("Delete")->trigger();
  CHECK(w.document()->pipeline().nodes.empty());
  w.action("Undo")->trigger();
  CHECK(w.document()->pipeline().nodes.size() == 6);
  CHECK(w.document()->pipeline().edges.size() == 5);
  w.scene()->clearSelection();
  w.scene()->edge_items().at(0)->setSelected(true);  // with no node selected, Delete removes edges
  w.action("Delete")->trigger();
  CHECK(w.document()->pipeline().edges.size() == 4);
  CHECK(w.scene()->edge_items().size() == 4);

  w.view()->resetTransform();
  w.action("Zoom In")->trigger();
  CHECK(w.view()->zoom_factor() > 1.2);
  w.action("Zoom Out")->trigger();
  w.action("Zoom Out")->trigger();
  CHECK(w.view()->zoom_factor() < 1.0);
  w.action("Auto-layout")->trigger();
  CHECK(w.last_error().isEmpty());

  // Ctrl+wheel zooms; a plain wheel scrolls.
  w.view()->resetTransform();
  QPointF centre = w.view()->viewport()->rect().center();
  QWheelEvent up(centre, w.view()->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 120),
                 Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(w.view()->viewport(), &up);
  CHECK(w.view()->zoom_factor() > 1.1);
  QWheelEvent plain(centre, w.view()->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 120),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  const double before = w.view()->zoom_factor();
  QApplication::sendEvent(w.view()->viewport(), &plain);
  CHECK(w.view()->zoom_factor() == before);
}
