// The distributed runtime in one process: a SchedulerNode and WorkerNodes,
// each an actor system of its own talking over loopback TCP exactly as
// separate processes do, and a Client. (tests/cluster runs real processes.)
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "shoal/array.h"
#include "shoal/client.h"
#include "shoal/error.h"
#include "shoal/local_cluster.h"
#include "shoal/scheduler_node.h"
#include "shoal/worker_node.h"
#include "support/graphs.h"

using namespace shoal;
using namespace std::chrono_literals;

namespace {

// An op that sleeps `ms` then returns its input + 1, registered in this
// process, so every in-process worker has it.
OpPtr sleepy_inc() {
  static OpPtr op = [] {
    Op o;
    o.name = "test.remote_sleepy_inc";
    o.fn = [](OpContext&, std::span<const Value> args, const Params& params) {
      std::this_thread::sleep_for(std::chrono::milliseconds(params.at("ms").as_int()));
      return Value(args[0].as_int() + 1);
    };
    return OpRegistry::global().add(std::move(o), "test_remote_cluster");
  }();
  return op;
}

OpPtr thrower() {
  static OpPtr op = [] {
    Op o;
    o.name = "test.remote_throws";
    o.fn = [](OpContext&, std::span<const Value>, const Params&) -> Value {
      throw Error("bad input row 7");
    };
    return OpRegistry::global().add(std::move(o), "test_remote_cluster");
  }();
  return op;
}

// Throws on every other call, process-wide.
OpPtr flaky() {
  static OpPtr op = [] {
    Op o;
    o.name = "test.remote_flaky";
    o.fn = [](OpContext&, std::span<const Value> args, const Params&) -> Value {
      static std::atomic<int> calls{0};
      if (calls++ % 2 == 0) throw Error("flaky: fails every other call");
      return args[0];
    };
    return OpRegistry::global().add(std::move(o), "test_remote_cluster");
  }();
  return op;
}

// Counts its calls, process-wide.
std::atomic<int> counted_calls{0};
OpPtr counter() {
  static OpPtr op = [] {
    Op o;
    o.name = "test.remote_count";
    o.fn = [](OpContext&, std::span<const Value>, const Params&) -> Value {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return Value(std::int64_t{++counted_calls});
    };
    return OpRegistry::global().add(std::move(o), "test_remote_cluster");
  }();
  return op;
}

void quiet(const std::string&) {}

// A scheduler and `n` workers of one thread each.
struct TestCluster {
  explicit TestCluster(std::size_t n, std::uint64_t memory_limit = 0) {
    sleepy_inc();
    thrower();
    flaky();
    counter();
    scheduler = std::make_unique<SchedulerNode>(SchedulerNodeOptions{.port = 0, .log = quiet});
    for (std::size_t i = 0; i < n; ++i) add_worker("w" + std::to_string(i), memory_limit);
  }
  void add_worker(const std::string& name, std::uint64_t memory_limit = 0) {
    WorkerNodeOptions o;
    o.scheduler = scheduler->address();
    o.name = name;
    o.threads = 1;
    o.memory_limit = memory_limit;
    o.log = quiet;
    workers.push_back(std::make_unique<WorkerNode>(o));
  }
  std::unique_ptr<SchedulerNode> scheduler;
  std::vector<std::unique_ptr<WorkerNode>> workers;
};

Task task_of(Key key, OpPtr op, std::vector<Arg> args, std::int64_t ms = 0) {
  Task t = testing::make_task(std::move(key), std::move(op), std::move(args));
  if (ms) t.params = std::make_shared<const Params>(Params{{"ms", Value(ms)}});
  return t;
}

}  // namespace

TEST_CASE("a remote cluster runs the tree and a map, and reports its workers") {
  TestCluster cluster(2);
  Client client(cluster.scheduler->address());
  auto tree = testing::tree_sum_graph(20000, 8);
  CHECK(client.run(tree.graph, std::vector<Key>{tree.root})[0] == Value(tree.expected));
  Graph g;
  std::vector<Key> keys;
  for (std::int64_t i = 0; i < 500; ++i) {
    keys.emplace_back("inc-map", std::initializer_list<std::int64_t>{i});
    g.add(testing::make_task(keys.back(), OpRegistry::global().get("inc"), {Arg(Value(i))}));
  }
  std::vector<Value> out = client.run(g, keys);
  REQUIRE(out.size() == 500);
  for (std::int64_t i = 0; i < 500; ++i) CHECK(out[static_cast<std::size_t>(i)] == Value(i + 1));
  ClusterStatus s = client.status();
  REQUIRE(s.workers.size() == 2);
  CHECK(s.workers[0].threads == 1);
  CHECK(s.runs == 0);
}

TEST_CASE("large results travel worker to worker and to the client, equal to LocalCluster's") {
  TestCluster cluster(2);
  Client client(cluster.scheduler->address());
  Array x = random::uniform({600, 600}, {150, 150}, 5);  // 180 KB chunks: held by workers
  Array q = (x + x.T()).mean(0);
  LocalCluster local({.workers = 2, .threads_per_worker = 1});
  CHECK(q.compute(client) == q.compute(local));
  CHECK(x.compute(client) == x.compute(local));  // every chunk fetched from its holder
}

TEST_CASE("a task that throws fails the run with its key, op and message") {
  TestCluster cluster(1);
  Client client(cluster.scheduler->address());
  Graph g;
  g.add(task_of(Key("boom"), thrower(), {}));
  g.add(task_of(Key("after"), OpRegistry::global().get("inc"), {Arg(Key("boom"))}));
  try {
    client.run(g, std::vector<Key>{Key("after")});
    FAIL("expected a TaskError");
  } catch (const TaskError& e) {
    CHECK(e.key() == "boom");
    CHECK(e.op() == "test.remote_throws");
    CHECK(e.message() == "bad input row 7");
  }
  // The cluster still serves.
  auto tree = testing::tree_sum_graph(100, 4);
  CHECK(client.run(tree.graph, std::vector<Key>{tree.root})[0] == Value(tree.expected));
}

TEST_CASE("a lambda op is refused before anything is sent") {
  TestCluster cluster(1);
  Client client(cluster.scheduler->address());
  auto op = std::make_shared<Op>();
  op->name = "my_lambda";
  op->local_only = true;
  op->fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(1); };
  Graph g;
  g.add(task_of(Key("l"), op, {}));
  CHECK_THROWS_WITH_AS(client.run(g, std::vector<Key>{Key("l")}), doctest::Contains("local_only"),
                       GraphError);
}

TEST_CASE("an unreachable scheduler is a clear error") {
  CHECK_THROWS_WITH_AS(Client("127.0.0.1:1", {.connect_timeout = 300ms}),
                       doctest::Contains("127.0.0.1:1"), Error);
  WorkerNodeOptions o;
  o.scheduler = "127.0.0.1:1";
  o.death_timeout = 300ms;
  o.log = quiet;
  CHECK_THROWS_WITH_AS(WorkerNode{o}, doctest::Contains("cannot reach the scheduler"), Error);
  o.scheduler = "nonsense";
  CHECK_THROWS_WITH_AS(WorkerNode{o}, doctest::Contains("HOST:PORT"), Error);
}

TEST_CASE("a worker that stops mid-run: its tasks and results are redone elsewhere") {
  TestCluster cluster(2);
  Client client(cluster.scheduler->address());
  // 40 chains of 3 slow steps, summed: ~1.2 s of work on 2 threads.
  Graph g;
  std::vector<Arg> ends;
  for (std::int64_t c = 0; c < 40; ++c) {
    Key prev("step0", {c});
    g.add(task_of(prev, sleepy_inc(), {Arg(Value(c))}, 10));
    for (std::int64_t s = 1; s < 3; ++s) {
      Key k("step" + std::to_string(s), {c});
      g.add(task_of(k, sleepy_inc(), {Arg(prev)}, 10));
      prev = k;
    }
    ends.emplace_back(prev);
  }
  g.add(task_of(Key("total"), OpRegistry::global().get("sum"), {Arg(std::move(ends))}));
  std::thread killer([&] {
    std::this_thread::sleep_for(300ms);
    cluster.workers[1]->stop();
  });
  std::vector<Value> out = client.run(g, std::vector<Key>{Key("total")});
  killer.join();
  CHECK(out[0] == Value(std::int64_t{40 * 39 / 2 + 40 * 3}));
  ClusterStatus s = client.status();
  CHECK(s.workers_lost == 1);
  CHECK(s.workers.size() == 1);
}

TEST_CASE("with a memory limit results spill to disk and come back") {
  TestCluster cluster(2, 4u << 20);  // 4 MiB each: spills past 2.8 MiB
  Client client(cluster.scheduler->address());
  Array x = random::uniform({1000, 1000}, {250, 250}, 9);  // 16 chunks of 500 KB
  Array y = (x + x.T()) * 2.0;
  LocalCluster local({.workers = 1, .threads_per_worker = 1});
  CHECK(y.compute(client) == y.compute(local));
}

TEST_CASE("futures: submit, map, gather, futures as arguments, then, wait, as_completed") {
  TestCluster cluster(2);
  Client client(cluster.scheduler->address());
  Future a = client.submit("inc", {Value(1)});
  Future b = client.submit("add", {a, Value(10)});
  CHECK(b.result() == Value(std::int64_t{12}));
  CHECK(a.result() == Value(std::int64_t{2}));
  CHECK(a.status() == "finished");

  std::vector<Arg> items;
  for (std::int64_t i = 0; i < 100; ++i) items.emplace_back(Value(i));
  std::vector<Future> fs = client.map("inc", items);
  std::vector<Arg> refs(fs.begin(), fs.end());
  Future total = client.submit("sum", {Arg(std::move(refs))});
  CHECK(total.result() == Value(std::int64_t{5050}));
  std::vector<Value> all = client.gather(fs);
  REQUIRE(all.size() == 100);
  CHECK(all[99] == Value(std::int64_t{100}));

  std::atomic<int> called{0};
  Future slow =
      client.submit("test.remote_sleepy_inc", {Value(5)}, {.params = Params{{"ms", Value(200)}}});
  slow.then([&](const Future& f) { called += f.done() ? 1 : 100; });
  Future quick = client.submit("inc", {Value(0)});
  auto first = wait({slow, quick}, WaitFor::kFirstCompleted);
  REQUIRE_FALSE(first.empty());
  CHECK(first[0].key() == quick.key());
  wait({slow, quick});
  CHECK(slow.result() == Value(std::int64_t{6}));
  for (int i = 0; i < 100 && called == 0; ++i) std::this_thread::sleep_for(10ms);
  CHECK(called == 1);

  AsCompleted order({slow, quick});
  int n = 0;
  for (Future f; order.next(f);) ++n;
  CHECK(n == 2);
}

TEST_CASE("futures: scatter, persist, retries, errors, priority and cancel") {
  TestCluster cluster(2);
  Client client(cluster.scheduler->address());
  Tensor big({300, 300}, std::vector<double>(90000, 1.5));  // 720 KB: held by a worker
  Future data = client.scatter(Value(big));
  Future copy = client.submit("identity", {data});  // the worker that runs it fetches the data
  CHECK(copy.result() == Value(big));
  CHECK(data.result() == Value(big));

  Array x = random::uniform({400, 400}, {100, 100}, 3);
  std::vector<Future> parts = client.persist(x);
  CHECK(parts.size() == 16);
  LocalCluster local({.workers = 1, .threads_per_worker = 1});
  CHECK(client.gather(parts) == local.run(x.graph(), x.keys()));
  Future col_sum = client.submit("array.sum_all_test_missing_op", {parts[0]});
  CHECK_THROWS_WITH_AS(col_sum.result(), doctest::Contains("array.sum_all_test_missing_op"),
                       GraphError);

  Future boom = client.submit("test.remote_throws", {});
  CHECK_THROWS_AS(boom.result(), TaskError);
  CHECK(boom.status() == "error");
  Future after = client.submit("inc", {boom});
  CHECK_THROWS(after.result());

  Future urgent = client.submit("inc", {Value(1)}, {.priority = 10});
  CHECK(urgent.result() == Value(std::int64_t{2}));
  Future flaky_once = client.submit("test.remote_flaky", {Value(1)}, {.retries = 1});
  CHECK(flaky_once.result() == Value(std::int64_t{1}));
  Future flaky_no_retry = client.submit("test.remote_flaky", {Value(1)});
  CHECK_THROWS_AS(flaky_no_retry.result(), TaskError);

  Future long_one =
      client.submit("test.remote_sleepy_inc", {Value(1)}, {.params = Params{{"ms", Value(3000)}}});
  std::this_thread::sleep_for(50ms);
  long_one.cancel();
  CHECK_THROWS_AS(long_one.result(), CancelledError);
}

TEST_CASE("the event stream: task and worker events of every client") {
  TestCluster cluster(1);
  Client watcher(cluster.scheduler->address());
  std::mutex mutex;
  std::vector<ClusterEvent> seen;
  watcher.subscribe([&](const ClusterEvent& e) {
    std::lock_guard lock(mutex);
    seen.push_back(e);
  });
  Client client(cluster.scheduler->address());
  client.status();  // the subscription has reached the scheduler before the run
  watcher.status();
  auto tree = testing::tree_sum_graph(10, 4);
  client.run(tree.graph, std::vector<Key>{tree.root});
  cluster.add_worker("late");
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mutex);
      if (!seen.empty() && seen.back().kind == ClusterEvent::Kind::kWorkerJoined) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(mutex);
  std::size_t started = 0, finished = 0;
  for (const ClusterEvent& e : seen) {
    started += e.kind == ClusterEvent::Kind::kTaskStarted;
    finished += e.kind == ClusterEvent::Kind::kTaskFinished;
    if (e.kind == ClusterEvent::Kind::kTaskFinished && e.key == tree.root.str())
      CHECK(e.op == "sum");
  }
  CHECK(started == tree.graph.size());
  CHECK(finished == tree.graph.size());
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().kind == ClusterEvent::Kind::kWorkerJoined);
  CHECK(seen.back().worker == "late");
}

TEST_CASE("futures: a chosen key; fire_and_forget runs to the end though every Future is gone") {
  TestCluster cluster(1);
  Client client(cluster.scheduler->address());
  Future named = client.submit("inc", {Value(1)}, {.key = "my-key"});
  CHECK(named.key() == Key("my-key"));
  CHECK(named.result() == Value(std::int64_t{2}));

  int before = counted_calls;
  {
    Future f = client.submit("test.remote_count", {});
    client.fire_and_forget(f);
  }  // dropped at once: without fire_and_forget the run would be released
  for (int i = 0; i < 300 && counted_calls == before; ++i) std::this_thread::sleep_for(10ms);
  CHECK(counted_calls == before + 1);
  for (int i = 0; i < 100 && client.status().runs > 0; ++i) std::this_thread::sleep_for(10ms);
  CHECK(client.status().runs == 0);  // it finished
}

TEST_CASE("an idle worker steals queued tasks from a saturated one") {
  TestCluster cluster(1);  // w0 alone takes all four tasks: one runs, three wait there
  Client client(cluster.scheduler->address());
  std::mutex mutex;
  std::set<std::string> ran_on;
  client.subscribe([&](const ClusterEvent& e) {
    std::lock_guard lock(mutex);
    if (e.kind == ClusterEvent::Kind::kTaskFinished) ran_on.insert(e.worker);
  });
  client.status();  // the subscription is in place
  std::vector<Arg> items;
  for (std::int64_t i = 0; i < 4; ++i) items.emplace_back(Value(i));
  std::vector<Future> fs =
      client.map("test.remote_sleepy_inc", items, {.params = Params{{"ms", Value(300)}}});
  std::this_thread::sleep_for(50ms);
  cluster.add_worker("thief");  // idle, while nothing is left to place
  std::vector<Value> out = client.gather(fs);
  CHECK(out[3] == Value(std::int64_t{4}));
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mutex);
      if (ran_on.count("thief")) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(mutex);
  CHECK(ran_on.count("thief") == 1);  // it ran some of w0's queued tasks
  CHECK(ran_on.count("w0") == 1);
}
