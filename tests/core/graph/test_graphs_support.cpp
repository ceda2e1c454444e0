// The shared graph builders of tests/support/graphs.h.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "shoal/graph.h"
#include "support/graphs.h"

using namespace shoal;
namespace st = shoal::testing;

TEST_CASE("tree_sum_graph has the documented shape") {
  auto tree = st::tree_sum_graph();
  CHECK(tree.graph.size() == 100000 + 12500 + 1563 + 196 + 25 + 4 + 1);
  CHECK(tree.expected == 5000050000);
  CHECK(tree.outputs == std::vector<Key>{tree.root});
  CHECK(tree.graph.at(tree.root).op_name() == "sum");
  CHECK(tree.graph.at(tree.root).dependencies().size() == 4);
  const Task& leaf = tree.graph.tasks()[7];
  CHECK(leaf.op_name() == "inc");
  CHECK(leaf.key.prefix() == "inc");
  CHECK(leaf.key.index()[0] == 7);
  CHECK(leaf.args[0].literal().as_int() == 7);
  CHECK(tree.graph.problems(tree.outputs).empty());

  auto small = st::tree_sum_graph(10, 3);  // 10 + 4 + 2 + 1
  CHECK(small.graph.size() == 17);
  CHECK(small.expected == 55);
  CHECK(st::tree_sum_graph(8, 8).graph.size() == 9);
  // Deterministic keys; different shapes, different keys.
  CHECK(st::tree_sum_graph(10, 3).root == small.root);
  CHECK_FALSE(st::tree_sum_graph(10, 4).root == small.root);
}

TEST_CASE("chain_graph and independent_graph") {
  auto chain = st::chain_graph(7);
  CHECK(chain.graph.size() == 7);
  CHECK(chain.expected == 7);
  CHECK(chain.graph.at(chain.root).dependencies().size() == 1);
  CHECK(chain.graph.tasks()[0].dependencies().empty());
  auto indep = st::independent_graph(5);
  CHECK(indep.graph.size() == 5);
  CHECK(indep.outputs.size() == 5);
  CHECK(indep.expected_values[4].as_int() == 5);
  for (const Task& t : indep.graph.tasks()) CHECK(t.dependencies().empty());
}

TEST_CASE("random_dag is deterministic and varied") {
  auto a = st::random_dag(42, 300), b = st::random_dag(42, 300), c = st::random_dag(43, 300);
  REQUIRE(a.graph.size() == 300);
  CHECK(a.outputs == b.outputs);
  CHECK(a.expected_values == b.expected_values);
  for (std::size_t i = 0; i < a.graph.size(); ++i) {
    CHECK(a.graph.tasks()[i].key == b.graph.tasks()[i].key);
    CHECK(a.graph.tasks()[i].op_name() == b.graph.tasks()[i].op_name());
  }
  CHECK_FALSE(a.outputs == c.outputs);
  CHECK(a.graph.problems(a.outputs).empty());

  // Every op is used, tasks share dependencies, and the insertion order is
  // not topological.
  std::set<std::string> ops;
  std::size_t edges = 0, out_of_order = 0;
  for (std::size_t i = 0; i < a.graph.size(); ++i) {
    const Task& t = a.graph.tasks()[i];
    ops.insert(t.op_name());
    for (const Key& d : t.dependencies()) {
      ++edges;
      if (a.graph.position(d) > static_cast<std::ptrdiff_t>(i)) ++out_of_order;
    }
  }
  CHECK(ops == std::set<std::string>{"add", "identity", "inc", "list", "mul", "sum"});
  CHECK(edges > 300);
  CHECK(out_of_order > 0);
  CHECK_FALSE(a.outputs.empty());
  CHECK(a.outputs.size() < 300);
  CHECK(st::random_dag(1, 1).outputs.size() == 1);
}
