// The studio on partitions: after running the trips example (4 KiB blocks)
// its read node shows N/N partitions with N > 1, the Tasks view groups the
// N read tasks under that node, the preview is a table of the right first
// rows, a second run after editing the last node reuses the earlier nodes'
// results (and Clear results forgets them), internal ops stay out of the
// palette, a 10,000-task graph collapses to a box per node, and the run
// panel's memory limit reaches the embedded cluster.
#include <doctest/doctest.h>

#include <QSpinBox>
#include <QTemporaryDir>
#include <filesystem>
#include <fstream>

#include "main_window.h"
#include "panels.h"
#include "run_controller.h"
#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"
#include "studio_app.h"

using namespace shoal;
using namespace shoal::studio;
using shoal::studio::testing::run_to_end;
namespace fs = std::filesystem;

namespace {

// The trips example and its data, copied: its run writes a file beside it.
fs::path copy_trips(const QTemporaryDir& dir) {
  const fs::path examples = fs::path(SHOAL_EXAMPLES_DIR).parent_path();
  const fs::path root = dir.path().toStdString();
  fs::copy(examples / "data", root / "data");
  fs::create_directories(root / "pipelines");
  fs::copy_file(examples / "pipelines" / "trips.shoal.json",
                root / "pipelines" / "trips.shoal.json");
  return root;
}

}  // namespace

TEST_CASE("trips in the studio: partitions per node, grouped tasks, a table preview, reuse") {
  testing::app();
  QTemporaryDir dir;
  const fs::path root = copy_trips(dir);
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(QString::fromStdString((root / "pipelines" / "trips.shoal.json").string())));
  REQUIRE(run_to_end(w));

  // The read node: N/N partitions, N > 1, and N tasks under it.
  const NodeProgress* read = w.runner()->progress("trips");
  REQUIRE(read != nullptr);
  const std::size_t n = read->partitions;
  CHECK(n > 1);
  CHECK(read->partitions_done == n);
  const QString caption = w.scene()->caption("trips");
  CAPTURE(caption.toStdString());
  CHECK(caption.startsWith(QStringLiteral("%1/%1 partitions").arg(n)));
  TaskGraphView* tasks = w.tasks_view();
  CHECK(tasks->group_size("trips") == n);
  CHECK(tasks->group_label("trips") == QStringLiteral("trips\n%1/%1 tasks").arg(n));
  const std::size_t collapsed = tasks->box_count();
  CHECK(collapsed < w.runner()->graph().size());  // a box per node, not per task
  tasks->set_expanded("trips", true);
  CHECK(tasks->box_count() == collapsed - 1 + n);
  tasks->set_expanded("trips", false);
  CHECK(tasks->box_count() == collapsed);

  // The preview of a node that is not a sink: a table of its first rows,
  // equal to the same query through the DataFrame API.
  w.scene()->select_node("by_zone");
  QTableWidget* table = w.run_panel()->preview_table();
  REQUIRE(table->isVisibleTo(w.run_panel()));
  InlineExecutor ex;
  CsvOptions blocks;
  blocks.blocksize = 4096;  // as the example: the same partial sums, the same last digits
  DataFrame trips = read_csv((root / "data" / "trips.csv").string(), blocks);
  Table want =
      trips[trips["distance"] > 1.0]
          .assign("per_km", trips["fare"] / trips["distance"])
          .groupby({"zone"})
          .agg({{"per_km", "mean", ""}, {"fare", "sum", "fares"}, {"fare", "size", "trips"}})
          .compute(ex);
  REQUIRE(table->columnCount() == static_cast<int>(want.num_columns()));
  CHECK(table->rowCount() == static_cast<int>(std::min<std::size_t>(10, want.num_rows())));
  CHECK(table->horizontalHeaderItem(0)->text() == "zone (string)");
  for (int r = 0; r < table->rowCount(); ++r) {
    for (int c = 0; c < table->columnCount(); ++c) {
      CAPTURE(r);
      CAPTURE(c);
      CHECK(table->item(r, c)->text().toStdString() ==
            cell_text(want.column(static_cast<std::size_t>(c)), static_cast<std::size_t>(r)));
    }
  }

  // Edit the last node and run again: everything before it is reused.
  const std::size_t first_tasks = w.runner()->graph().size();
  w.document()->set_param("write", "path", Value("trips_again.csv"));
  REQUIRE(run_to_end(w));
  CHECK(w.runner()->reused() > 0);
  CHECK(w.runner()->graph().size() < first_tasks);
  CHECK(w.run_panel()->reuse().startsWith(
      QStringLiteral("%1 results reused").arg(w.runner()->reused())));
  CHECK(fs::exists(root / "pipelines" / "trips_again.csv"));
  CHECK(w.runner()->progress("trips")->partitions_done == n);
  CHECK(w.scene()->caption("trips").startsWith(QStringLiteral("%1/%1 partitions").arg(n)));

  // Clear results: the next run computes everything again.
  w.run_panel()->clear_button()->click();
  CHECK(w.runner()->cache().size() == 0);
  REQUIRE(run_to_end(w));
  CHECK(w.runner()->reused() == 0);
  CHECK(w.runner()->graph().size() == first_tasks);
}

TEST_CASE("the palette offers user-facing ops only") {
  testing::app();
  MainWindow w;
  w.set_interactive(false);
  w.palette()->set_filter("");
  QStringList ops = w.palette()->visible_ops();
  CHECK(ops.contains("table.read_csv"));
  CHECK(ops.contains("getitem"));
  for (const OpPtr& op : OpRegistry::global().list()) {
    CAPTURE(op->name);
    if (op->internal) CHECK_FALSE(ops.contains(QString::fromStdString(op->name)));
  }
  CHECK_FALSE(ops.contains("dataframe.csv_block"));
  CHECK_FALSE(ops.contains("identity"));
}

TEST_CASE("a Tasks view of 10,000 tasks draws a box per node until one is expanded") {
  testing::app();
  Graph g;
  const OpPtr inc = OpRegistry::global().get("inc");
  const OpPtr sum = OpRegistry::global().get("sum");
  std::vector<Arg> leaves;
  for (int i = 0; i < 9990; ++i) {
    Key k("leaf", {i});
    g.add(Task{k, inc, {Arg(Value(i))}, nullptr, nullptr});
    if (i % 1000 == 0) leaves.emplace_back(k);
  }
  for (int i = 0; i < 9; ++i)
    g.add(Task{Key("mid", {i}), sum, {Arg(Key("leaf", {i * 1000}))}, nullptr, nullptr});
  g.add(Task{Key("total"), sum, leaves, nullptr, nullptr});
  REQUIRE(g.size() == 10000);
  TaskGraphView view;
  view.set_graph(g, [](const Key& k) { return k.name(); });
  CHECK(view.task_count() == 10000);
  CHECK(view.box_count() == 3);
  CHECK(view.group_size("leaf") == 9990);
  view.set_expanded("mid", true);
  CHECK(view.box_count() == 11);
  view.set_task_status(Key("leaf", {5}).str(), NodeStatus::kDone);
  CHECK(view.group_label("leaf") == "leaf\n1/9990 tasks");
}

TEST_CASE("a format 1 file opens migrated, with a note, and saves as format 2") {
  testing::app();
  QTemporaryDir dir;
  const std::string old = dir.filePath("old.shoal.json").toStdString();
  std::ofstream(old) << "{\"format\": 1, \"name\": \"old\", \"nodes\": [{\"id\": \"v\", "
                        "\"op\": \"value\", \"params\": {\"value\": 2}}], \"edges\": []}";
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(QString::fromStdString(old)));
  CHECK(w.last_note().contains("format 1 pipeline, migrated to format 2"));
  REQUIRE(w.save_file(QString::fromStdString(old)));
  std::ifstream in(old);
  std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(saved.find("\"format\": 2") != std::string::npos);
  REQUIRE(w.open_file(QString::fromStdString(old)));
  CHECK(w.last_note().isEmpty());
}

TEST_CASE("the run panel's memory limit reaches the embedded cluster") {
  testing::app();
  QTemporaryDir dir;
  const fs::path root = copy_trips(dir);
  MainWindow w;
  w.set_interactive(false);
  REQUIRE(w.open_file(QString::fromStdString((root / "pipelines" / "trips.shoal.json").string())));
  CHECK(w.run_panel()->memory_limit() == std::nullopt);  // "default (80% of memory)"
  REQUIRE(run_to_end(w));
  REQUIRE(w.runner()->local_cluster() != nullptr);
  CHECK(w.runner()->local_cluster()->stats().memory_limit == default_memory_limit());
  // 1 MiB is below the studio's own size: every dispatch runs one task, and
  // the run still ends with the same table.
  w.run_panel()->memory_field()->setValue(1);
  CHECK(w.run_panel()->memory_limit() == std::uint64_t{1} << 20);
  w.runner()->clear_results();
  REQUIRE(run_to_end(w));
  const LocalClusterStats stats = w.runner()->local_cluster()->stats();
  CHECK(stats.memory_limit == std::uint64_t{1} << 20);
  CHECK(stats.paused_dispatches > 0);
  CHECK(fs::exists(root / "pipelines" / "trips_by_zone.csv"));
}
