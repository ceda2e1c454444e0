#include "pipeline_scene.h"

#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QMimeData>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QTimer>
#include <algorithm>
#include <utility>

#include "shoal/render.h"

namespace shoal::studio {
namespace {

constexpr double kNodeHeight = 66;
constexpr double kPortRadius = 6;

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

// The ports a node shows: its op's, plus any an edge names (an unknown op).
std::vector<PortSpec> ports_of(const Pipeline& p, const PipelineNode& n, bool output) {
  std::vector<PortSpec> ports;
  if (OpPtr op = OpRegistry::global().find(n.op)) ports = output ? op->outputs : op->inputs;
  for (const PipelineEdge& e : p.edges) {
    const PortRef& ref = output ? e.from : e.to;
    if (ref.node != n.id) continue;
    if (std::none_of(ports.begin(), ports.end(),
                     [&](const PortSpec& s) { return s.name == ref.port; })) {
      ports.push_back(PortSpec{ref.port});
    }
  }
  return ports;
}

QSizeF node_size(std::size_t inputs, std::size_t outputs) {
  return {std::max<double>(150, 64.0 * static_cast<double>(std::max(inputs, outputs))),
          kNodeHeight};
}

// A colour per port type, so that matching ports look alike.
QColor type_color(const std::string& type) {
  if (type == "any") return QColor(150, 150, 150);
  return QColor::fromHsv(static_cast<int>(qHash(q(type)) % 360), 160, 210);
}

std::string route_key(const PipelineEdge& e) {
  return e.from.node + ":" + e.from.port + "->" + e.to.node + ":" + e.to.port;
}

}  // namespace

QColor status_color(NodeStatus status) {
  switch (status) {
    case NodeStatus::kIdle:
      return QColor(250, 250, 250);
    case NodeStatus::kWaiting:
      return QColor(214, 224, 240);
    case NodeStatus::kRunning:
      return QColor(255, 214, 110);
    case NodeStatus::kDone:
      return QColor(150, 220, 150);
    case NodeStatus::kError:
      return QColor(240, 120, 110);
  }
  return Qt::white;
}

QString status_name(NodeStatus status) {
  switch (status) {
    case NodeStatus::kIdle:
      return QStringLiteral("idle");
    case NodeStatus::kWaiting:
      return QStringLiteral("waiting");
    case NodeStatus::kRunning:
      return QStringLiteral("running");
    case NodeStatus::kDone:
      return QStringLiteral("done");
    case NodeStatus::kError:
      return QStringLiteral("error");
  }
  return {};
}

// ---------------------------------------------------------------- PortItem

PortItem::PortItem(NodeItem* node, const PortSpec& spec, bool output, QPointF centre)
    : QGraphicsEllipseItem(-kPortRadius, -kPortRadius, 2 * kPortRadius, 2 * kPortRadius, node),
      node_(node),
      name_(spec.name),
      type_(spec.type),
      output_(output) {
  setPos(centre);
  setBrush(type_color(spec.type));
  setPen(QPen(QColor(60, 60, 60), 1));
  setToolTip(QStringLiteral("%1 %2 (%3)%4%5")
                 .arg(output ? QObject::tr("output") : QObject::tr("input"), q(spec.name),
                      q(spec.type), spec.variadic ? QObject::tr(", variadic") : QString(),
                      spec.doc.empty() ? QString() : QStringLiteral("\n") + q(spec.doc)));
  setCursor(Qt::CrossCursor);
}

// ---------------------------------------------------------------- NodeItem

NodeItem::NodeItem(PipelineScene* scene, const PipelineNode& node)
    : scene_(scene), id_(node.id), op_(node.op) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  const Pipeline& p = scene->document()->pipeline();
  auto ins = ports_of(p, node, false), outs = ports_of(p, node, true);
  size_ = node_size(ins.size(), outs.size());
  auto place = [&](const std::vector<PortSpec>& specs, bool output) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      double x = size_.width() * (static_cast<double>(i) + 0.5) / static_cast<double>(specs.size());
      ports_.push_back(
          new PortItem(this, specs[i], output, QPointF(x, output ? size_.height() : 0)));
    }
  };
  place(ins, false);
  place(outs, true);
  update_from(node);
  if (OpPtr op = OpRegistry::global().find(node.op)) setToolTip(q(op->name + ": " + op->doc));
}

void NodeItem::update_from(const PipelineNode& node) {
  title_ = node.label.empty() ? node.id : node.label;
  if (pos() != QPointF(node.x, node.y)) setPos(node.x, node.y);
  update();
}

PortItem* NodeItem::port(const std::string& name, bool output) const {
  for (PortItem* p : ports_) {
    if (p->name() == name && p->is_output() == output) return p;
  }
  return nullptr;
}

QRectF NodeItem::boundingRect() const {
  return QRectF(QPointF(0, 0), size_).adjusted(-3, -3, 3, 3);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  auto [status, caption] = std::pair{scene_->status(id_), QString()};
  auto it = scene_->status_.find(id_);
  if (it != scene_->status_.end()) caption = it->second.second;
  QRectF box(QPointF(0, 0), size_);
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setBrush(status_color(status));
  painter->setPen(isSelected() ? QPen(QColor(30, 110, 220), 2.5) : QPen(QColor(70, 70, 70), 1.2));
  painter->drawRoundedRect(box, 8, 8);
  QFont font = painter->font();
  font.setPointSizeF(9);
  font.setBold(true);
  painter->setFont(font);
  painter->setPen(Qt::black);
  QRectF text = box.adjusted(6, 9, -6, -9);
  painter->drawText(
      text, Qt::AlignHCenter | Qt::AlignTop,
      painter->fontMetrics().elidedText(q(title_), Qt::ElideRight, static_cast<int>(text.width())));
  font.setBold(false);
  painter->setFont(font);
  painter->setPen(QColor(80, 80, 80));
  painter->drawText(text, Qt::AlignHCenter | Qt::AlignVCenter, QStringLiteral("(%1)").arg(q(op_)));
  if (!caption.isEmpty()) {
    painter->setPen(status == NodeStatus::kError ? QColor(120, 0, 0) : QColor(20, 60, 20));
    painter->drawText(
        text, Qt::AlignHCenter | Qt::AlignBottom,
        painter->fontMetrics().elidedText(caption, Qt::ElideRight, static_cast<int>(text.width())));
  }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemPositionHasChanged && scene_) scene_->node_moved(this);
  if (change == ItemSelectedHasChanged) update();
  return QGraphicsItem::itemChange(change, value);
}

// ---------------------------------------------------------------- EdgeItem

EdgeItem::EdgeItem(std::size_t index, PortItem* from, PortItem* to)
    : index_(index), from_(from), to_(to) {
  setFlags(ItemIsSelectable);
  setZValue(-1);
  setPen(QPen(QColor(60, 60, 60), 1.6));
  setToolTip(QStringLiteral("%1.%2 → %3.%4")
                 .arg(q(from->node()->id()), q(from->name()), q(to->node()->id()), q(to->name())));
  update_path();
}

void EdgeItem::update_path() {
  QPainterPath path;
  if (route_.size() >= 4) {
    path.moveTo(route_[0]);
    for (qsizetype i = 1; i + 2 < route_.size(); i += 3)
      path.cubicTo(route_[i], route_[i + 1], route_[i + 2]);
  } else {
    QPointF a = from_->anchor(), b = to_->anchor();
    double dy = std::max(40.0, std::abs(b.y() - a.y()) / 2);
    path.moveTo(a);
    path.cubicTo(a + QPointF(0, dy), b - QPointF(0, dy), b);
  }
  setPath(path);
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  painter->setRenderHint(QPainter::Antialiasing);
  QPen pen = this->pen();
  if (isSelected()) pen = QPen(QColor(30, 110, 220), 2.6);
  painter->setPen(pen);
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());
  // An arrowhead along the spline's last tangent, its tip at the rim of the
  // input port's circle (the circle is drawn over the spline's end).
  const double length = path().length();
  if (length < 3 * kPortRadius) return;
  const double t = 1 - kPortRadius / length;
  QPointF tip = path().pointAtPercent(t),
          back = path().pointAtPercent(std::max(0.0, t - 4 / length));
  QLineF dir(tip, back);
  if (dir.length() < 0.01) return;
  dir.setLength(9);
  QLineF left = dir, right = dir;
  left.setAngle(dir.angle() + 22);
  right.setAngle(dir.angle() - 22);
  painter->setBrush(pen.color());
  painter->drawPolygon(QPolygonF({tip, left.p2(), right.p2()}));
}

// ---------------------------------------------------------------- PipelineScene

PipelineScene::PipelineScene(PipelineDocument* doc, QObject* parent)
    : QGraphicsScene(parent), doc_(doc) {
  setBackgroundBrush(QColor(236, 238, 242));
  connect(doc_, &PipelineDocument::changed, this, &PipelineScene::sync);
  sync();
}

PipelineScene::~PipelineScene() {
  // Items die with the scene and may emit selectionChanged on the way:
  // nobody outside may look at a half-destroyed scene.
  blockSignals(true);
  nodes_.clear();
  edges_.clear();
  clear();
}

NodeItem* PipelineScene::node_item(const std::string& id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

std::vector<NodeItem*> PipelineScene::node_items() const {
  std::vector<NodeItem*> out;
  for (const PipelineNode& n : doc_->pipeline().nodes) {
    if (NodeItem* item = node_item(n.id)) out.push_back(item);
  }
  return out;
}

std::vector<EdgeItem*> PipelineScene::edge_items() const {
  return edges_;
}

std::vector<std::string> PipelineScene::selected_ids() const {
  std::vector<std::string> ids;
  for (NodeItem* item : node_items()) {
    if (item->isSelected()) ids.push_back(item->id());
  }
  return ids;
}

std::vector<std::size_t> PipelineScene::selected_edges() const {
  std::vector<std::size_t> out;
  for (EdgeItem* e : edges_) {
    if (e->isSelected()) out.push_back(e->index());
  }
  return out;
}

void PipelineScene::select_node(const std::string& id) {
  clearSelection();
  if (NodeItem* item = node_item(id)) {
    item->setSelected(true);
    for (QGraphicsView* v : views()) v->ensureVisible(item);
  }
}

void PipelineScene::set_status(const std::string& id, NodeStatus status, const QString& caption) {
  status_[id] = {status, caption};
  if (NodeItem* item = node_item(id)) item->update();
}

void PipelineScene::clear_status() {
  status_.clear();
  for (auto& [id, item] : nodes_) item->update();
}

NodeStatus PipelineScene::status(const std::string& id) const {
  auto it = status_.find(id);
  return it == status_.end() ? NodeStatus::kIdle : it->second.first;
}

QString PipelineScene::caption(const std::string& id) const {
  auto it = status_.find(id);
  return it == status_.end() ? QString() : it->second.second;
}

void PipelineScene::sync() {
  syncing_ = true;
  const Pipeline& p = doc_->pipeline();
  std::map<std::string, NodeItem*> kept;
  std::vector<std::string> selected = selected_ids();
  for (const PipelineNode& n : p.nodes) {
    NodeItem* item = node_item(n.id);
    nodes_.erase(n.id);
    if (item && item->op() == n.op &&
        item->ports().size() == ports_of(p, n, false).size() + ports_of(p, n, true).size()) {
      item->update_from(n);
    } else {
      delete item;  // not in nodes_ any more: a selectionChanged handler cannot see it
      item = new NodeItem(this, n);
      addItem(item);
    }
    kept[n.id] = item;
  }
  std::map<std::string, NodeItem*> gone = std::exchange(nodes_, std::move(kept));
  for (auto& [id, item] : gone) delete item;  // nodes no longer in the pipeline
  for (const std::string& id : selected) {
    if (NodeItem* item = node_item(id)) item->setSelected(true);
  }
  rebuild_edges();
  syncing_ = false;
}

void PipelineScene::rebuild_edges() {
  std::vector<EdgeItem*> old = std::exchange(edges_, {});
  for (EdgeItem* e : old) delete e;
  const Pipeline& p = doc_->pipeline();
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < p.edges.size(); ++i) {
    const PipelineEdge& e = p.edges[i];
    NodeItem* a = node_item(e.from.node);
    NodeItem* b = node_item(e.to.node);
    PortItem* from = a ? a->port(e.from.port, true) : nullptr;
    PortItem* to = b ? b->port(e.to.port, false) : nullptr;
    if (!from || !to) continue;  // problems() reports it
    auto* item = new EdgeItem(i, from, to);
    std::string key = route_key(e) + "#" + std::to_string(seen[route_key(e)]++);
    auto r = routes_.find(key);
    if (r != routes_.end() && r->second.from_pos == a->pos() && r->second.to_pos == b->pos()) {
      item->set_route(r->second.points);
      item->update_path();
    }
    addItem(item);
    edges_.push_back(item);
  }
}

void PipelineScene::node_moved(NodeItem* node) {
  if (syncing_) return;
  for (EdgeItem* e : edges_) {
    const PipelineEdge& pe = doc_->pipeline().edges[e->index()];
    if (pe.from.node == node->id() || pe.to.node == node->id()) {
      e->set_route({});  // the Graphviz route no longer fits
      e->update_path();
    }
  }
}

void PipelineScene::auto_layout() {
  const Pipeline& p = doc_->pipeline();
  Layout layout = layout_dot(p.to_dot());
  // Graphviz sized its records for their text; ours may be bigger. Scaling
  // every coordinate by the largest ratio keeps boxes that did not overlap
  // apart, so nodes never overlap.
  double s = 1;
  std::map<std::string, std::size_t> index;  // "n<i>" -> i
  for (std::size_t i = 0; i < p.nodes.size(); ++i) index["n" + std::to_string(i)] = i;
  for (const LayoutNode& ln : layout.nodes) {
    NodeItem* item = index.count(ln.name) ? node_item(p.nodes[index[ln.name]].id) : nullptr;
    if (!item || ln.width <= 0 || ln.height <= 0) continue;
    s = std::max(
        {s, item->size().width() * 1.15 / ln.width, item->size().height() * 1.5 / ln.height});
  }
  auto to_scene = [&](double x, double y) { return QPointF(s * x, s * (layout.height - y)); };
  std::map<std::string, QPointF> positions;
  for (const LayoutNode& ln : layout.nodes) {
    if (!index.count(ln.name)) continue;
    const PipelineNode& n = p.nodes[index[ln.name]];
    NodeItem* item = node_item(n.id);
    QSizeF size = item ? item->size() : QSizeF(150, kNodeHeight);
    positions[n.id] = to_scene(ln.x, ln.y) - QPointF(size.width() / 2, size.height() / 2);
  }
  // Edges come grouped by tail in DOT order: match them pair by pair.
  std::map<std::pair<std::string, std::string>, std::vector<const LayoutEdge*>> by_pair;
  for (const LayoutEdge& le : layout.edges) by_pair[{le.tail, le.head}].push_back(&le);
  std::map<std::pair<std::string, std::string>, std::size_t> used;
  std::map<std::string, int> seen;
  routes_.clear();
  for (const PipelineEdge& e : p.edges) {
    const PipelineNode* a = p.find_node(e.from.node);
    const PipelineNode* b = p.find_node(e.to.node);
    if (!a || !b) continue;
    auto pair = std::pair{"n" + std::to_string(a - p.nodes.data()),
                          "n" + std::to_string(b - p.nodes.data())};
    std::size_t k = used[pair]++;
    std::string key = route_key(e) + "#" + std::to_string(seen[route_key(e)]++);
    NodeItem* ai = node_item(a->id);
    NodeItem* bi = node_item(b->id);
    PortItem* from = ai ? ai->port(e.from.port, true) : nullptr;
    PortItem* to = bi ? bi->port(e.to.port, false) : nullptr;
    if (k >= by_pair[pair].size() || !from || !to) continue;
    const LayoutEdge& le = *by_pair[pair][k];
    if (le.points.size() < 4) continue;
    QPolygonF pts;
    for (auto [x, y] : le.points) pts << to_scene(x, y);
    // Pin the ends to our ports (Graphviz's records have other port spots).
    pts.front() = positions[a->id] + from->pos();
    pts.back() = positions[b->id] + to->pos();
    routes_[key] = {pts, positions[a->id], positions[b->id]};
  }
  doc_->move_nodes(positions, tr("Auto-layout"));
  rebuild_edges();  // also when nothing moved
}

std::string PipelineScene::drop_op(const std::string& op, QPointF pos) {
  std::size_t ins = 1, outs = 1;
  if (OpPtr o = OpRegistry::global().find(op)) ins = o->inputs.size(), outs = o->outputs.size();
  QSizeF size = node_size(ins, outs);
  std::string id = doc_->add_node(op, pos - QPointF(size.width() / 2, size.height() / 2));
  select_node(id);
  return id;
}

bool PipelineScene::connect_ports(PortItem* a, PortItem* b, QPointF where) {
  if (a->is_output() == b->is_output()) {
    show_refusal(tr("Connect an output port (below a node) to an input port (on top of a node)."),
                 where);
    return false;
  }
  if (!a->is_output()) std::swap(a, b);
  QString why;
  if (doc_->connect_ports({a->node()->id(), a->name()}, {b->node()->id(), b->name()}, &why))
    return true;
  show_refusal(why, where);
  return false;
}

void PipelineScene::show_refusal(const QString& reason, QPointF where) {
  if (!refusal_) {
    refusal_ = addSimpleText({});
    refusal_->setZValue(100);
    refusal_->setBrush(QColor(170, 0, 0));
    QFont f = refusal_->font();
    f.setBold(true);
    refusal_->setFont(f);
  }
  refusal_->setText(reason);
  refusal_->setPos(where + QPointF(12, -24));
  refusal_->show();
  QTimer::singleShot(5000, this, [this, reason] {
    if (refusal_ && refusal_->text() == reason) refusal_->hide();
  });
  emit connection_refused(reason);
}

PortItem* PipelineScene::port_at(QPointF pos) const {
  for (QGraphicsItem* item : items(QRectF(pos - QPointF(5, 5), QSizeF(10, 10)))) {
    if (auto* port = dynamic_cast<PortItem*>(item)) return port;
  }
  return nullptr;
}

void PipelineScene::dragEnterEvent(QGraphicsSceneDragDropEvent* event) {
  if (event->mimeData()->hasFormat(kOpMimeType)) {
    event->acceptProposedAction();
  } else {
    QGraphicsScene::dragEnterEvent(event);
  }
}

void PipelineScene::dragMoveEvent(QGraphicsSceneDragDropEvent* event) {
  if (event->mimeData()->hasFormat(kOpMimeType)) {
    event->acceptProposedAction();
  } else {
    QGraphicsScene::dragMoveEvent(event);
  }
}

void PipelineScene::dropEvent(QGraphicsSceneDragDropEvent* event) {
  if (!event->mimeData()->hasFormat(kOpMimeType)) return QGraphicsScene::dropEvent(event);
  drop_op(event->mimeData()->data(kOpMimeType).toStdString(), event->scenePos());
  event->acceptProposedAction();
}

void PipelineScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    if (PortItem* port = port_at(event->scenePos())) {
      drag_from_ = port;
      drag_line_ = addPath(QPainterPath(), QPen(QColor(30, 110, 220), 2, Qt::DashLine));
      drag_line_->setZValue(50);
      event->accept();
      return;
    }
  }
  QGraphicsScene::mousePressEvent(event);
}

void PipelineScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (!drag_from_) return QGraphicsScene::mouseMoveEvent(event);
  QPainterPath path(drag_from_->anchor());
  path.lineTo(event->scenePos());
  drag_line_->setPath(path);
}

void PipelineScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (drag_from_) {
    delete drag_line_;
    drag_line_ = nullptr;
    PortItem* from = drag_from_;
    drag_from_ = nullptr;
    if (PortItem* to = port_at(event->scenePos()); to && to != from)
      connect_ports(from, to, event->scenePos());
    return;
  }
  QGraphicsScene::mouseReleaseEvent(event);
  // Commit moved nodes to the document: one undo step per drag.
  std::map<std::string, QPointF> moved;
  for (const PipelineNode& n : doc_->pipeline().nodes) {
    NodeItem* item = node_item(n.id);
    if (item && item->pos() != QPointF(n.x, n.y)) moved[n.id] = item->pos();
  }
  if (!moved.empty()) doc_->move_nodes(moved);
}

}  // namespace shoal::studio
