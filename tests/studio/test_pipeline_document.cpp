// PipelineDocument: edits through the undo stack, refused connections with
// their reasons, clipboard fragments, files (equal after a round trip; a
// corrupt or newer file leaves the document untouched).
#include <doctest/doctest.h>

#include <QTemporaryDir>
#include <fstream>

#include "pipeline_document.h"
#include "shoal/decode_error.h"
#include "shoal/pipeline_file.h"
#include "studio_app.h"

using namespace shoal;
using namespace shoal::studio;

namespace {

// value(20) -> inc -> add.x, value(2) -> add.y
Pipeline small_pipeline(PipelineDocument& doc) {
  std::string a = doc.add_node("value", {0, 0});
  std::string b = doc.add_node("value", {200, 0});
  std::string inc = doc.add_node("inc", {0, 120});
  std::string add = doc.add_node("add", {100, 240});
  doc.set_param(a, "value", Value(20));
  doc.set_param(b, "value", Value(2));
  QString why;
  REQUIRE(doc.connect_ports({a, "out"}, {inc, "x"}, &why));
  REQUIRE(doc.connect_ports({inc, "out"}, {add, "x"}, &why));
  REQUIRE(doc.connect_ports({b, "out"}, {add, "y"}, &why));
  return doc.pipeline();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("adding nodes gives fresh ids and every edit is one undo step") {
  testing::app();
  PipelineDocument doc;
  CHECK(doc.add_node("inc", {10, 20}) == "inc");
  CHECK(doc.add_node("inc", {10, 120}) == "inc_2");
  CHECK(doc.pipeline().nodes.size() == 2);
  CHECK(doc.pipeline().nodes[1].x == 10);
  CHECK(doc.pipeline().nodes[1].y == 120);
  CHECK(doc.undo_stack()->count() == 2);
  CHECK(doc.is_modified());

  int changes = 0;
  QObject::connect(&doc, &PipelineDocument::changed, [&] { ++changes; });
  doc.undo_stack()->undo();
  CHECK(doc.pipeline().nodes.size() == 1);
  CHECK(changes == 1);
  doc.undo_stack()->redo();
  CHECK(doc.pipeline().nodes.size() == 2);
  CHECK(doc.pipeline().nodes[1].id == "inc_2");
}

TEST_CASE("connect, and the connections that are refused, with their reasons") {
  testing::app();
  PipelineDocument doc;
  Pipeline p = small_pipeline(doc);
  CHECK(p.edges.size() == 3);
  CHECK(p.problems().empty());
  const int steps = doc.undo_stack()->count();
  QString why;

  SUBCASE("a type mismatch: a tensor into a number") {
    std::string block = doc.add_node("array.block", {400, 0});
    std::string inc2 = doc.add_node("inc", {400, 120});
    Pipeline before = doc.pipeline();
    CHECK_FALSE(doc.connect_ports({block, "out"}, {inc2, "x"}, &why));
    CHECK(why.contains("Type mismatch"));
    CHECK(why.contains("tensor"));
    CHECK(why.contains("number"));
    CHECK(doc.pipeline() == before);
  }
  SUBCASE("a cycle") {
    CHECK_FALSE(
        doc.connect_ports({"add", "out"}, {"inc", "x"}, &why));  // inc.x is taken too; cycle first
    CHECK(why.contains("cycle"));
    std::string inc2 = doc.add_node("inc", {0, 360});
    REQUIRE(doc.connect_ports({"add", "out"}, {inc2, "x"}, &why));
    std::string add2 = doc.add_node("add", {0, 480});
    REQUIRE(doc.connect_ports({inc2, "out"}, {add2, "x"}, &why));
    CHECK_FALSE(doc.connect_ports({add2, "out"}, {"add", "x"}, &why));
    CHECK(why.contains("cycle"));
    CHECK_FALSE(doc.connect_ports({inc2, "out"}, {inc2, "x"}, &why));
    CHECK(why.contains("cycle"));
  }
  SUBCASE("a taken input, unknown ports and wrong directions") {
    CHECK_FALSE(doc.connect_ports({"value", "out"}, {"add", "x"}, &why));
    CHECK(why.contains("already connected"));
    CHECK_FALSE(doc.connect_ports({"value", "nope"}, {"add", "x"}, &why));
    CHECK(why.contains("not an output port"));
    CHECK_FALSE(doc.connect_ports({"inc", "x"}, {"add", "y"}, &why));
    CHECK(why.contains("not an output port"));
    CHECK_FALSE(doc.connect_ports({"value", "out"}, {"ghost", "x"}, &why));
    CHECK(why.contains("ghost"));
    CHECK(doc.undo_stack()->count() == steps);  // refusals change nothing
  }
  SUBCASE("a variadic input takes several edges") {
    std::string sum = doc.add_node("sum", {0, 400});
    CHECK(doc.connect_ports({"value", "out"}, {sum, "items"}, &why));
    CHECK(doc.connect_ports({"value_2", "out"}, {sum, "items"}, &why));
    CHECK(doc.pipeline().edges.size() == 5);
  }
}

TEST_CASE("delete, parameters, labels and moves undo and redo exactly") {
  testing::app();
  PipelineDocument doc;
  Pipeline full = small_pipeline(doc);

  doc.remove_nodes({"inc"});
  CHECK(doc.pipeline().nodes.size() == 3);
  CHECK(doc.pipeline().edges.size() == 1);  // the two edges of inc went with it
  doc.undo_stack()->undo();
  CHECK(doc.pipeline() == full);

  doc.set_param("value", "value", Value(7));
  CHECK(doc.pipeline().find_node("value")->params.at("value") == Value(7));
  doc.set_param("value", "value", Value());  // null clears it
  CHECK_FALSE(doc.pipeline().find_node("value")->params.contains("value"));
  CHECK(doc.pipeline().problems().size() == 1);  // a required parameter is missing
  doc.undo_stack()->undo();
  doc.undo_stack()->undo();
  CHECK(doc.pipeline() == full);

  doc.set_label("add", "total");
  doc.move_nodes({{"add", QPointF(500, 600)}, {"inc", QPointF(-50, 90)}});
  CHECK(doc.pipeline().find_node("add")->label == "total");
  CHECK(doc.pipeline().find_node("add")->x == 500);
  CHECK(doc.pipeline().find_node("inc")->y == 90);
  doc.undo_stack()->undo();  // the move, in one step
  CHECK(doc.pipeline().find_node("add")->x == 100);
  CHECK(doc.pipeline().find_node("inc")->y == 120);
  CHECK(doc.pipeline().find_node("add")->label == "total");
  doc.undo_stack()->redo();
  CHECK(doc.pipeline().find_node("add")->x == 500);

  doc.remove_edges({0, 2});
  CHECK(doc.pipeline().edges.size() == 1);
  CHECK(doc.pipeline().edges[0].from.node == "inc");
}

TEST_CASE("a fragment pastes with fresh ids and its inner edges") {
  testing::app();
  PipelineDocument doc;
  small_pipeline(doc);
  Pipeline frag = doc.fragment({"value", "inc"});
  CHECK(frag.nodes.size() == 2);
  CHECK(frag.edges.size() == 1);  // value -> inc; inc -> add leaves the fragment
  std::vector<std::string> ids = doc.paste(frag, QPointF(40, 40));
  CHECK(ids == std::vector<std::string>{"value_3", "inc_2"});
  const PipelineNode* copy = doc.pipeline().find_node("inc_2");
  REQUIRE(copy);
  CHECK(copy->x == 40);
  CHECK(copy->y == 160);
  CHECK(doc.pipeline().edges.back() == PipelineEdge{{"value_3", "out"}, {"inc_2", "x"}});
  CHECK(doc.pipeline().find_node("value_3")->params.at("value") == Value(20));
  doc.undo_stack()->undo();
  CHECK(doc.pipeline().nodes.size() == 4);
}

TEST_CASE("save and load give an equal document; bad files leave it untouched") {
  testing::app();
  QTemporaryDir dir;
  REQUIRE(dir.isValid());
  PipelineDocument doc;
  Pipeline p = small_pipeline(doc);
  QString path = dir.filePath("small.shoal.json");
  doc.save(path);
  CHECK_FALSE(doc.is_modified());
  CHECK(doc.file_path() == path);

  PipelineDocument other;
  other.load(path);
  CHECK(other.pipeline() == p);
  CHECK(other.file_path() == path);
  CHECK(other.undo_stack()->count() == 0);
  CHECK(load_pipeline(path.toStdString()) == p);  // the file `shoal run` reads

  const std::string corrupt = dir.filePath("corrupt.shoal.json").toStdString();
  write(corrupt, "{\"format\": 1, \"nodes\": [");
  const std::string newer = dir.filePath("newer.shoal.json").toStdString();
  write(newer, "{\"format\": 99, \"name\": \"future\", \"nodes\": [], \"edges\": []}");
  other.add_node("inc", {0, 0});  // an unsaved edit must survive too
  Pipeline before = other.pipeline();
  int undo_steps = other.undo_stack()->count();
  CHECK_THROWS_AS(other.load(QString::fromStdString(corrupt)), DecodeError);
  CHECK_THROWS_WITH(other.load(QString::fromStdString(newer)), doctest::Contains("newer"));
  CHECK_THROWS_AS(other.load(dir.filePath("missing.shoal.json")), Error);
  CHECK(other.pipeline() == before);
  CHECK(other.file_path() == path);
  CHECK(other.undo_stack()->count() == undo_steps);
  CHECK(other.is_modified());
}

TEST_CASE("every example pipeline loads and saves back equal") {
  testing::app();
  QTemporaryDir dir;
  for (const char* name : {"arithmetic", "sum_of_squares", "trips", "word_count", "array_stats"}) {
    CAPTURE(name);
    PipelineDocument doc;
    doc.load(QStringLiteral(SHOAL_EXAMPLES_DIR "/%1.shoal.json").arg(name));
    CHECK(doc.pipeline().problems().empty());
    QString copy = dir.filePath(QStringLiteral("%1.shoal.json").arg(name));
    doc.save(copy);
    PipelineDocument again;
    again.load(copy);
    CHECK(again.pipeline() == doc.pipeline());
  }
}
