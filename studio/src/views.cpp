#include "views.h"

#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QMouseEvent>
#include <QScrollBar>
#include <QWheelEvent>

#include "shoal/render.h"

namespace shoal::studio {

PipelineView::PipelineView(PipelineScene* scene, QWidget* parent) : QGraphicsView(scene, parent) {
  setRenderHint(QPainter::Antialiasing);
  setDragMode(RubberBandDrag);
  setAcceptDrops(true);
  setTransformationAnchor(AnchorUnderMouse);
  setViewportUpdateMode(BoundingRectViewportUpdate);
}

void PipelineView::zoom(double factor) {
  double next = zoom_factor() * factor;
  if (next < 0.05 || next > 8) return;
  scale(factor, factor);
}

void PipelineView::zoom_fit() {
  QRectF bounds = scene()->itemsBoundingRect().adjusted(-30, -30, 30, 30);
  if (bounds.isEmpty()) return;
  fitInView(bounds, Qt::KeepAspectRatio);
  if (zoom_factor() > 1.5) setTransform(QTransform::fromScale(1.5, 1.5));
}

void PipelineView::wheelEvent(QWheelEvent* event) {
  if (event->modifiers() & Qt::ControlModifier) {
    zoom(event->angleDelta().y() > 0 ? 1.15 : 1 / 1.15);
    event->accept();
    return;
  }
  QGraphicsView::wheelEvent(event);
}

void PipelineView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton) {
    panning_ = true;
    last_ = event->pos();
    setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void PipelineView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    QPoint d = event->pos() - last_;
    last_ = event->pos();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void PipelineView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_ && event->button() == Qt::MiddleButton) {
    panning_ = false;
    unsetCursor();
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

// ---------------------------------------------------------------- TaskGraphView

TaskGraphView::TaskGraphView(QWidget* parent) : QGraphicsView(parent) {
  setScene(&scene_);
  setRenderHint(QPainter::Antialiasing);
  setDragMode(ScrollHandDrag);
  scene_.setBackgroundBrush(QColor(245, 245, 245));
}

void TaskGraphView::set_graph(const Graph& graph) {
  scene_.clear();
  tasks_.clear();
  if (graph.size() == 0) return;
  Layout layout = layout_dot(graph.to_dot("tasks"));
  auto at = [&](double x, double y) { return QPointF(x, layout.height - y); };
  for (const LayoutEdge& e : layout.edges) {
    if (e.points.size() < 4) continue;
    QPainterPath path(at(e.points[0].first, e.points[0].second));
    for (std::size_t i = 1; i + 2 < e.points.size(); i += 3) {
      path.cubicTo(at(e.points[i].first, e.points[i].second),
                   at(e.points[i + 1].first, e.points[i + 1].second),
                   at(e.points[i + 2].first, e.points[i + 2].second));
    }
    if (e.has_arrow_tip) path.lineTo(at(e.arrow_tip.first, e.arrow_tip.second));
    scene_.addPath(path, QPen(QColor(90, 90, 90), 1.2))->setZValue(-1);
  }
  const auto& tasks = graph.tasks();
  for (const LayoutNode& n : layout.nodes) {
    std::size_t i = std::stoul(n.name.substr(1));  // "t<i>"
    if (i >= tasks.size()) continue;
    QRectF box(at(n.x, n.y) - QPointF(n.width / 2, n.height / 2), QSizeF(n.width, n.height));
    auto* rect = scene_.addRect(box, QPen(QColor(70, 70, 70)), status_color(NodeStatus::kIdle));
    std::string key = tasks[i].key.str();
    rect->setToolTip(QString::fromStdString(key + "  (op " + tasks[i].op_name() + ")"));
    auto* text = scene_.addSimpleText(QString::fromStdString(tasks[i].op_name()));
    text->setParentItem(rect);
    text->setPos(box.center() - text->boundingRect().center());
    tasks_[key] = {rect, NodeStatus::kIdle};
  }
  setSceneRect(scene_.itemsBoundingRect().adjusted(-20, -20, 20, 20));
  fit();
}

// The whole graph in view, never magnified; again whenever the view's size
// changes (it may have been hidden in a tab when the graph was set).
void TaskGraphView::fit() {
  if (tasks_.empty()) return;
  fitInView(sceneRect(), Qt::KeepAspectRatio);
  if (transform().m11() > 1) setTransform(QTransform());
}

void TaskGraphView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  fit();
}

void TaskGraphView::showEvent(QShowEvent* event) {
  QGraphicsView::showEvent(event);
  fit();
}

void TaskGraphView::set_task_status(const std::string& key, NodeStatus status) {
  auto it = tasks_.find(key);
  if (it == tasks_.end()) return;
  it->second.second = status;
  it->second.first->setBrush(status_color(status));
}

NodeStatus TaskGraphView::task_status(const std::string& key) const {
  auto it = tasks_.find(key);
  return it == tasks_.end() ? NodeStatus::kIdle : it->second.second;
}

}  // namespace shoal::studio
