// LocalCluster: the same results as InlineExecutor, priorities, release of
// intermediates, observers, concurrency and the default executor.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "shoal/delayed.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"
#include "support/graphs.h"
#include "support/ops.h"

using namespace shoal;

namespace {

Task task_of(Key key, const char* op, std::vector<Arg> args) {
  return testing::make_task(std::move(key), OpRegistry::global().get(op), std::move(args));
}

// A float64 tensor of n ones: a big result.
OpPtr big_tensor_op() {
  static OpPtr op =
      testing::local_op("test.big_tensor", [](OpContext&, std::span<const Value> a, const Params&) {
        auto n = a[0].as_int();
        return Value(Tensor({n}, std::vector<double>(static_cast<std::size_t>(n), 1.0)));
      });
  return op;
}

OpPtr tensor_sum_op() {
  static OpPtr op =
      testing::local_op("test.tensor_sum", [](OpContext&, std::span<const Value> a, const Params&) {
        double s = 0;
        for (const Value& v : a) {
          for (double x : v.as_tensor().values<double>()) s += x;
        }
        return Value(s);
      });
  return op;
}

}  // namespace

TEST_CASE("LocalCluster matches InlineExecutor on 200 random DAGs") {
  InlineExecutor reference;
  LocalCluster one({.workers = 1, .threads_per_worker = 1});
  LocalCluster many({.workers = 3, .threads_per_worker = 2});
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    CAPTURE(seed);
    auto g = testing::random_dag(seed, 10 + static_cast<int>(seed % 90));
    auto expected = reference.run(g.graph, g.outputs);
    REQUIRE(expected == g.expected_values);
    LocalCluster& cluster = seed % 2 ? one : many;
    CHECK(cluster.run(g.graph, g.outputs) == expected);
  }
}

TEST_CASE("the 114,289-task tree gives the exact sum on LocalCluster") {
  auto g = testing::tree_sum_graph(100000, 8);
  REQUIRE(g.graph.size() == 114289);
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  auto out = cluster.run(g.graph, g.outputs);
  REQUIRE(out.size() == 1);
  CHECK(out[0].as_int() == 5000050000);
  CHECK(cluster.stats().tasks_run == 114289);
  // Ordering keeps a tree reduction narrow: a few results per level, not
  // the 100,000 leaves.
  CHECK(cluster.stats().last_run_peak_live < 200);
  CHECK(cluster.stats().last_run_live_at_end == 1);
}

TEST_CASE("after a run only the requested results were held, and no partition survives") {
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1, .inline_limit = 1024});
  Graph g;
  std::vector<Key> parts;
  for (int i = 0; i < 20; ++i) {
    Key k("big", {i});
    g.add(testing::make_task(k, big_tensor_op(), {Arg(Value(1000))}));  // 8 kB each
    parts.push_back(k);
  }
  std::vector<Arg> refs(parts.begin(), parts.end());
  g.add(testing::make_task(Key("total"), tensor_sum_op(), refs));
  Key outputs[] = {Key("total"), Key("big", {3})};
  auto out = cluster.run(g, outputs);
  CHECK(out[0].as_float() == 20000.0);
  CHECK(out[1].as_tensor().size() == 1000);
  auto stats = cluster.stats();
  CHECK(stats.partitions_spawned == 20);   // every big result had its partition actor
  CHECK(stats.last_run_live_at_end == 2);  // the two outputs, nothing else
  // Partition actors are released asynchronously: wait a moment for them.
  for (int i = 0; i < 200 && cluster.stats().partitions_alive != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(cluster.stats().partitions_alive == 0);
}

TEST_CASE("independent chains are run one after another, so few results are live") {
  // 50 chains of 20: priorities finish a chain before starting the next.
  Graph g;
  std::vector<Key> ends;
  for (int c = 0; c < 50; ++c) {
    Key prev("chain", {c, 0});
    g.add(task_of(prev, "inc", {Arg(Value(0))}));
    for (int i = 1; i < 20; ++i) {
      Key k("chain", {c, i});
      g.add(task_of(k, "inc", {Arg(prev)}));
      prev = k;
    }
    ends.push_back(prev);
  }
  std::vector<Arg> refs(ends.begin(), ends.end());
  g.add(task_of(Key("all"), "sum", refs));
  LocalCluster cluster({.workers = 1, .threads_per_worker = 2});
  Key root("all");
  CHECK(cluster.run(g, {&root, 1})[0].as_int() == 50 * 20);
  // 50 chain ends are held until the sum; a handful of links on top.
  CHECK(cluster.stats().last_run_peak_live <= 50 + 10);
}

TEST_CASE("observers see every task start and finish, on a named worker") {
  struct Counter : TaskObserver {
    std::size_t started = 0, finished = 0, total = 0;
    bool ended_ok = false;
    std::set<std::string> workers;
    void on_run_start(std::size_t n) override { total = n; }
    void on_task(const TaskEvent& e) override {
      if (e.state == TaskEvent::State::kStarted) ++started;
      if (e.state == TaskEvent::State::kFinished) {
        ++finished;
        CHECK(e.stop >= e.start);
      }
      workers.insert(e.worker);
    }
    void on_run_end(bool ok) override { ended_ok = ok; }
  } counter;
  auto g = testing::tree_sum_graph(1000, 8);
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  RunOptions options;
  options.observer = &counter;
  CHECK(cluster.run(g.graph, g.outputs, options)[0].as_int() == g.expected);
  CHECK(counter.total == g.graph.size());
  CHECK(counter.started == g.graph.size());
  CHECK(counter.finished == g.graph.size());
  CHECK(counter.ended_ok);
  CHECK(counter.workers == std::set<std::string>{"worker-0", "worker-1"});
}

TEST_CASE("runs from several threads at once share the cluster") {
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < 5; ++r) {
        auto g = testing::random_dag(1000 + static_cast<std::uint64_t>(t * 10 + r), 60);
        if (cluster.run(g.graph, g.outputs) == g.expected_values) ++right;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(right == 20);
}

TEST_CASE("an empty output list and a graph of literals run") {
  LocalCluster cluster;
  Graph g;
  g.add(task_of(Key("x"), "identity", {Arg(Value("hello"))}));
  CHECK(cluster.run(g, {}).empty());
  Key x("x");
  CHECK(cluster.run(g, {&x, 1})[0].as_string() == "hello");
  // Asking for the same key twice gives it twice.
  Key twice[] = {x, x};
  CHECK(cluster.run(g, twice).size() == 2);
}

TEST_CASE("compute() without an executor uses the process-wide LocalCluster") {
  CHECK(default_executor().name().rfind("LocalCluster", 0) == 0);
  std::atomic<int> calls{0};
  auto square = delayed([&calls](std::int64_t x) {
    ++calls;
    return x * x;
  });
  auto a = square(7);
  auto b = delayed([](std::int64_t x, std::int64_t y) { return x + y; })(a, a);
  auto [va, vb] = compute(a, b);
  CHECK(va == 49);
  CHECK(vb == 98);
  CHECK(calls == 1);  // shared work ran once
}
