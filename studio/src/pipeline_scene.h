// PipelineScene: draws a PipelineDocument — a NodeItem per node with typed
// port circles (inputs on top, outputs below), an EdgeItem per edge drawn as
// a spline — and turns mouse gestures into document edits: drop an op from
// the palette to add a node, drag from port to port to connect, drag nodes
// to move them. Auto-layout asks Graphviz (`dot`, through shoal::layout_dot)
// for node positions and edge splines.
//
// The scene never edits the pipeline directly: every change goes through
// the document (and so through its undo stack), and the scene redraws on
// PipelineDocument::changed(). GUI thread only.
#pragma once

#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QPolygonF>
#include <map>
#include <string>
#include <vector>

#include "pipeline_document.h"

namespace shoal::studio {

/// The MIME type of an op dragged from the palette; the data is its name.
inline constexpr const char* kOpMimeType = "application/x-shoal-op";

/// What a run did to a node, shown as its colour.
enum class NodeStatus { kIdle, kWaiting, kRunning, kDone, kError };
QColor status_color(NodeStatus status);
QString status_name(NodeStatus status);

class NodeItem;
class PortItem;

/// An edge: a cubic spline from an output port to an input port, or the
/// route Graphviz gave it while its two nodes stay where the layout put them.
class EdgeItem : public QGraphicsPathItem {
 public:
  EdgeItem(std::size_t index, PortItem* from, PortItem* to);
  std::size_t index() const { return index_; }
  void set_route(QPolygonF route) { route_ = std::move(route); }
  bool has_route() const { return !route_.isEmpty(); }
  /// Recomputes the path from the ports' current positions.
  void update_path();
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  std::size_t index_;
  PortItem* from_;
  PortItem* to_;
  QPolygonF route_;  // Bézier control points from Graphviz, scene coordinates
};

class PipelineScene : public QGraphicsScene {
  Q_OBJECT

 public:
  explicit PipelineScene(PipelineDocument* doc, QObject* parent = nullptr);
  ~PipelineScene() override;

  PipelineDocument* document() const { return doc_; }
  NodeItem* node_item(const std::string& id) const;
  std::vector<NodeItem*> node_items() const;
  std::vector<EdgeItem*> edge_items() const;
  /// Ids of the selected nodes, in pipeline order.
  std::vector<std::string> selected_ids() const;
  /// Indices of the selected edges.
  std::vector<std::size_t> selected_edges() const;
  void select_node(const std::string& id);

  /// Colours and captions of nodes during a run.
  void set_status(const std::string& id, NodeStatus status, const QString& caption = {});
  void clear_status();
  NodeStatus status(const std::string& id) const;
  /// The caption set with the status ("3/8 partitions, 5 tasks").
  QString caption(const std::string& id) const;

  /// Lays out every node and edge with Graphviz and moves the nodes there
  /// (one undo step). Throws shoal::Error when Graphviz fails.
  void auto_layout();

  /// Connects from a port to another through the document; a refusal is
  /// shown beside `where` and reported through connection_refused().
  bool connect_ports(PortItem* a, PortItem* b, QPointF where);
  /// Adds a node of `op` centred at `pos` (the palette's drop).
  std::string drop_op(const std::string& op, QPointF pos);

 signals:
  void connection_refused(const QString& reason);

 protected:
  void dragEnterEvent(QGraphicsSceneDragDropEvent* event) override;
  void dragMoveEvent(QGraphicsSceneDragDropEvent* event) override;
  void dropEvent(QGraphicsSceneDragDropEvent* event) override;
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

 private:
  friend class NodeItem;
  void sync();
  void rebuild_edges();
  void node_moved(NodeItem* node);
  PortItem* port_at(QPointF pos) const;
  void show_refusal(const QString& reason, QPointF where);

  PipelineDocument* doc_;
  std::map<std::string, NodeItem*> nodes_;
  std::vector<EdgeItem*> edges_;
  // Graphviz routes by edge ("a:out->b:x#0"), valid while both nodes stay
  // at the positions recorded with them.
  struct Route {
    QPolygonF points;
    QPointF from_pos, to_pos;
  };
  std::map<std::string, Route> routes_;
  std::map<std::string, std::pair<NodeStatus, QString>> status_;
  PortItem* drag_from_ = nullptr;
  QGraphicsPathItem* drag_line_ = nullptr;
  QGraphicsSimpleTextItem* refusal_ = nullptr;
  bool syncing_ = false;
};

/// A node: a rounded box with its label, op and run status, and its ports.
class NodeItem : public QGraphicsItem {
 public:
  NodeItem(PipelineScene* scene, const PipelineNode& node);
  const std::string& id() const { return id_; }
  const std::string& op() const { return op_; }
  void update_from(const PipelineNode& node);
  PortItem* port(const std::string& name, bool output) const;
  const std::vector<PortItem*>& ports() const { return ports_; }
  QSizeF size() const { return size_; }
  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

 private:
  PipelineScene* scene_;
  std::string id_, op_, title_;
  std::vector<PortItem*> ports_;
  QSizeF size_;
};

/// A typed port circle on a node; its tooltip names the port and its type.
class PortItem : public QGraphicsEllipseItem {
 public:
  PortItem(NodeItem* node, const PortSpec& spec, bool output, QPointF centre);
  NodeItem* node() const { return node_; }
  const std::string& name() const { return name_; }
  const std::string& port_type() const { return type_; }
  bool is_output() const { return output_; }
  QPointF anchor() const { return mapToScene(QPointF(0, 0)); }

 private:
  NodeItem* node_;
  std::string name_, type_;
  bool output_;
};

}  // namespace shoal::studio
