// The studio's two graphics views: PipelineView shows the editable
// PipelineScene (zoom with Ctrl+wheel or the View menu, pan with the middle
// button or the scroll bars, rubber-band selection), and TaskGraphView draws
// the lowered task graph laid out by Graphviz and colours each task as a
// run reports it. GUI thread only.
#pragma once

#include <QGraphicsView>
#include <map>
#include <string>

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

class TaskGraphView : public QGraphicsView {
  Q_OBJECT

 public:
  explicit TaskGraphView(QWidget* parent = nullptr);
  /// Draws `graph` (laid out with Graphviz "dot"); every task starts grey.
  /// An empty graph clears the view. Throws shoal::Error from Graphviz.
  void set_graph(const Graph& graph);
  /// Colours the task of `key` (Key::str()) by state.
  void set_task_status(const std::string& key, NodeStatus status);
  NodeStatus task_status(const std::string& key) const;
  std::size_t task_count() const { return tasks_.size(); }

 protected:
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void fit();
  QGraphicsScene scene_;
  std::map<std::string, std::pair<QGraphicsRectItem*, NodeStatus>> tasks_;
};

}  // namespace shoal::studio
