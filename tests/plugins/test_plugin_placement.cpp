// Plugins on a LocalCluster whose workers have different op sets: tasks go
// only to workers that have their op, a graph naming an op no worker has is
// refused before anything runs, and stateful ops keep one state per worker
// that is destroyed when the cluster stops.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <set>

#include "plugin_test_support.h"
#include "shoal/local_cluster.h"

namespace shoal::testing {
namespace {

// Which workers ran which ops, from the cluster's task events.
class WhereObserver : public TaskObserver {
 public:
  void on_task(const TaskEvent& e) override {
    std::lock_guard lock(mu_);
    if (e.state == TaskEvent::State::kFinished) workers_[e.op].insert(e.worker);
    ++events_;
  }
  std::set<std::string> workers(const std::string& op) {
    std::lock_guard lock(mu_);
    return workers_[op];
  }
  std::size_t events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::set<std::string>> workers_;
  std::size_t events_ = 0;
};

struct CounterProbe {
  void* lib = dlopen(test_plugin("counter").c_str(), RTLD_NOW | RTLD_NOLOAD);
  int created() const {
    return reinterpret_cast<int (*)()>(dlsym(lib, "counter_states_created"))();
  }
  int destroyed() const {
    return reinterpret_cast<int (*)()>(dlsym(lib, "counter_states_destroyed"))();
  }
  ~CounterProbe() {
    if (lib) dlclose(lib);
  }
};

List strings(std::initializer_list<const char*> items) {
  List out;
  for (const char* s : items) out.emplace_back(s);
  return out;
}

TEST_CASE("with both shipped plugins on one of two workers, their tasks run only there") {
  auto plugged =
      registry_with({shipped_plugin("text"), shipped_plugin("stats"), test_plugin("counter")});
  LocalClusterOptions o{.workers = 2, .threads_per_worker = 1};
  o.worker_registries = {nullptr, plugged};  // worker-0: the global registry; worker-1: + plugins
  LocalCluster cluster(o);

  Graph g;  // per document: tokenize -> count tokens (builtin-free) ; then quantiles of the lengths
  std::vector<Key> outs;
  for (int i = 0; i < 8; ++i) {
    std::string s = std::to_string(i);
    g.add(task_of(*plugged, "doc" + s, "inc", {Value(i)}));  // built in: either worker
    g.add(task_of(*plugged, "tok" + s, "text.tokenize", {Value("w" + s + " and w" + s + " x")}));
    g.add(task_of(*plugged, "clean" + s, "text.remove_stopwords", {Arg(Key("tok" + s))}));
    g.add(task_of(*plugged, "who" + s, "counter.count", {Arg(Key("clean" + s))}));
    outs.push_back(Key("clean" + s));
    outs.push_back(Key("doc" + s));
    outs.push_back(Key("who" + s));
  }
  g.add(task_of(*plugged, "q", "stats.quantiles",
                {Value(List{Value(1), Value(2), Value(3), Value(4)})},
                Params{{"q", Value(List{Value(0.5)})}}));
  outs.push_back(Key("q"));

  WhereObserver where;
  std::vector<Value> got = cluster.run(g, outs, {.observer = &where});
  for (int i = 0; i < 8; ++i) {
    std::string s = std::to_string(i);
    CHECK(got[3 * i] == Value(strings({("w" + s).c_str(), ("w" + s).c_str(), "x"})));
    CHECK(got[3 * i + 1] == Value(i + 1));
    CHECK(got[3 * i + 2].as_list()[0] == Value("worker-1"));  // OpContext::worker
  }
  CHECK(got.back() == Value(List{Value(2.5)}));
  for (const char* op :
       {"text.tokenize", "text.remove_stopwords", "counter.count", "stats.quantiles"}) {
    CHECK(where.workers(op) == std::set<std::string>{"worker-1"});
  }
}

TEST_CASE("a graph naming an op no worker has is refused before any task runs") {
  auto with_text = registry_with({shipped_plugin("text")});
  auto with_stats = registry_with({shipped_plugin("stats")});
  LocalClusterOptions o{.workers = 2, .threads_per_worker = 1};
  o.worker_registries = {with_text, with_stats};
  LocalCluster cluster(o);
  WhereObserver where;

  SUBCASE("an op in a registry no worker uses") {
    auto other = registry_with({test_plugin("counter")});
    Graph g;
    g.add(task_of(*other, "c", "counter.count", {}));
    std::vector<Key> outs{Key("c")};
    CHECK_THROWS_WITH_AS(
        cluster.run(g, outs, {.observer = &where}),
        doctest::Contains("an op named 'counter.count' is not the registered op of that name"),
        GraphError);
  }
  SUBCASE("an op only the global registry has, while every worker has its own") {
    // Registered globally after the workers' registries were copied.
    OpRegistry::global().add(
        Op{.name = "test.only_global",
           .inputs = {{"x"}},
           .fn = [](OpContext&, std::span<const Value> in, const Params&) { return in[0]; }},
        "test");
    Graph g;
    g.add(task_of(OpRegistry::global(), "a", "inc", {Value(1)}));
    g.add(task_of(OpRegistry::global(), "c", "test.only_global", {Arg(Key("a"))}));
    std::vector<Key> outs{Key("c")};
    CHECK_THROWS_WITH_AS(
        cluster.run(g, outs, {.observer = &where}),
        doctest::Contains("no worker of this LocalCluster has op 'test.only_global' (needed by "
                          "task c)"),
        GraphError);
  }
  SUBCASE("a fused task whose ops are on different workers") {
    // q runs t first (as Graph::fuse makes it); tokens are strings, so this
    // would fail if it ran: it must not run at all.
    Task q = task_of(*with_stats, "q", "stats.quantiles", {Arg(Key("t"))});
    q.prelude = std::make_shared<const std::vector<Task>>(
        std::vector<Task>{task_of(*with_text, "t", "text.tokenize", {Value("1 2 3")})});
    Graph fused;
    fused.add(q);
    std::vector<Key> outs{Key("q")};
    CHECK_THROWS_WITH_AS(
        cluster.run(fused, outs, {.observer = &where}),
        doctest::Contains("no worker of this LocalCluster has both op 'stats.quantiles' and "
                          "op 'text.tokenize'"),
        GraphError);
  }
  CHECK(where.events() == 0);
}

TEST_CASE("each worker with a different plugin gets that plugin's tasks") {
  auto with_text = registry_with({shipped_plugin("text")});
  auto with_stats = registry_with({shipped_plugin("stats")});
  LocalClusterOptions o{.workers = 2, .threads_per_worker = 1};
  o.worker_registries = {with_text, with_stats};
  LocalCluster cluster(o);
  Graph g;
  g.add(task_of(*with_text, "t", "text.tokenize", {Value("a b")}));
  g.add(task_of(*with_stats, "q", "stats.quantiles", {Value(List{Value(2), Value(4)})},
                Params{{"q", Value(List{Value(0.5)})}}));
  WhereObserver where;
  std::vector<Key> outs{Key("t"), Key("q")};
  std::vector<Value> got = cluster.run(g, outs, {.observer = &where});
  CHECK(got[0] == Value(strings({"a", "b"})));
  CHECK(got[1] == Value(List{Value(3.0)}));
  CHECK(where.workers("text.tokenize") == std::set<std::string>{"worker-0"});
  CHECK(where.workers("stats.quantiles") == std::set<std::string>{"worker-1"});
}

TEST_CASE("a stateful op keeps one state per worker, destroyed when the cluster stops") {
  auto counting = registry_with({test_plugin("counter")});
  CounterProbe probe;
  REQUIRE(probe.lib != nullptr);
  int created0 = probe.created(), destroyed0 = probe.destroyed();
  std::map<std::string, std::int64_t> most;  // per worker: the highest count seen
  std::size_t tasks = 0;
  {
    LocalClusterOptions o{.workers = 2, .threads_per_worker = 1};
    o.worker_registries = {counting, counting};
    LocalCluster cluster(o);
    for (int run = 0; run < 2; ++run) {  // state is kept between runs too
      Graph g;
      std::vector<Key> outs;
      for (int i = 0; i < 20; ++i) {
        std::string k = "c" + std::to_string(run) + "-" + std::to_string(i);
        g.add(task_of(*counting, k, "counter.count", {Value(i)}));
        outs.push_back(Key(k));
      }
      for (const Value& v : cluster.run(g, outs)) {
        auto& m = most[v.as_list()[0].as_string()];
        m = std::max(m, v.as_list()[1].as_int());
        ++tasks;
      }
    }
    std::int64_t total = 0;
    for (const auto& [worker, n] : most) total += n;
    CHECK(total ==
          static_cast<std::int64_t>(tasks));  // each worker counted its own tasks, across runs
    CHECK(probe.created() - created0 ==
          static_cast<int>(most.size()));  // one state per worker that ran it
    CHECK(probe.destroyed() == destroyed0);
  }
  CHECK(probe.destroyed() - destroyed0 == static_cast<int>(most.size()));  // gone with the workers
}

}  // namespace
}  // namespace shoal::testing

namespace shoal::testing {
namespace {

TEST_CASE("a wide graph mixing restricted and unrestricted tasks completes with every result") {
  auto plugged = registry_with({shipped_plugin("text")});
  LocalClusterOptions o{.workers = 3, .threads_per_worker = 1};
  o.worker_registries = {nullptr, nullptr, plugged};  // only worker-2 has the text ops
  LocalCluster cluster(o);
  Graph g;
  std::vector<Arg> counts, numbers;
  for (int i = 0; i < 300; ++i) {
    std::string s = std::to_string(i);
    g.add(task_of(*plugged, "tok" + s, "text.tokenize", {Value("a b " + s)}));
    g.add(task_of(*plugged, "n" + s, "inc", {Value(i)}));
    numbers.push_back(Arg(Key("n" + s)));
    counts.push_back(Arg(Key("tok" + s)));
  }
  g.add(task_of(*plugged, "total", "sum", std::move(numbers)));
  g.add(task_of(*plugged, "all_tokens", "list", std::move(counts)));
  std::vector<Key> outs{Key("total"), Key("all_tokens")};
  WhereObserver where;
  std::vector<Value> got = cluster.run(g, outs, {.observer = &where});
  CHECK(got[0] == Value(300 * 301 / 2));
  REQUIRE(got[1].as_list().size() == 300);
  CHECK(got[1].as_list()[299] == Value(strings({"a", "b", "299"})));
  CHECK(where.workers("text.tokenize") == std::set<std::string>{"worker-2"});
  CHECK(where.workers("inc").size() >= 2);  // the unrestricted tasks spread
}

}  // namespace
}  // namespace shoal::testing

namespace shoal::testing {
namespace {

TEST_CASE("more worker registries than workers is refused") {
  LocalClusterOptions o{.workers = 2, .threads_per_worker = 1};
  auto r = std::make_shared<OpRegistry>(OpRegistry::global());
  o.worker_registries = {r, r, r};
  CHECK_THROWS_WITH_AS(
      LocalCluster{o},
      "LocalClusterOptions: 3 worker_registries for 2 workers; give at most one per worker", Error);
}

}  // namespace
}  // namespace shoal::testing
