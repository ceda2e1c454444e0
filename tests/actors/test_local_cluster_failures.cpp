// LocalCluster when things go wrong: ops that throw, invalid graphs, and
// shutting the cluster down under a running graph. Nothing may hang.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "shoal/error.h"
#include "shoal/local_cluster.h"
#include "support/graphs.h"
#include "support/ops.h"

using namespace shoal;

namespace {

std::atomic<int> g_ran{0};

// Counts its calls and takes a little time, like real work.
OpPtr counting_op() {
  static OpPtr op =
      testing::local_op("test.count", [](OpContext&, std::span<const Value> a, const Params&) {
        ++g_ran;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        return a.empty() ? Value(1) : a[0];
      });
  return op;
}

OpPtr failing_op() {
  static OpPtr op = testing::local_op(
      "test.fail", [](OpContext&, std::span<const Value>, const Params&) -> Value {
        throw std::runtime_error("disk on fire");
      });
  return op;
}

}  // namespace

TEST_CASE("an op that throws reaches the caller as TaskError and cancels the rest") {
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  Graph g;
  // The failing task is a root with the highest priority (first output);
  // 2000 slow independent tasks follow.
  g.add(testing::make_task(Key("boom"), failing_op(), {}));
  std::vector<Key> outputs{Key("boom")};
  for (int i = 0; i < 2000; ++i) {
    Key k("slow", {i});
    g.add(testing::make_task(k, counting_op(), {}));
    outputs.push_back(k);
  }
  g_ran = 0;
  try {
    cluster.run(g, outputs);
    FAIL("expected a TaskError");
  } catch (const TaskError& e) {
    CHECK(e.key() == "boom");
    CHECK(e.op() == "test.fail");
    CHECK(e.message() == "disk on fire");
    CHECK(std::string(e.what()).find("boom") != std::string::npos);
  }
  CHECK(g_ran < 100);  // the rest was cancelled, not run
  // The cluster stays usable.
  auto tree = testing::tree_sum_graph(500, 4);
  CHECK(cluster.run(tree.graph, tree.outputs)[0].as_int() == tree.expected);
}

TEST_CASE("a failure deep in a graph names the failing task, not its dependents") {
  LocalCluster cluster;
  Graph g;
  g.add(testing::make_task(Key("a"), OpRegistry::global().get("identity"), {Arg(Value(1))}));
  // `inc` of a string throws a TypeError inside the op.
  g.add(testing::make_task(Key("b"), OpRegistry::global().get("inc"), {Arg(Value("text"))}));
  g.add(testing::make_task(Key("c"), OpRegistry::global().get("add"),
                           {Arg(Key("a")), Arg(Key("b"))}));
  Key c("c");
  CHECK_THROWS_WITH_AS(cluster.run(g, {&c, 1}), doctest::Contains("task b (op 'inc') failed"),
                       TaskError);
}

TEST_CASE("an invalid graph is refused before any task runs") {
  LocalCluster cluster;
  Graph g;
  g.add(testing::make_task(Key("x"), counting_op(), {Arg(Key("missing"))}));
  g.add(testing::make_task(Key("y"), counting_op(), {}));
  g_ran = 0;
  Key outs[] = {Key("x"), Key("y")};
  CHECK_THROWS_WITH_AS(cluster.run(g, outs), doctest::Contains("depends on missing"), GraphError);
  CHECK(g_ran == 0);
}

TEST_CASE("destroying the cluster under a running graph fails the run; nothing hangs") {
  auto cluster =
      std::make_unique<LocalCluster>(LocalClusterOptions{.workers = 1, .threads_per_worker = 1});
  Graph g;
  std::vector<Key> outputs;
  for (int i = 0; i < 5000; ++i) {
    Key k("slow", {i});
    g.add(testing::make_task(k, counting_op(), {}));
    outputs.push_back(k);
  }
  g_ran = 0;
  auto result = std::async(std::launch::async, [&] { return cluster->run(g, outputs); });
  while (g_ran < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  cluster.reset();  // must return: stops every actor
  CHECK(result.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  CHECK_THROWS_WITH_AS(result.get(), doctest::Contains("shut down"), Error);
}

TEST_CASE("clusters start and stop quickly and repeatedly") {
  for (int i = 0; i < 20; ++i) {
    LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
    auto g = testing::chain_graph(50);
    CHECK(cluster.run(g.graph, g.outputs)[0].as_int() == 50);
  }
}

TEST_CASE("RunOptions::cancel stops a run: CancelledError, the rest not run, the cluster usable") {
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  Graph g;
  std::vector<Key> outputs;
  for (int i = 0; i < 3000; ++i) {  // ~0.6 s of work on two threads
    Key k("slow", {i});
    g.add(testing::make_task(k, counting_op(), {}));
    outputs.push_back(k);
  }
  g_ran = 0;
  RunOptions options;
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread stopper([&] {
    while (g_ran < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    options.cancel->store(true);  // from another thread, as a Stop button does
  });
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(cluster.run(g, outputs, options), doctest::Contains("cancelled"),
                       CancelledError);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(g_ran >= 50);
  CHECK(g_ran < 1000);  // scheduling stopped soon after the flag was set

  // A flag set before the run starts runs nothing.
  g_ran = 0;
  CHECK_THROWS_AS(cluster.run(g, outputs, options), CancelledError);
  CHECK(g_ran == 0);

  // The cluster stays usable, and a run whose flag stays false is unaffected.
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  auto tree = testing::tree_sum_graph(500, 4);
  CHECK(cluster.run(tree.graph, tree.outputs, options)[0].as_int() == tree.expected);
}

TEST_CASE("cancelling while one long task runs returns once it finishes") {
  LocalCluster cluster({.workers = 1, .threads_per_worker = 1});
  static OpPtr sleepy =
      testing::local_op("test.sleep", [](OpContext&, std::span<const Value>, const Params&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return Value(1);
      });
  Graph g;
  g.add(testing::make_task(Key("long"), sleepy, {}));
  g.add(testing::make_task(Key("after"), OpRegistry::global().get("inc"), {Arg(Key("long"))}));
  RunOptions options;
  options.cancel = std::make_shared<std::atomic<bool>>(false);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    options.cancel->store(true);
  });
  Key after("after");
  CHECK_THROWS_AS(cluster.run(g, {&after, 1}, options), CancelledError);
  stopper.join();
}
