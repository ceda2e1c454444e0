// Graph: add/merge, validation, cull, fuse, order, DOT.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "shoal/error.h"
#include "shoal/graph.h"
#include "shoal/inline_executor.h"
#include "shoal/op.h"
#include "support/graphs.h"

using namespace shoal;
using shoal::testing::make_task;

namespace {

OpPtr op(const char* name) {
  return OpRegistry::global().get(name);
}

Key k(const char* name, std::int64_t i = 0) {
  return Key(name, {i});
}

// a -> b, a -> c, (b, c) -> d
Graph diamond() {
  Graph g;
  g.add(make_task(k("a"), op("inc"), {Value(1)}));
  g.add(make_task(k("b"), op("inc"), {k("a")}));
  g.add(make_task(k("c"), op("inc"), {k("a")}));
  g.add(make_task(k("d"), op("add"), {k("b"), k("c")}));
  return g;
}

std::set<std::string> keys_of(const Graph& g) {
  std::set<std::string> out;
  for (const Task& t : g.tasks()) out.insert(t.key.str());
  return out;
}

std::int64_t run_int(const Graph& g, const Key& key) {
  InlineExecutor ex;
  return ex.run(g, {&key, 1}).at(0).as_int();
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("add and merge ignore keys already present") {
  Graph g;
  CHECK(g.empty());
  g.add(make_task(k("a"), op("inc"), {Value(1)}));
  g.add(make_task(k("a"), op("inc"), {Value(100)}));  // same key: ignored
  CHECK(g.size() == 1);
  CHECK(g.at(k("a")).args[0].literal().as_int() == 1);
  CHECK(g.contains(k("a")));
  CHECK_FALSE(g.contains(k("a", 1)));
  CHECK(g.position(k("a")) == 0);
  CHECK(g.position(k("zz")) == -1);

  Graph other = diamond();
  g.merge(other);
  CHECK(g.size() == 4);                                 // a is shared, b c d are new
  CHECK(g.at(k("a")).args[0].literal().as_int() == 1);  // the first one stays
  CHECK(g.tasks()[3].key == k("d"));                    // insertion order kept
  g.merge(other);
  CHECK(g.size() == 4);
}

TEST_CASE("at() names a missing key") {
  Graph g = diamond();
  CHECK(g.at(k("d")).op_name() == "add");
  CHECK_THROWS_WITH_AS(g.at(k("nope", 7)), "no task (\"nope\", 7) in the graph", GraphError);
}

TEST_CASE("Task::dependencies() lists distinct external references in order") {
  Task t =
      make_task(k("t"), op("sum"), {k("x"), Value(1), std::vector<Arg>{k("y"), k("x")}, k("z")});
  std::vector<Key> deps = t.dependencies();
  REQUIRE(deps.size() == 3);
  CHECK(deps[0] == k("x"));
  CHECK(deps[1] == k("y"));
  CHECK(deps[2] == k("z"));
}

TEST_CASE("validate() accepts a runnable graph") {
  Graph g = diamond();
  Key out = k("d");
  CHECK(g.problems({&out, 1}).empty());
  CHECK_NOTHROW(g.validate({&out, 1}));
  CHECK(run_int(g, out) == 6);
}

TEST_CASE("validate() reports a cycle with the keys on it") {
  Graph g;
  g.add(make_task(k("root"), op("inc"), {Value(0)}));
  g.add(make_task(k("x"), op("add"), {k("root"), k("z")}));
  g.add(make_task(k("y"), op("inc"), {k("x")}));
  g.add(make_task(k("z"), op("inc"), {k("y")}));
  g.add(make_task(k("after"), op("inc"), {k("z")}));
  auto problems = g.problems();
  REQUIRE(problems.size() == 1);
  const std::string& p = problems[0];
  CHECK(contains(p, "cycle"));
  CHECK(contains(p, k("x").str()));
  CHECK(contains(p, k("y").str()));
  CHECK(contains(p, k("z").str()));
  CHECK_FALSE(contains(p, k("root").str()));
  CHECK_FALSE(contains(p, k("after").str()));
  CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("cycle"), GraphError);

  Graph self;
  self.add(make_task(k("me"), op("inc"), {k("me")}));
  CHECK_THROWS_WITH_AS(self.validate(), doctest::Contains("cycle: (\"me\", 0) -> (\"me\", 0)"),
                       GraphError);
}

TEST_CASE("validate() names both keys of a missing dependency") {
  Graph g;
  g.add(make_task(k("b"), op("inc"), {k("missing", 3)}));
  CHECK_THROWS_WITH_AS(
      g.validate(),
      doctest::Contains("task (\"b\", 0) depends on (\"missing\", 3), which is not in the graph"),
      GraphError);
}

TEST_CASE("validate() refuses an op that is not registered") {
  auto handmade = std::make_shared<Op>();
  handmade->name = "not-a-registered-op";
  handmade->fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(1); };
  Graph g;
  g.add(make_task(k("t"), handmade, {}));
  CHECK_THROWS_WITH_AS(g.validate(),
                       doctest::Contains("unknown op 'not-a-registered-op' in task (\"t\", 0)"),
                       GraphError);
  // The same op, local_only, is an in-process lambda: accepted.
  auto local = std::make_shared<Op>(*handmade);
  local->local_only = true;
  Graph ok;
  ok.add(make_task(k("t"), local, {}));
  CHECK(ok.problems().empty());
  CHECK(run_int(ok, k("t")) == 1);
}

TEST_CASE("validate() refuses a task without op and an output that is not in the graph") {
  Graph g = diamond();
  Key missing = k("nowhere", 2);
  CHECK_THROWS_WITH_AS(g.validate({&missing, 1}),
                       doctest::Contains("requested output (\"nowhere\", 2) is not in the graph"),
                       GraphError);
  g.add(make_task(k("no-op"), nullptr, {}));
  CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("task (\"no-op\", 0) has no op"),
                       GraphError);
}

TEST_CASE("problems() lists every problem at once") {
  auto handmade = std::make_shared<Op>();
  handmade->name = "not-a-registered-op";
  handmade->fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(); };
  Graph g;
  g.add(make_task(k("c1"), op("inc"), {k("c2")}));
  g.add(make_task(k("c2"), op("inc"), {k("c1")}));
  g.add(make_task(k("orphan"), op("inc"), {k("ghost")}));
  g.add(make_task(k("strange"), handmade, {}));
  g.add(make_task(k("fine"), op("inc"), {Value(1)}));
  Key outputs[] = {k("fine"), k("absent")};
  auto problems = g.problems(outputs);
  CHECK(problems.size() == 4);
  auto any = [&](const char* part) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) { return contains(p, part); });
  };
  CHECK(any("cycle"));
  CHECK(any("ghost"));
  CHECK(any("not-a-registered-op"));
  CHECK(any("absent"));
  CHECK_THROWS_WITH_AS(g.validate(outputs), doctest::Contains("(4 problems)"), GraphError);
}

TEST_CASE("cull() keeps exactly what the outputs need") {
  Graph g = diamond();
  g.add(make_task(k("e"), op("inc"), {k("b")}));
  g.add(make_task(k("lonely"), op("inc"), {Value(5)}));
  g.add(make_task(k("f"), op("inc"), {k("lonely")}));
  g.add(make_task(k("broken"), op("inc"), {k("ghost")}));  // not needed: not checked

  Key d = k("d");
  Graph culled = g.cull({&d, 1});
  CHECK(keys_of(culled) ==
        std::set<std::string>{k("a").str(), k("b").str(), k("c").str(), k("d").str()});
  CHECK(culled.tasks()[0].key == k("a"));  // insertion order kept

  Key e = k("e");
  CHECK(keys_of(g.cull({&e, 1})) ==
        std::set<std::string>{k("a").str(), k("b").str(), k("e").str()});

  Key two[] = {k("f"), k("c")};
  CHECK(keys_of(g.cull(two)) ==
        std::set<std::string>{k("lonely").str(), k("f").str(), k("a").str(), k("c").str()});
  CHECK(g.cull({}).empty());
}

TEST_CASE("fuse() merges a linear chain into one task") {
  auto chain = shoal::testing::chain_graph(10);
  Graph fused = chain.graph.fuse();
  REQUIRE(fused.size() == 1);
  const Task& t = fused.tasks()[0];
  CHECK(t.key == chain.root);
  REQUIRE(t.prelude);
  CHECK(t.prelude->size() == 9);
  CHECK(t.dependencies().empty());
  CHECK(run_int(fused, chain.root) == 10);
  CHECK(run_int(chain.graph, chain.root) == 10);
  // Fusing again changes nothing.
  Graph twice = fused.fuse();
  CHECK(twice.size() == 1);
  CHECK(twice.tasks()[0].prelude->size() == 9);
  CHECK(run_int(twice, chain.root) == 10);
}

TEST_CASE("fuse() with a width fuses the leaves of a tree into their parents, within max_tasks") {
  auto tree = shoal::testing::tree_sum_graph(512, 8);  // 512 + 64 + 8 + 1 tasks
  REQUIRE(tree.graph.size() == 585);
  Graph fused = tree.graph.fuse({}, FuseOptions{.max_width = 8, .max_tasks = 64});
  // Each first-level sum absorbs its 8 leaves (9 tasks). A second-level sum
  // would make 1 + 8 * 9 = 73 > 64 tasks, so it stays; the root absorbs the
  // 8 second-level sums (9 tasks).
  CHECK(fused.size() == 64 + 1);
  for (const Task& t : fused.tasks()) {
    REQUIRE(t.prelude);
    CHECK(t.prelude->size() == 8);
  }
  CHECK(run_int(fused, tree.root) == tree.expected);
  // Width 1 leaves a tree alone: no task there has a single dependency.
  CHECK(tree.graph.fuse().size() == tree.graph.size());
  // A chain longer than max_tasks is cut into pieces of at most max_tasks.
  auto chain = shoal::testing::chain_graph(200);
  Graph pieces = chain.graph.fuse({}, FuseOptions{.max_width = 1, .max_tasks = 64});
  CHECK(pieces.size() == 4);  // 64 + 64 + 64 + 8
  CHECK(run_int(pieces, chain.root) == 200);
}

TEST_CASE("fuse() never fuses away a key in keep") {
  auto chain = shoal::testing::chain_graph(10);
  Key middle = chain.graph.tasks()[4].key;
  Graph fused = chain.graph.fuse({&middle, 1});
  REQUIRE(fused.size() == 2);
  REQUIRE(fused.contains(middle));
  CHECK(fused.at(middle).prelude->size() == 4);
  CHECK(fused.at(chain.root).prelude->size() == 4);
  CHECK(fused.at(chain.root).dependencies() == std::vector<Key>{middle});
  InlineExecutor ex;
  Key outs[] = {middle, chain.root};
  auto values = ex.run(fused, outs);
  CHECK(values[0].as_int() == 5);
  CHECK(values[1].as_int() == 10);
}

TEST_CASE("fuse() leaves diamonds and branches alone") {
  Graph g = diamond();
  Graph fused = g.fuse();
  CHECK(fused.size() == 4);
  for (const Task& t : fused.tasks()) CHECK_FALSE(t.prelude);

  // a -> b -> c and a -> x: b cannot take a (a has two dependents), c takes b.
  Graph branch;
  branch.add(make_task(k("a"), op("inc"), {Value(1)}));
  branch.add(make_task(k("b"), op("inc"), {k("a")}));
  branch.add(make_task(k("c"), op("mul"), {k("b"), k("b")}));  // repeated reference
  branch.add(make_task(k("x"), op("inc"), {k("a")}));
  Graph bf = branch.fuse();
  CHECK(keys_of(bf) == std::set<std::string>{k("a").str(), k("c").str(), k("x").str()});
  REQUIRE(bf.at(k("c")).prelude);
  CHECK(bf.at(k("c")).prelude->size() == 1);
  CHECK(run_int(bf, k("c")) == 9);
  CHECK(run_int(bf, k("x")) == 3);
}

TEST_CASE("fuse() keeps results of random graphs") {
  std::size_t fused_away = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto g = shoal::testing::random_dag(seed, 60);
    Graph fused = g.graph.fuse(g.outputs);
    CAPTURE(seed);
    REQUIRE(fused.size() <= g.graph.size());
    fused_away += g.graph.size() - fused.size();
    for (const Key& o : g.outputs) CHECK(fused.contains(o));
    InlineExecutor ex;
    CHECK(ex.run(fused, g.outputs) == g.expected_values);
  }
  CHECK(fused_away > 20);  // the graphs did have chains to fuse
}

TEST_CASE("order() is a topological order") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto g = shoal::testing::random_dag(seed, 80);
    auto priority = g.graph.order();
    REQUIRE(priority.size() == g.graph.size());
    std::vector<std::uint32_t> sorted = priority;
    std::sort(sorted.begin(), sorted.end());
    for (std::uint32_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);  // a permutation
    for (std::size_t i = 0; i < g.graph.size(); ++i) {
      for (const Key& dep : g.graph.tasks()[i].dependencies()) {
        CHECK(priority[static_cast<std::size_t>(g.graph.position(dep))] < priority[i]);
      }
    }
  }
  Graph cyclic;
  cyclic.add(make_task(k("me"), op("inc"), {k("me")}));
  CHECK_THROWS_AS(cyclic.order(), GraphError);
}

TEST_CASE("to_dot() shows every task and edge") {
  auto g = shoal::testing::random_dag(7, 40);
  std::string dot = g.graph.to_dot("my graph");
  CHECK(dot.rfind("digraph \"my graph\" {", 0) == 0);
  std::size_t edges = 0;
  for (std::size_t i = 0; i < g.graph.size(); ++i) {
    const Task& t = g.graph.tasks()[i];
    std::string node = "  t" + std::to_string(i) + " [label=\"(\\\"" + t.key.name() + "\\\", " +
                       std::to_string(t.key.index()[0]) + ")\\n" + t.op_name();
    CHECK(contains(dot, node));
    for (const Key& dep : t.dependencies()) {
      ++edges;
      CHECK(contains(dot, "  t" + std::to_string(g.graph.position(dep)) + " -> t" +
                              std::to_string(i) + ";\n"));
    }
  }
  std::size_t arrows = 0;
  for (std::size_t p = dot.find("->"); p != std::string::npos; p = dot.find("->", p + 1)) ++arrows;
  CHECK(arrows == edges);
  CHECK(edges > 20);  // the random graph has edges to check

  auto fused = shoal::testing::chain_graph(5).graph.fuse();
  CHECK(contains(fused.to_dot(), "(+4 fused)"));
}
