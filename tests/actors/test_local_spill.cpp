// LocalCluster's memory model: results past 70% of the limit are spilled and
// read back, outputs included; a directory that cannot be written keeps them
// in memory; a spill file that vanishes fails the task that needs it, naming
// it; past the pause threshold one task runs at a time and the run ends.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "shoal/error.h"
#include "shoal/local_cluster.h"
#include "shoal/tensor.h"
#include "support/graphs.h"
#include "support/ops.h"
#include "support/temp_dir.h"

using namespace shoal;

namespace {

constexpr std::int64_t kMiB = 1 << 20;
constexpr std::int64_t kDoublesPerMiB = kMiB / 8;

// A float64 tensor of n values i, i+1, ...: a big result with a known sum.
OpPtr ramp_op() {
  static OpPtr op =
      testing::local_op("test.ramp", [](OpContext&, std::span<const Value> a, const Params&) {
        const auto n = static_cast<std::size_t>(a[0].as_int());
        std::vector<double> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(a[1].as_int()) + i;
        return Value(Tensor({static_cast<std::int64_t>(n)}, std::move(v)));
      });
  return op;
}

// The sum of every tensor argument (other arguments are ignored).
OpPtr sum_op() {
  static OpPtr op =
      testing::local_op("test.spill_sum", [](OpContext&, std::span<const Value> a, const Params&) {
        double s = 0;
        for (const Value& v : a) {
          if (!v.is_tensor()) continue;
          for (double x : v.as_tensor().values<double>()) s += x;
        }
        return Value(s);
      });
  return op;
}

// `parts` tensors of one MiB each, and their total as "total".
struct RampGraph {
  Graph graph;
  std::vector<Key> parts;
  double expected = 0;
};

RampGraph ramp_graph(int parts) {
  RampGraph r;
  for (int i = 0; i < parts; ++i) {
    Key k("ramp", {i});
    r.graph.add(testing::make_task(k, ramp_op(), {Arg(Value(kDoublesPerMiB)), Arg(Value(i))}));
    r.parts.push_back(k);
    const double n = static_cast<double>(kDoublesPerMiB);
    r.expected += n * i + n * (n - 1) / 2;
  }
  std::vector<Arg> refs(r.parts.begin(), r.parts.end());
  r.graph.add(testing::make_task(Key("total"), sum_op(), refs));
  return r;
}

std::size_t files_under(const std::filesystem::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); ++it) {
    n += it->is_regular_file();
  }
  return n;
}

}  // namespace

TEST_CASE("results past 70% of the memory limit are spilled, read back and removed") {
  testing::TempDir spill("local-spill");
  auto g = ramp_graph(24);
  const std::uint64_t limit = 4 * kMiB;
  LocalCluster cluster({.workers = 2,
                        .threads_per_worker = 1,
                        .inline_limit = 1024,
                        .memory_limit = limit,
                        .spill_dir = spill.path().string()});
  Key outputs[] = {Key("total"), Key("ramp", {0})};
  auto out = cluster.run(g.graph, outputs);
  CHECK(out[0].as_float() == g.expected);
  // ramp 0 was stored first, so it was spilled first: read back for the caller.
  REQUIRE(out[1].as_tensor().size() == static_cast<std::size_t>(kDoublesPerMiB));
  CHECK(out[1].as_tensor().values<double>()[5] == 5.0);
  auto s = cluster.stats();
  CHECK(s.memory_limit == limit);
  CHECK(s.spills >= 20);  // 24 MiB held against a 2.8 MiB bound
  CHECK(s.spilled_total >= 20 * static_cast<std::uint64_t>(kMiB));
  // What is held never passes the bound by more than the result just stored.
  CHECK(s.last_run_peak_held <= limit * 7 / 10 + kMiB + 4096);
  CHECK(s.spilled_bytes == 0);  // every spill file was released with its result
  CHECK(files_under(spill.path()) == 0);
  // The same graph without a limit spills nothing and gives the same total.
  LocalCluster unlimited({.workers = 2, .threads_per_worker = 1, .memory_limit = 0});
  CHECK(unlimited.run(g.graph, outputs)[0].as_float() == g.expected);
  CHECK(unlimited.stats().spills == 0);
  CHECK(unlimited.stats().memory_limit == 0);
}

TEST_CASE("the cluster's spill directory is its own, and goes with the cluster") {
  testing::TempDir spill("local-spill-own");
  auto g = ramp_graph(8);
  {
    LocalCluster cluster(
        {.workers = 1, .memory_limit = 2 * kMiB, .spill_dir = spill.path().string()});
    Key outputs[] = {Key("total"), Key("ramp", {1}), Key("ramp", {2})};
    auto out = cluster.run(g.graph, outputs);
    CHECK(out[0].as_float() == g.expected);
    CHECK(cluster.stats().spills > 0);
    std::size_t dirs = 0;
    for (const auto& e : std::filesystem::directory_iterator(spill.path())) {
      dirs++;
      CHECK(e.path().filename().string().rfind("shoal-spill-", 0) == 0);
    }
    CHECK(dirs == 1);
  }
  CHECK(std::filesystem::is_empty(spill.path()));
}

TEST_CASE("a spill directory that cannot be written keeps results in memory") {
  auto g = ramp_graph(8);
  LocalCluster cluster(
      {.workers = 1, .memory_limit = 2 * kMiB, .spill_dir = "/proc/shoal-cannot-write-here"});
  Key outputs[] = {Key("total")};
  CHECK(cluster.run(g.graph, outputs)[0].as_float() == g.expected);
  CHECK(cluster.stats().spills == 0);
  CHECK(cluster.stats().last_run_peak_held >= 8 * static_cast<std::uint64_t>(kMiB));
}

TEST_CASE("a spill file removed behind the cluster's back fails the task, naming it") {
  testing::TempDir spill("local-spill-wipe");
  auto g = ramp_graph(8);
  // "wipe" reads every part (so they were spilled and read back once), then
  // removes the spill files; "after" needs the parts again and itself.
  const std::filesystem::path base = spill.path();
  OpPtr wipe = testing::local_op(
      "test.wipe_spill", [base](OpContext&, std::span<const Value>, const Params&) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(base)) {
          if (e.is_regular_file()) std::filesystem::remove(e.path());
        }
        return Value(std::int64_t{1});
      });
  std::vector<Arg> refs(g.parts.begin(), g.parts.end());
  g.graph.add(testing::make_task(Key("wipe"), wipe, refs));
  refs.push_back(Arg(Key("wipe")));
  g.graph.add(testing::make_task(Key("after"), sum_op(), refs));
  LocalCluster cluster({.workers = 1,
                        .threads_per_worker = 1,
                        .memory_limit = 2 * kMiB,
                        .spill_dir = base.string()});
  Key outputs[] = {Key("after")};
  try {
    cluster.run(g.graph, outputs);
    FAIL("the run should fail: its spill files are gone");
  } catch (const TaskError& e) {
    const std::string what = e.what();
    CHECK(what.find("cannot read back the spilled result") != std::string::npos);
    CHECK(what.find(base.string()) != std::string::npos);
    CHECK(what.find("spill directory must stay in place") != std::string::npos);
  }
  // The cluster still runs the next graph.
  auto ok = ramp_graph(2);
  Key total[] = {Key("total")};
  CHECK(cluster.run(ok.graph, total)[0].as_float() == ok.expected);
}

TEST_CASE("past the pause threshold tasks run one at a time, and the run ends") {
  static std::atomic<int> running{0}, most{0};
  OpPtr slow = testing::local_op("test.pause_probe",
                                 [](OpContext&, std::span<const Value> a, const Params&) {
                                   int now = ++running;
                                   int seen = most.load();
                                   while (now > seen && !most.compare_exchange_weak(seen, now)) {
                                   }
                                   std::this_thread::sleep_for(std::chrono::milliseconds(3));
                                   --running;
                                   return a[0];
                                 });
  Graph g;
  std::vector<Arg> leaves;
  for (int i = 0; i < 24; ++i) {
    g.add(testing::make_task(Key("p", {i}), slow, {Arg(Value(i))}));
    leaves.push_back(Arg(Key("p", {i})));
  }
  g.add(testing::make_task(Key("all"), OpRegistry::global().get("sum"), leaves));
  Key outputs[] = {Key("all")};
  SUBCASE("without a limit, tasks overlap") {
    LocalCluster cluster({.workers = 2, .threads_per_worker = 2, .memory_limit = 0});
    most = 0;
    CHECK(cluster.run(g, outputs)[0].as_int() == 276);
    CHECK(most.load() > 1);
    CHECK(cluster.stats().paused_dispatches == 0);
  }
  SUBCASE("a limit below the process's own size pauses every dispatch") {
    LocalCluster cluster({.workers = 2, .threads_per_worker = 2, .memory_limit = 64 * 1024});
    most = 0;
    CHECK(cluster.run(g, outputs)[0].as_int() == 276);
    CHECK(most.load() == 1);
    CHECK(cluster.stats().paused_dispatches > 0);
  }
}

TEST_CASE("the default memory limit is 80% of the machine's") {
  LocalCluster cluster({.workers = 1});
  CHECK(cluster.stats().memory_limit == default_memory_limit());
  CHECK(default_memory_limit() > 64 * static_cast<std::uint64_t>(kMiB));
}
