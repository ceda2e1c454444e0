// Shoal's side of bench/run distributed: per-task overhead of a cluster of
// separate processes (a `shoal scheduler` and workers, started by the run
// script), seen from a Client.
//
//   bench_distributed HOST:PORT [runs [prefix [CA CERT KEY]]]
//
// With the three files the client uses mutual TLS (the cluster must too)
// and the figures are named prefix_* (the run script uses shoal_dist_tls).
//
// tree  the 114,289-task tree of bench/overhead (100,000 inc leaves, sums of
//       8), one output
// map   10,000 independent inc tasks, all 10,000 results gathered
//
// Prints, per shape, the best of `runs` runs in microseconds per task as
// `name: value` lines; a wrong result exits with status 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "shoal/client.h"
#include "shoal/graph.h"
#include "support/graphs.h"

namespace {

using Clock = std::chrono::steady_clock;

// 10,000 independent inc tasks; the keys, all of them outputs.
std::pair<shoal::Graph, std::vector<shoal::Key>> map_graph(std::int64_t n) {
  shoal::Graph graph;
  std::vector<shoal::Key> keys;
  shoal::OpPtr inc = shoal::OpRegistry::global().get("inc");
  for (std::int64_t i = 0; i < n; ++i) {
    shoal::Key k("inc-map", {i});
    keys.push_back(k);
    graph.add(shoal::testing::make_task(k, inc, {shoal::Arg(shoal::Value(i))}));
  }
  return {std::move(graph), std::move(keys)};
}

double best_us_per_task(int runs, std::size_t tasks, const std::function<bool()>& once) {
  double best = 1e300;
  for (int r = 0; r < runs; ++r) {
    auto t0 = Clock::now();
    if (!once()) {
      std::fprintf(stderr, "bench_distributed: wrong result\n");
      std::exit(1);
    }
    double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    best = std::min(best, us / static_cast<double>(tasks));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3 && argc != 4 && argc != 7) {
    std::fprintf(stderr, "usage: bench_distributed HOST:PORT [runs [prefix [CA CERT KEY]]]\n");
    return 2;
  }
  int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  // The prefix of the figures' names: shoal_dist, or shoal_dist_tls for the
  // same cluster with mutual TLS (the three files).
  const std::string prefix = argc > 3 ? argv[3] : "shoal_dist";
  shoal::ClientOptions options;
  if (argc == 7) options.tls = {argv[4], argv[5], argv[6]};
  shoal::Client client(argv[1], options);

  auto tree = shoal::testing::tree_sum_graph(100000, 8);
  std::vector<shoal::Key> root{tree.root};
  double tree_us = best_us_per_task(runs, tree.graph.size(), [&] {
    return client.run(tree.graph, root)[0] == shoal::Value(std::int64_t{5000050000});
  });
  std::printf("%s_tree_tasks: %zu\n", prefix.c_str(), tree.graph.size());
  std::printf("%s_tree_us_per_task: %.2f\n", prefix.c_str(), tree_us);

  auto [graph, keys] = map_graph(10000);
  double map_us = best_us_per_task(runs, keys.size(), [&, &graph = graph, &keys = keys] {
    std::vector<shoal::Value> out = client.run(graph, keys);
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i] != shoal::Value(static_cast<std::int64_t>(i) + 1)) return false;
    }
    return out.size() == keys.size();
  });
  std::printf("%s_map_tasks: %zu\n", prefix.c_str(), keys.size());
  std::printf("%s_map_us_per_task: %.2f\n", prefix.c_str(), map_us);
  return 0;
}
