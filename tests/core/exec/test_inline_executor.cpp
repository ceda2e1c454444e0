// InlineExecutor: results, errors, release of intermediates, observers.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/observer.h"
#include "shoal/op.h"
#include "support/graphs.h"

using namespace shoal;
using shoal::testing::make_task;

namespace {

// A local_only op that counts its calls, returns x + 1 and throws when x
// equals `fail_at`.
struct CountingOp {
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  std::shared_ptr<std::vector<std::string>> keys = std::make_shared<std::vector<std::string>>();
  OpPtr op;

  explicit CountingOp(std::int64_t fail_at = -1) {
    auto o = std::make_shared<Op>();
    o->name = "counting";
    o->local_only = true;
    o->fn = [calls = calls, keys = keys, fail_at](OpContext& ctx, std::span<const Value> args,
                                                  const Params&) {
      ++*calls;
      keys->push_back(ctx.key->str());
      CHECK(ctx.worker == "inline");
      std::int64_t x = args.empty() ? 0 : args[0].as_int();
      if (x == fail_at) throw std::runtime_error("kaboom at " + std::to_string(x));
      return Value(x + 1);
    };
    op = o;
  }
};

struct RecordingObserver : TaskObserver {
  std::size_t run_starts = 0, run_tasks = 0, run_ends = 0;
  bool ok = false;
  std::vector<TaskEvent> events;
  void on_run_start(std::size_t n) override {
    ++run_starts;
    run_tasks = n;
  }
  void on_task(const TaskEvent& e) override { events.push_back(e); }
  void on_run_end(bool success) override {
    ++run_ends;
    ok = success;
  }
  std::size_t count(TaskEvent::State s) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.state == s;
    return n;
  }
};

}  // namespace

TEST_CASE("chain, independent and small tree graphs give their values") {
  InlineExecutor ex;
  CHECK(ex.name() == "inline");
  auto chain = shoal::testing::chain_graph(1000);
  CHECK(chain.graph.size() == 1000);
  CHECK(ex.run(chain.graph, chain.outputs) == std::vector<Value>{Value(1000)});
  CHECK(ex.last_peak_live() == 1);

  auto indep = shoal::testing::independent_graph(500);
  auto values = ex.run(indep.graph, indep.outputs);
  REQUIRE(values.size() == 500);
  CHECK(values == indep.expected_values);
  CHECK(values[499].as_int() == 500);

  auto tree = shoal::testing::tree_sum_graph(1000, 3);
  CHECK(ex.run(tree.graph, {&tree.root, 1}).at(0).as_int() == 500500);
  CHECK(tree.expected == 500500);

  auto one = shoal::testing::tree_sum_graph(1, 8);
  CHECK(one.graph.size() == 1);
  CHECK(ex.run(one.graph, one.outputs).at(0).as_int() == 1);
}

TEST_CASE("the 114,289-task tree sums exactly, holding few results") {
  auto tree = shoal::testing::tree_sum_graph();
  REQUIRE(tree.graph.size() == 114289);
  CHECK(tree.expected == 5000050000);
  InlineExecutor ex;
  auto values = ex.run(tree.graph, {&tree.root, 1});
  CHECK(values.at(0).as_int() == tree.expected);
  // Depth-first, most demanding branch first: 8 + 7 per level above, not
  // the 100,000 leaves at once.
  CHECK(ex.last_peak_live() <= 8 + 7 * 5);
  CHECK(ex.last_peak_live() >= 8);
}

TEST_CASE("random graphs give the values computed independently") {
  InlineExecutor ex;
  for (std::uint64_t seed = 100; seed < 130; ++seed) {
    auto g = shoal::testing::random_dag(seed, 200);
    CAPTURE(seed);
    CHECK(ex.run(g.graph, g.outputs) == g.expected_values);
  }
}

TEST_CASE("outputs: repeats, intermediates, and tasks outputs do not need") {
  CountingOp counting;
  Graph g;
  g.add(make_task(Key("a", {0}), counting.op, {Value(1)}));
  g.add(make_task(Key("b", {0}), counting.op, {Key("a", {0})}));
  g.add(make_task(Key("c", {0}), counting.op, {Key("b", {0})}));
  g.add(make_task(Key("unneeded", {0}), counting.op, {Value(10)}));
  InlineExecutor ex;
  Key outs[] = {Key("c", {0}), Key("a", {0}), Key("c", {0})};
  auto values = ex.run(g, outs);
  CHECK(values == std::vector<Value>{Value(4), Value(2), Value(4)});
  CHECK(*counting.calls == 3);  // the unneeded task did not run
  CHECK(*counting.keys == std::vector<std::string>{"(\"a\", 0)", "(\"b\", 0)", "(\"c\", 0)"});
  CHECK(ex.last_peak_live() == 2);  // a is an output: held with c
  CHECK(ex.run(g, {}).empty());
}

TEST_CASE("an op that throws gives a TaskError and stops the run") {
  CountingOp counting(/*fail_at=*/4);
  Graph g;
  for (std::int64_t i = 0; i < 10; ++i) {
    g.add(make_task(Key("step", {i}), counting.op,
                    {i == 0 ? Arg(Value(0)) : Arg(Key("step", {i - 1}))}));
  }
  // An independent branch that sorts after the failing one.
  g.add(make_task(Key("later", {0}), counting.op, {Value(100)}));
  Key outs[] = {Key("step", {9}), Key("later", {0})};
  RecordingObserver obs;
  InlineExecutor ex;
  RunOptions options;
  options.observer = &obs;
  try {
    ex.run(g, outs, options);
    FAIL("no TaskError");
  } catch (const TaskError& e) {
    CHECK(e.key() == "(\"step\", 4)");
    CHECK(e.op() == "counting");
    CHECK(e.message() == "kaboom at 4");
    CHECK(std::string(e.what()) == "task (\"step\", 4) (op 'counting') failed: kaboom at 4");
  }
  CHECK(*counting.calls == 5);  // step 0..4, nothing after
  CHECK(obs.run_ends == 1);
  CHECK_FALSE(obs.ok);
  REQUIRE_FALSE(obs.events.empty());
  CHECK(obs.events.back().state == TaskEvent::State::kErred);
  CHECK(obs.events.back().key == Key("step", {4}));
  CHECK(obs.events.back().error == "kaboom at 4");
  CHECK(obs.count(TaskEvent::State::kStarted) == 5);
  CHECK(obs.count(TaskEvent::State::kFinished) == 4);
  CHECK(obs.count(TaskEvent::State::kErred) == 1);

  CHECK_THROWS_WITH_AS(ex.run(g, outs), doctest::Contains("kaboom"), TaskError);
  CHECK_THROWS_AS(ex.run(g, outs), Error);  // a TaskError is a shoal::Error
}

TEST_CASE("a TypeError inside a built-in op becomes a TaskError") {
  Graph g;
  g.add(make_task(Key("s", {0}), OpRegistry::global().get("inc"), {Value("text")}));
  InlineExecutor ex;
  Key out("s", {0});
  CHECK_THROWS_WITH_AS(ex.run(g, {&out, 1}), doctest::Contains("op 'inc'"), TaskError);
}

TEST_CASE("independent chains are released as they go") {
  // 20 chains of 50; each chain's end is an output.
  Graph g;
  OpPtr inc = OpRegistry::global().get("inc");
  std::vector<Key> outs;
  for (std::int64_t c = 0; c < 20; ++c) {
    std::string name = "chain" + std::to_string(c);
    g.add(make_task(Key(name, {0}), inc, {Value(c)}));
    for (std::int64_t i = 1; i < 50; ++i)
      g.add(make_task(Key(name, {i}), inc, {Key(name, {i - 1})}));
    outs.emplace_back(name, std::initializer_list<std::int64_t>{49});
  }
  InlineExecutor ex;
  auto values = ex.run(g, outs);
  for (std::int64_t c = 0; c < 20; ++c)
    CHECK(values[static_cast<std::size_t>(c)].as_int() == c + 50);
  // The finished outputs plus the one running chain's latest result.
  CHECK(ex.last_peak_live() == 20);
}

TEST_CASE("observers see every task start and finish, in order") {
  auto tree = shoal::testing::tree_sum_graph(200, 4);
  RecordingObserver obs;
  RunOptions options;
  options.observer = &obs;
  InlineExecutor ex;
  ex.run(tree.graph, tree.outputs, options);
  CHECK(obs.run_starts == 1);
  CHECK(obs.run_tasks == tree.graph.size());
  CHECK(obs.run_ends == 1);
  CHECK(obs.ok);
  CHECK(obs.events.size() == 2 * tree.graph.size());
  std::map<std::string, int> state;  // 1 started, 2 finished
  for (const TaskEvent& e : obs.events) {
    CHECK(e.worker == "inline");
    int& s = state[e.key.str()];
    if (e.state == TaskEvent::State::kStarted) {
      CHECK(s == 0);
      s = 1;
    } else {
      CHECK(e.state == TaskEvent::State::kFinished);
      CHECK(s == 1);
      CHECK(e.stop >= e.start);
      s = 2;
    }
  }
  CHECK(state.size() == tree.graph.size());
  for (const auto& [key, s] : state) CHECK(s == 2);
  CHECK(obs.events.front().op == "inc");
  CHECK(obs.events.back().op == "sum");
  CHECK(obs.events.back().key == tree.root);
}

TEST_CASE("a graph that is not runnable fails before any task runs") {
  CountingOp counting;
  RecordingObserver obs;
  RunOptions options;
  options.observer = &obs;
  InlineExecutor ex;

  Graph missing;
  missing.add(make_task(Key("a", {0}), counting.op, {Value(1)}));
  missing.add(make_task(Key("b", {0}), counting.op, {Key("a", {0})}));
  missing.add(make_task(Key("c", {0}), counting.op, {Key("b", {0}), Key("ghost", {0})}));
  Key c("c", {0});
  CHECK_THROWS_WITH_AS(ex.run(missing, {&c, 1}, options), doctest::Contains("ghost"), GraphError);

  Graph cyclic;
  cyclic.add(make_task(Key("a", {0}), counting.op, {Value(1)}));
  cyclic.add(make_task(Key("x", {0}), counting.op, {Key("a", {0}), Key("y", {0})}));
  cyclic.add(make_task(Key("y", {0}), counting.op, {Key("x", {0})}));
  Key y("y", {0});
  CHECK_THROWS_WITH_AS(ex.run(cyclic, {&y, 1}, options), doctest::Contains("cycle"), GraphError);

  Key absent("absent", {0});
  CHECK_THROWS_AS(ex.run(missing, {&absent, 1}, options), GraphError);

  CHECK(*counting.calls == 0);
  CHECK(obs.run_starts == 0);
  CHECK(obs.events.empty());
}

TEST_CASE("RunOptions::cancel stops the run between tasks with CancelledError") {
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto calls = std::make_shared<int>(0);
  auto op = std::make_shared<Op>();
  op->name = "cancel_at_3";
  op->local_only = true;
  op->fn = [calls, cancel](OpContext&, std::span<const Value> args, const Params&) {
    if (++*calls == 3) cancel->store(true);  // as a Stop button would, mid-run
    return Value(args.empty() ? 0 : args[0].as_int() + 1);
  };
  Graph g;
  for (std::int64_t i = 0; i < 10; ++i) {
    g.add(make_task(Key("step", {i}), op, {i == 0 ? Arg(Value(0)) : Arg(Key("step", {i - 1}))}));
  }
  Key out("step", {9});
  RecordingObserver obs;
  RunOptions options;
  options.observer = &obs;
  options.cancel = cancel;
  InlineExecutor ex;
  CHECK_THROWS_WITH_AS(ex.run(g, {&out, 1}, options), doctest::Contains("cancelled"),
                       CancelledError);
  CHECK(*calls == 3);  // the task that set the flag finished; nothing after it ran
  CHECK(obs.run_ends == 1);
  CHECK_FALSE(obs.ok);
  CHECK(obs.count(TaskEvent::State::kFinished) == 3);

  // A flag already set runs nothing; a cleared one runs everything.
  *calls = 0;
  CHECK_THROWS_AS(ex.run(g, {&out, 1}, options), Error);
  CHECK(*calls == 0);
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  CHECK(ex.run(g, {&out, 1}, options).at(0).as_int() == 10);  // the op sets the old flag only
}
