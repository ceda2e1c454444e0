// The whole-list ops pipelines use ("list.*", palette group "Text"), run one
// by one through the registry as a pipeline node runs them, compared with
// the Bag they stand for; their metadata; and a small pipeline reading a
// file by a path relative to its directory.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "shoal/bag.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/pipeline.h"
#include "support/nodes.h"

using namespace shoal;
using shoal::testing::run_node;

namespace {

List strings(std::initializer_list<const char*> items) {
  List out;
  for (const char* s : items) out.emplace_back(s);
  return out;
}

// A file in a directory of its own, removed with this object.
struct TextFile {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("shoal-list-ops-" + std::to_string(::getpid()));
  std::filesystem::path path = dir / "lines.txt";
  explicit TextFile(const std::string& text) {
    std::filesystem::create_directories(dir);
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TextFile() { std::filesystem::remove_all(dir); }
};

const ParamSpec& spec(const Op& op, const std::string& name) {
  for (const ParamSpec& p : op.params)
    if (p.name == name) return p;
  FAIL("no parameter " << name << " in " << op.name);
  throw Error("unreachable");
}

}  // namespace

TEST_CASE("list.read_text reads a file's lines as Bag::read_text does") {
  TextFile f("Hello World\nthe cat\r\n\nthe end");
  Value lines = run_node("list.read_text", {}, {{"path", f.path.string()}});
  CHECK(lines == Value(strings({"Hello World", "the cat", "", "the end"})));
  InlineExecutor ex;
  CHECK(lines.as_list() == Bag::read_text(f.path.string(), {.blocksize = 8}).compute(ex));
  CHECK_THROWS_WITH_AS(run_node("list.read_text", {}, {{"path", "/no/such/dir/words.txt"}}),
                       doctest::Contains("/no/such/dir/words.txt"), Error);
}

TEST_CASE("list.map and list.flat_map apply a named element function") {
  Value lines(strings({"The Cat", "a DOG sat"}));
  CHECK(run_node("list.map", {lines}, {{"func", "str.lower"}}) ==
        Value(strings({"the cat", "a dog sat"})));
  CHECK(run_node("list.flat_map", {lines}, {{"func", "str.split"}}) ==
        Value(strings({"The", "Cat", "a", "DOG", "sat"})));
  CHECK(run_node("list.flat_map", {Value(strings({"a,b", "c"}))},
                 {{"func", "str.split"}, {"arg", ","}}) == Value(strings({"a", "b", "c"})));
  CHECK(run_node("list.map", {Value(List{})}, {{"func", "str.lower"}}) == Value(List{}));
  CHECK_THROWS_WITH_AS(run_node("list.map", {lines}, {{"func", "str.nope"}}),
                       doctest::Contains("str.nope"), Error);
  CHECK_THROWS_WITH_AS(run_node("list.map", {lines}, {{"func", ""}}),
                       doctest::Contains("parameter 'func': empty"), Error);
  // An element the function cannot take is named.
  CHECK_THROWS_WITH_AS(
      run_node("list.map", {Value(List{Value("x"), Value(7)})}, {{"func", "str.lower"}}),
      doctest::Contains("7: str.lower: expected a string element"), Error);
}

TEST_CASE("list.frequencies and list.topk count and rank as Bag does") {
  Value words(strings({"b", "a", "b", "c", "a", "b", "d"}));
  Value counts = run_node("list.frequencies", {words}, {});
  CHECK(counts.repr() == R"([["b", 3], ["a", 2], ["c", 1], ["d", 1]])");  // first appearance
  CHECK(run_node("list.topk", {counts}, {{"k", 3}, {"by", 1}}).repr() ==
        R"([["b", 3], ["a", 2], ["c", 1]])");
  CHECK(run_node("list.topk", {Value(List{Value(3), Value(9), Value(1)})}, {{"k", 2}, {"by", -1}})
            .repr() == "[9, 3]");
  CHECK(run_node("list.topk", {counts}, {{"k", 10}, {"by", 1}}).as_list().size() == 4);
  CHECK(run_node("list.topk", {counts}, {{"k", 0}, {"by", 1}}) == Value(List{}));
  CHECK(run_node("list.frequencies", {Value(List{})}, {}) == Value(List{}));
  CHECK_THROWS_WITH_AS(run_node("list.topk", {counts}, {{"k", -1}, {"by", 1}}),
                       doctest::Contains("parameter 'k'"), Error);
  CHECK_THROWS_WITH_AS(run_node("list.topk", {counts}, {{"k", 2}, {"by", -2}}),
                       doctest::Contains("parameter 'by'"), Error);
  CHECK_THROWS_AS(run_node("list.topk", {counts}, {{"k", 2}, {"by", 5}}),
                  Error);  // no item 5 in a pair
}

TEST_CASE("list ops declare typed ports and parameters with defaults and ranges") {
  for (const char* name :
       {"list.read_text", "list.map", "list.flat_map", "list.frequencies", "list.topk"}) {
    CAPTURE(name);
    OpPtr op = OpRegistry::global().get(name);
    CHECK(op->group == "Text");
    CHECK_FALSE(op->doc.empty());
    REQUIRE(op->outputs.size() == 1);
    CHECK(op->outputs[0].type == "bag");
    if (op->name != "list.read_text") CHECK(op->inputs.at(0).type == "bag");
  }
  OpPtr read = OpRegistry::global().get("list.read_text");
  CHECK(read->inputs.empty());
  CHECK(spec(*read, "path").type == ParamSpec::Type::kPath);
  CHECK(spec(*read, "path").required);
  CHECK(spec(*read, "compression").choices == std::vector<std::string>{"auto", "gzip", "none"});
  CHECK(spec(*OpRegistry::global().get("list.map"), "func").default_value == Value("str.lower"));
  CHECK(spec(*OpRegistry::global().get("list.flat_map"), "func").default_value ==
        Value("str.split"));
  OpPtr topk = OpRegistry::global().get("list.topk");
  CHECK(spec(*topk, "k").min == 0);
  CHECK(spec(*topk, "by").min == -1);
  CHECK(spec(*topk, "k").default_value == Value(10));
}

TEST_CASE("a word count pipeline reads its file relative to its directory and checks parameters") {
  TextFile f("the cat and the dog\nThe end\n");
  Pipeline p;
  p.add_node({.id = "lines", .op = "list.read_text", .params = {{"path", "lines.txt"}}});
  p.add_node({.id = "lower", .op = "list.map"});
  p.add_node({.id = "words", .op = "list.flat_map"});
  p.add_node({.id = "counts", .op = "list.frequencies"});
  p.add_node({.id = "top", .op = "list.topk", .params = {{"k", 2}, {"by", 1}}});
  p.connect({"lines", "out"}, {"lower", "items"});
  p.connect({"lower", "out"}, {"words", "items"});
  p.connect({"words", "out"}, {"counts", "items"});
  p.connect({"counts", "out"}, {"top", "items"});
  REQUIRE(p.problems().empty());
  LoweredPipeline low = lower(p, OpRegistry::global(), f.dir.string());
  InlineExecutor ex;
  CHECK(ex.run(low.graph, low.output_keys()).at(0).repr() == R"([["the", 3], ["cat", 1]])");

  p.find_node("top")->params.set("k", Value(-3));
  p.find_node("lower")->params.set("func", Value(7));
  auto problems = p.problems();
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].kind == PipelineProblem::Kind::kParamType);
  CHECK(problems[0].message.find("'lower'") != std::string::npos);
  CHECK(problems[1].kind == PipelineProblem::Kind::kParamRange);
  CHECK(problems[1].message.find("'top'") != std::string::npos);
}
