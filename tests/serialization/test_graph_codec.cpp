// encode_graph / decode_graph: tasks, arguments, parameters, preludes, ops.
#include <doctest/doctest.h>

#include "random_values.h"
#include "shoal/graph_codec.h"
#include "shoal/value_codec.h"

using namespace shoal;

namespace {

Task task(Key key, const char* op, std::vector<Arg> args,
          std::shared_ptr<const Params> params = nullptr) {
  Task t;
  t.key = std::move(key);
  t.op = op ? OpRegistry::global().get(op) : nullptr;
  t.args = std::move(args);
  t.params = std::move(params);
  return t;
}

void check_args_equal(const std::vector<Arg>& a, const std::vector<Arg>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].is_literal() == b[i].is_literal());
    REQUIRE(a[i].is_ref() == b[i].is_ref());
    if (a[i].is_literal())
      CHECK(a[i].literal() == b[i].literal());
    else if (a[i].is_ref())
      CHECK(a[i].ref() == b[i].ref());
    else
      check_args_equal(a[i].items(), b[i].items());
  }
}

void check_tasks_equal(const Task& a, const Task& b) {
  CHECK(a.key == b.key);
  CHECK(a.op_name() == b.op_name());
  check_args_equal(a.args, b.args);
  REQUIRE(static_cast<bool>(a.params) == static_cast<bool>(b.params));
  if (a.params) CHECK(*a.params == *b.params);
  REQUIRE(static_cast<bool>(a.prelude) == static_cast<bool>(b.prelude));
  if (a.prelude) {
    REQUIRE(a.prelude->size() == b.prelude->size());
    for (std::size_t i = 0; i < a.prelude->size(); ++i)
      check_tasks_equal((*a.prelude)[i], (*b.prelude)[i]);
  }
}

void check_graphs_equal(const Graph& a, const Graph& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) check_tasks_equal(a.tasks()[i], b.tasks()[i]);
}

}  // namespace

TEST_CASE("a graph round-trips: keys, literal/ref/list args, params, prelude") {
  shoal::testing::RandomValues r(5);
  Graph g;
  g.add(task(Key("a-1f", {0}), "identity", {Value(1)}));
  g.add(
      task(Key("b-2e", {0, 3}), "identity", {Key("a-1f", {0})},
           std::make_shared<const Params>(Params{{"blocksize", Value(64)}, {"name", Value("x")}})));
  g.add(task(Key("c"), "list",
             {std::vector<Arg>{Key("a-1f", {0}), Value(2.5), std::vector<Arg>{Value(r.table())}}},
             std::make_shared<const Params>()));
  Task fused = task(Key("d"), "sum", {Key("p")});
  fused.prelude = std::make_shared<const std::vector<Task>>(std::vector<Task>{
      task(Key("p"), "list", {Key("c"), Key("b-2e", {0, 3}), Value(r.tensor())})});
  g.add(fused);
  g.add(task(Key("no-op"), nullptr, {}));

  Graph back = decode_graph(encode_graph(g));
  check_graphs_equal(g, back);
  CHECK(back.tasks()[0].op == OpRegistry::global().get("identity"));
  CHECK(back.tasks()[4].op == nullptr);
}

TEST_CASE("an unknown op decodes to a placeholder that validate() reports") {
  auto stranger = std::make_shared<Op>();
  stranger->name = "elsewhere.only";
  stranger->fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(); };
  Graph g;
  Task t;
  t.key = Key("x");
  t.op = stranger;
  g.add(t);
  t.key = Key("y");
  g.add(t);
  Graph back = decode_graph(encode_graph(g));
  REQUIRE(back.size() == 2);
  CHECK(back.tasks()[0].op_name() == "elsewhere.only");
  CHECK(back.tasks()[0].op == back.tasks()[1].op);
  auto problems = back.problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("unknown op 'elsewhere.only'") != std::string::npos);
  OpContext ctx;
  CHECK_THROWS_WITH(back.tasks()[0].op->fn(ctx, {}, Params{}), doctest::Contains("elsewhere.only"));
}

TEST_CASE("local_only ops cannot be encoded") {
  auto lambda = std::make_shared<Op>();
  lambda->name = "lambda-1";
  lambda->local_only = true;
  lambda->fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(); };
  Graph g;
  Task t;
  t.key = Key("z");
  t.op = lambda;
  g.add(t);
  CHECK_THROWS_WITH_AS(encode_graph(g), doctest::Contains("lambda-1"), EncodeError);
}

TEST_CASE("argument lists nested past the limit are refused") {
  auto nested = [](int depth) {
    Arg a(Value(1));
    for (int i = 0; i < depth; ++i) a = Arg(std::vector<Arg>{a});
    Graph g;
    g.add(task(Key("n"), "identity", {a}));
    return g;
  };
  CHECK(decode_graph(encode_graph(nested(kMaxNesting))).size() == 1);
  CHECK_THROWS_AS(decode_graph(encode_graph(nested(kMaxNesting + 1))), DecodeError);
}

TEST_CASE("an empty graph") {
  CHECK(decode_graph(encode_graph(Graph())).empty());
}
