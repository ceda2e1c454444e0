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

void TaskGraphView::set_graph(const Graph& graph, GroupOf group_of) {
  graph_ = graph;
  group_of_.assign(graph.size(), std::string());
  groups_.clear();
  expanded_.clear();
  status_.clear();
  position_.clear();
  const auto& tasks = graph.tasks();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    status_[tasks[i].key.str()] = NodeStatus::kIdle;
    position_[tasks[i].key.str()] = i;
    if (group_of) group_of_[i] = group_of(tasks[i].key);
    if (!group_of_[i].empty()) groups_[group_of_[i]].tasks.push_back(i);
  }
  redraw();
}

void TaskGraphView::set_expanded(const std::string& id, bool expanded) {
  if (!groups_.count(id) || this->expanded(id) == expanded) return;
  if (expanded)
    expanded_.insert(id);
  else
    expanded_.erase(id);
  redraw();
}

std::size_t TaskGraphView::group_size(const std::string& id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? 0 : it->second.tasks.size();
}

QString TaskGraphView::group_label(const std::string& id) const {
  auto it = labels_.find(id);
  return it == labels_.end() ? QString() : it->second->text();
}

std::string TaskGraphView::box_of(std::size_t task) const {
  const std::string& g = group_of_[task];
  if (!g.empty() && !expanded_.count(g)) return "g:" + g;
  return "t:" + graph_.tasks()[task].key.str();
}

namespace {

std::string dot_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

// Lays out the boxes shown now: a collapsed group is one box, its edges the
// union of its tasks' edges to other boxes.
void TaskGraphView::redraw() {
  scene_.clear();
  boxes_.clear();
  labels_.clear();
  if (graph_.size() == 0) return;
  const auto& tasks = graph_.tasks();
  std::vector<std::string> names;  // box names in DOT order
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::string> text;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    std::string box = box_of(i);
    if (index.emplace(box, names.size()).second) {
      names.push_back(box);
      text[box] = box[0] == 'g'
                      ? box.substr(2) + "\n" + std::to_string(group_size(box.substr(2))) + " tasks"
                      : tasks[i].op_name();
    }
  }
  std::set<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    std::size_t to = index[box_of(i)];
    for (const Key& dep : tasks[i].dependencies()) {
      std::ptrdiff_t pos = graph_.position(dep);
      if (pos < 0) continue;
      std::size_t from = index[box_of(static_cast<std::size_t>(pos))];
      if (from != to) edges.emplace(from, to);
    }
  }
  std::string dot =
      "digraph tasks {\n  rankdir=BT;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n";
  for (std::size_t b = 0; b < names.size(); ++b)
    dot += "  b" + std::to_string(b) + " [label=" + dot_quoted(text[names[b]]) + "];\n";
  for (auto [from, to] : edges)
    dot += "  b" + std::to_string(from) + " -> b" + std::to_string(to) + ";\n";
  Layout layout = layout_dot(dot + "}\n");
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
  for (const LayoutNode& n : layout.nodes) {
    std::size_t b = std::stoul(n.name.substr(1));  // "b<i>"
    if (b >= names.size()) continue;
    const std::string& box_name = names[b];
    QRectF box(at(n.x, n.y) - QPointF(n.width / 2, n.height / 2), QSizeF(n.width, n.height));
    auto* rect = scene_.addRect(box, QPen(QColor(70, 70, 70)), status_color(NodeStatus::kIdle));
    rect->setData(0, QString::fromStdString(box_name));
    auto* label = scene_.addSimpleText(QString::fromStdString(text[box_name]));
    label->setParentItem(rect);
    label->setPos(box.center() - label->boundingRect().center());
    boxes_[box_name] = rect;
    if (box_name[0] == 'g') {
      labels_[box_name.substr(2)] = label;
      rect->setToolTip(tr("Node %1: double-click to show its tasks")
                           .arg(QString::fromStdString(box_name.substr(2))));
      paint_group(box_name.substr(2));
    } else {
      const std::string key = box_name.substr(2);
      rect->setToolTip(QString::fromStdString(key));
      rect->setBrush(status_color(status_[key]));
    }
  }
  setSceneRect(scene_.itemsBoundingRect().adjusted(-20, -20, 20, 20));
  fit();
}

// A group's colour and text from its tasks: erred if any erred, done when
// all are, running once any started.
void TaskGraphView::paint_group(const std::string& id) {
  const Group& g = groups_.at(id);
  auto box = boxes_.find("g:" + id);
  if (box == boxes_.end()) return;
  NodeStatus s = g.erred                    ? NodeStatus::kError
                 : g.done == g.tasks.size() ? NodeStatus::kDone
                 : g.running + g.done > 0   ? NodeStatus::kRunning
                                            : NodeStatus::kIdle;
  box->second->setBrush(status_color(s));
  labels_.at(id)->setText(QString::fromStdString(id + "\n" + std::to_string(g.done) + "/" +
                                                 std::to_string(g.tasks.size()) + " tasks"));
}

void TaskGraphView::mouseDoubleClickEvent(QMouseEvent* event) {
  for (QGraphicsItem* item = itemAt(event->pos()); item; item = item->parentItem()) {
    std::string box = item->data(0).toString().toStdString();
    if (box.size() > 2 && box[0] == 'g') return set_expanded(box.substr(2), true);
    if (box.size() > 2 && box[0] == 't') {
      auto pos = position_.find(box.substr(2));
      if (pos != position_.end() && !group_of_[pos->second].empty())
        return set_expanded(group_of_[pos->second], false);
    }
  }
  QGraphicsView::mouseDoubleClickEvent(event);
}

// The whole graph in view, never magnified; again whenever the view's size
// changes (it may have been hidden in a tab when the graph was set).
void TaskGraphView::fit() {
  if (boxes_.empty()) return;
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
  auto it = status_.find(key);
  if (it == status_.end()) return;
  NodeStatus before = it->second;
  it->second = status;
  if (auto box = boxes_.find("t:" + key); box != boxes_.end())
    box->second->setBrush(status_color(status));
  auto pos = position_.find(key);
  if (pos == position_.end() || group_of_[pos->second].empty()) return;
  const std::string& id = group_of_[pos->second];
  Group& g = groups_[id];
  auto counter = [&g](NodeStatus s) -> std::size_t* {
    return s == NodeStatus::kDone      ? &g.done
           : s == NodeStatus::kRunning ? &g.running
           : s == NodeStatus::kError   ? &g.erred
                                       : nullptr;
  };
  if (std::size_t* c = counter(before)) --*c;
  if (std::size_t* c = counter(status)) ++*c;
  paint_group(id);
}

NodeStatus TaskGraphView::task_status(const std::string& key) const {
  auto it = status_.find(key);
  return it == status_.end() ? NodeStatus::kIdle : it->second;
}

}  // namespace shoal::studio
