// PipelineScene: nodes and ports drawn from the document, dropping ops,
// connecting by dragging port to port (and the visible refusal), moving,
// selection, and the Graphviz auto-layout (no overlaps, routed edges).
#include <doctest/doctest.h>

#include <QGraphicsSceneDragDropEvent>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QMimeData>
#include <QPainterPath>

#include "pipeline_scene.h"
#include "studio_app.h"

using namespace shoal;
using namespace shoal::studio;

namespace {

void mouse(PipelineScene& scene, QEvent::Type type, QPointF pos) {
  QGraphicsSceneMouseEvent e(type);
  e.setScenePos(pos);
  e.setButton(Qt::LeftButton);
  e.setButtons(type == QEvent::GraphicsSceneMouseRelease ? Qt::NoButton : Qt::LeftButton);
  QApplication::sendEvent(&scene, &e);
}

// Drags from one point to another as a user would.
void drag(PipelineScene& scene, QPointF from, QPointF to) {
  mouse(scene, QEvent::GraphicsSceneMousePress, from);
  mouse(scene, QEvent::GraphicsSceneMouseMove, (from + to) / 2);
  mouse(scene, QEvent::GraphicsSceneMouseMove, to);
  mouse(scene, QEvent::GraphicsSceneMouseRelease, to);
}

QGraphicsSimpleTextItem* visible_text(PipelineScene& scene) {
  for (QGraphicsItem* item : scene.items()) {
    auto* t = dynamic_cast<QGraphicsSimpleTextItem*>(item);
    if (t && t->isVisible()) return t;
  }
  return nullptr;
}

bool near(QPointF a, QPointF b) {
  return QLineF(a, b).length() < 0.01;
}

}  // namespace

TEST_CASE("dropping an op from the palette adds a node with its typed ports") {
  testing::app();
  PipelineDocument doc;
  PipelineScene scene(&doc);
  QMimeData data;
  data.setData(kOpMimeType, "add");
  QGraphicsSceneDragDropEvent drop(QEvent::GraphicsSceneDrop);
  drop.setMimeData(&data);
  drop.setScenePos(QPointF(300, 200));
  drop.setProposedAction(Qt::CopyAction);
  QApplication::sendEvent(&scene, &drop);

  REQUIRE(doc.pipeline().nodes.size() == 1);
  NodeItem* node = scene.node_item("add");
  REQUIRE(node);
  CHECK(node->sceneBoundingRect().contains(QPointF(300, 200)));  // centred where it was dropped
  CHECK(node->isSelected());
  REQUIRE(node->ports().size() == 3);  // x, y on top; out below
  PortItem* x = node->port("x", false);
  PortItem* out = node->port("out", true);
  REQUIRE(x);
  REQUIRE(out);
  CHECK(x->port_type() == "number");
  CHECK(x->anchor().y() < out->anchor().y());
  CHECK(x->toolTip().contains("number"));
  doc.undo_stack()->undo();
  CHECK(scene.node_items().empty());
}

TEST_CASE("dragging from port to port connects; a refused drag shows why") {
  testing::app();
  PipelineDocument doc;
  PipelineScene scene(&doc);
  QStringList refused;
  QObject::connect(&scene, &PipelineScene::connection_refused,
                   [&](const QString& why) { refused << why; });
  doc.add_node("value", {0, 0});
  doc.add_node("inc", {0, 150});
  doc.add_node("array.block", {300, 0});
  NodeItem* value = scene.node_item("value");
  NodeItem* inc = scene.node_item("inc");
  NodeItem* block = scene.node_item("array.block");
  REQUIRE((value && inc && block));

  drag(scene, value->port("out", true)->anchor(), inc->port("x", false)->anchor());
  REQUIRE(doc.pipeline().edges.size() == 1);
  CHECK(doc.pipeline().edges[0] == PipelineEdge{{"value", "out"}, {"inc", "x"}});
  REQUIRE(scene.edge_items().size() == 1);
  QPainterPath path = scene.edge_items()[0]->path();
  CHECK(near(path.pointAtPercent(0), value->port("out", true)->anchor()));
  CHECK(near(path.pointAtPercent(1), inc->port("x", false)->anchor()));
  CHECK(refused.isEmpty());

  // The reverse direction works too (input dragged onto output)...
  doc.add_node("inc", {0, 300});
  NodeItem* inc2 = scene.node_item("inc_2");
  drag(scene, inc2->port("x", false)->anchor(), inc->port("out", true)->anchor());
  CHECK(doc.pipeline().edges.size() == 2);

  // ...but a tensor into a number is refused, visibly.
  drag(scene, block->port("out", true)->anchor(), inc2->port("x", false)->anchor());
  CHECK(doc.pipeline().edges.size() == 2);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].contains("Type mismatch"));
  QGraphicsSimpleTextItem* note = visible_text(scene);
  REQUIRE(note);
  CHECK(note->text().contains("tensor"));

  // Two outputs, or an edge closing a cycle, are refused too.
  drag(scene, inc2->port("out", true)->anchor(), value->port("out", true)->anchor());
  CHECK(refused.size() == 2);
  CHECK(refused[1].contains("output port"));
  drag(scene, inc2->port("out", true)->anchor(), inc->port("x", false)->anchor());
  REQUIRE(refused.size() == 3);
  CHECK(refused[2].contains("cycle"));
  CHECK(doc.pipeline().edges.size() == 2);

  doc.undo_stack()->undo();
  CHECK(scene.edge_items().size() == 1);
}

TEST_CASE("moving nodes is one undo step and edges follow; selection by area") {
  testing::app();
  PipelineDocument doc;
  PipelineScene scene(&doc);
  doc.add_node("value", {0, 0});
  doc.add_node("inc", {0, 150});
  QString why;
  REQUIRE(doc.connect_ports({"value", "out"}, {"inc", "x"}, &why));
  NodeItem* inc = scene.node_item("inc");
  const int steps = doc.undo_stack()->count();

  inc->setPos(200, 300);  // what a mouse drag does to the item
  EdgeItem* edge = scene.edge_items().at(0);
  CHECK(near(edge->path().pointAtPercent(1), inc->port("x", false)->anchor()));
  mouse(scene, QEvent::GraphicsSceneMouseRelease, QPointF(250, 320));
  CHECK(doc.undo_stack()->count() == steps + 1);
  CHECK(doc.pipeline().find_node("inc")->x == 200);
  CHECK(doc.pipeline().find_node("inc")->y == 300);
  doc.undo_stack()->undo();
  CHECK(inc->pos() == QPointF(0, 150));
  CHECK(near(scene.edge_items().at(0)->path().pointAtPercent(1), inc->port("x", false)->anchor()));

  doc.add_node("mul", {600, 600});
  QPainterPath area;
  area.addRect(QRectF(-10, -10, 400, 400));  // what the view's rubber band selects
  scene.setSelectionArea(area);
  CHECK(scene.selected_ids() == std::vector<std::string>{"value", "inc"});
  scene.select_node("mul");
  CHECK(scene.selected_ids() == std::vector<std::string>{"mul"});
}

TEST_CASE("auto-layout places every node without overlaps and routes every edge") {
  testing::app();
  for (const char* name : {"arithmetic", "sum_of_squares", "trips", "word_count", "array_stats"}) {
    CAPTURE(name);
    PipelineDocument doc;
    doc.load(QStringLiteral(SHOAL_EXAMPLES_DIR "/%1.shoal.json").arg(name));
    // Start from a heap: every node at the origin.
    std::map<std::string, QPointF> heap;
    for (const PipelineNode& n : doc.pipeline().nodes) heap[n.id] = QPointF(0, 0);
    doc.move_nodes(heap);
    PipelineScene scene(&doc);
    const int steps = doc.undo_stack()->count();
    scene.auto_layout();
    CHECK(doc.undo_stack()->count() == steps + 1);

    std::vector<NodeItem*> items = scene.node_items();
    REQUIRE(items.size() == doc.pipeline().nodes.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const PipelineNode& n = doc.pipeline().nodes[i];
      CHECK(items[i]->pos() == QPointF(n.x, n.y));
      QRectF a(items[i]->pos(), items[i]->size());
      for (std::size_t j = i + 1; j < items.size(); ++j) {
        QRectF b(items[j]->pos(), items[j]->size());
        CAPTURE(items[i]->id());
        CAPTURE(items[j]->id());
        CHECK_FALSE(a.intersects(b));
      }
    }
    // Graphviz ranks top to bottom: every edge goes down the page, and
    // follows the route it was given, pinned to its ports.
    REQUIRE(scene.edge_items().size() == doc.pipeline().edges.size());
    for (EdgeItem* e : scene.edge_items()) {
      const PipelineEdge& pe = doc.pipeline().edges[e->index()];
      NodeItem* from = scene.node_item(pe.from.node);
      NodeItem* to = scene.node_item(pe.to.node);
      CHECK(e->has_route());
      CHECK(from->pos().y() + from->size().height() < to->pos().y());
      CHECK(near(e->path().pointAtPercent(0), from->port(pe.from.port, true)->anchor()));
      CHECK(near(e->path().pointAtPercent(1), to->port(pe.to.port, false)->anchor()));
    }
    doc.undo_stack()->undo();
    for (NodeItem* item : scene.node_items()) CHECK(item->pos() == QPointF(0, 0));
  }
}

TEST_CASE("node status colours and captions") {
  testing::app();
  PipelineDocument doc;
  PipelineScene scene(&doc);
  doc.add_node("inc", {0, 0});
  CHECK(scene.status("inc") == NodeStatus::kIdle);
  scene.set_status("inc", NodeStatus::kError, "boom");
  CHECK(scene.status("inc") == NodeStatus::kError);
  CHECK(status_color(NodeStatus::kError) != status_color(NodeStatus::kDone));
  CHECK(status_name(NodeStatus::kDone) == "done");
  scene.clear_status();
  CHECK(scene.status("inc") == NodeStatus::kIdle);
}

TEST_CASE("a node of an unknown op is drawn with the ports its edges name") {
  testing::app();
  PipelineDocument doc;
  PipelineScene scene(&doc);
  Pipeline p;
  p.add_node({.id = "a", .op = "value", .params = {{"value", 1}}});
  p.add_node({.id = "b", .op = "not.registered", .y = 150});
  p.connect({"a", "out"}, {"b", "in"});
  doc.apply(p, "test");
  NodeItem* b = scene.node_item("b");
  REQUIRE(b);
  REQUIRE(b->port("in", false));
  CHECK(b->port("in", false)->port_type() == "any");
  CHECK(scene.edge_items().size() == 1);
  CHECK_FALSE(doc.pipeline().problems().empty());  // validation reports the unknown op
}
