// The studio's two graphics views: PipelineView shows the editable
// PipelineScene (zoom with Ctrl+wheel or the View menu, pan with the middle
// button or the scroll bars, rubber-band selection), and TaskGraphView draws
// the lowered task graph laid out by Graphviz and colours each task as a
// run reports it. GUI thread only.
#pragma once

#include <QGraphicsView>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "pipeline_scene.h"
#include "shoal/graph.h"

namespace shoal::studio {

class PipelineView : public QGraphicsView {
  Q_OBJECT

 public:
  explicit PipelineView(PipelineScene* scene, QWidget* parent = nullptr);
  void zoom_in() { zoom(1.25); }
  void zoom_out() { zoom(0.8); }
  /// Fits every node into the view (magnifying at most 1.5 times).
  void zoom_fit();
  double zoom_factor() const { return transform().m11(); }

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  void zoom(double factor);
  bool panning_ = false;
  QPoint last_;
};

// Draws a task graph grouped by pipeline node, as Dask draws the layers of a
// high-level graph: each node's tasks are one box ("read_csv: 7/33 tasks")
// until the group is expanded (double-click it, or set_expanded), when its
// tasks are drawn one by one. Collapsed, a graph of 10,000 tasks is a few
// boxes; only expanded groups cost Graphviz time.
class TaskGraphView : public QGraphicsView {
  Q_OBJECT

 public:
  /// The group (pipeline node id) of a task; empty: drawn on its own.
  using GroupOf = std::function<std::string(const Key&)>;

  explicit TaskGraphView(QWidget* parent = nullptr);
  /// Draws `graph` (laid out with Graphviz "dot"), every group collapsed
  /// and every task grey. An empty graph clears the view. Throws
  /// shoal::Error from Graphviz.
  void set_graph(const Graph& graph, GroupOf group_of = {});
  /// Draws group `id` task by task (true) or as one box (false).
  void set_expanded(const std::string& id, bool expanded);
  bool expanded(const std::string& id) const { return expanded_.count(id) != 0; }
  /// Colours the task of `key` (Key::str()), and its group's box, by state.
  void set_task_status(const std::string& key, NodeStatus status);
  NodeStatus task_status(const std::string& key) const;
  std::size_t task_count() const { return status_.size(); }
  /// Boxes drawn now: one per collapsed group plus one per shown task.
  std::size_t box_count() const { return boxes_.size(); }
  /// The tasks of group `id`.
  std::size_t group_size(const std::string& id) const;
  /// The text on group `id`'s box; empty when it is expanded or unknown.
  QString group_label(const std::string& id) const;

 protected:
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  struct Group {
    std::vector<std::size_t> tasks;  // positions in graph_.tasks()
    std::size_t done = 0, running = 0, erred = 0;
  };
  void redraw();
  void paint_group(const std::string& id);
  std::string box_of(std::size_t task) const;  // "g:<id>" or "t:<key>"
  void fit();

  QGraphicsScene scene_;
  Graph graph_;
  std::vector<std::string> group_of_;                      // per task
  std::unordered_map<std::string, std::size_t> position_;  // by task key
  std::map<std::string, Group> groups_;
  std::set<std::string> expanded_;
  std::map<std::string, NodeStatus> status_;                // by task key
  std::map<std::string, QGraphicsRectItem*> boxes_;         // by box_of()
  std::map<std::string, QGraphicsSimpleTextItem*> labels_;  // of group boxes
};

}  // namespace shoal::studio
