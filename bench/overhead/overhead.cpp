// Per-task overhead of Shoal's executors on three graph shapes: a 114,289-task
// tree reduction, a 10,000-task chain and 100,000 independent tasks. Prints
// one `name: value` line per figure; bench/overhead/run adds Dask's.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"
#include "support/graphs.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Shape {
  std::string name;
  std::function<shoal::testing::TestGraph()> build;
};

// Best of `reps` runs, in µs per task; aborts on a wrong result.
double time_run(shoal::Executor& ex, const shoal::testing::TestGraph& g, int reps) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    auto out = ex.run(g.graph, g.outputs);
    best = std::min(best, seconds_since(t0));
    if (out != g.expected_values) {
      std::fprintf(stderr, "wrong result from %s\n", ex.name().c_str());
      std::exit(1);
    }
  }
  return best * 1e6 / static_cast<double>(g.graph.size());
}

// Best of `reps` runs of fuse (width 8, at most 64 tasks) + run, in µs per
// task of the unfused graph: what fusing small tasks saves end to end.
double time_fused_run(shoal::Executor& ex, const shoal::testing::TestGraph& g, int reps) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    shoal::Graph fused = g.graph.fuse(g.outputs, {.max_width = 8, .max_tasks = 64});
    auto out = ex.run(fused, g.outputs);
    best = std::min(best, seconds_since(t0));
    if (out != g.expected_values) {
      std::fprintf(stderr, "wrong result from fused graph on %s\n", ex.name().c_str());
      std::exit(1);
    }
  }
  return best * 1e6 / static_cast<double>(g.graph.size());
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 5;
  std::vector<Shape> shapes = {
      {"tree", [] { return shoal::testing::TestGraph(shoal::testing::tree_sum_graph(100000, 8)); }},
      {"chain", [] { return shoal::testing::TestGraph(shoal::testing::chain_graph(10000)); }},
      {"independent", [] { return shoal::testing::independent_graph(100000); }},
  };
  std::vector<shoal::testing::TestGraph> graphs(shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    double build = 1e30;
    for (int r = 0; r < reps; ++r) {
      graphs[i] = {};  // free the previous graph outside the timed part
      auto t0 = Clock::now();
      graphs[i] = shapes[i].build();
      build = std::min(build, seconds_since(t0));
    }
    double n = static_cast<double>(graphs[i].graph.size());
    std::printf("shoal_%s_tasks: %.0f\n", shapes[i].name.c_str(), n);
    std::printf("shoal_build_%s_us_per_task: %.3f\n", shapes[i].name.c_str(), build * 1e6 / n);
  }
  auto report = [&](const char* label, shoal::Executor& ex, auto timer) {
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      std::printf("%s_%s_us_per_task: %.3f\n", label, shapes[i].name.c_str(),
                  timer(ex, graphs[i], reps));
      std::fflush(stdout);
    }
  };
  shoal::InlineExecutor inline_ex;
  report("inline", inline_ex, time_run);
  {  // one actor system at a time: an idle one still competes for the cores
    shoal::LocalCluster local1({.workers = 1, .threads_per_worker = 1});
    report("local1", local1, time_run);
  }
  shoal::LocalCluster local2({.workers = 1, .threads_per_worker = 2});
  report("local", local2, time_run);
  report("local_fused", local2, time_fused_run);
}
