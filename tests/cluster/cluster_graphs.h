// What the cluster tests run and how they look at it afterwards: graphs of
// the test plugin's slow ops (a tree and a map) with their true values, the
// trace files the plugin writes on each worker, and a temporary directory.
// No doctest here: the netns client helper uses it too.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "shoal/op.h"
#include "shoal/plugin_loader.h"
#include "support/graphs.h"
#include "support/temp_dir.h"

namespace shoal::testing {

/// Loads the test plugin (test.slow_inc, test.slow_sum) into this process once.
inline void load_cluster_test_plugin() {
  if (!OpRegistry::global().find("test.slow_inc")) load_plugin(SHOAL_CLUSTER_TEST_PLUGIN);
}

/// A slow graph with its tasks' inputs, for lineage questions.
struct SlowGraph : TestGraph {
  std::map<std::string, std::vector<std::string>> inputs;  ///< key.str() -> its inputs' key.str()
};

namespace detail {
inline Task slow_task(Key key, const std::string& op, std::vector<Arg> args, std::int64_t ms,
                      std::int64_t pad) {
  Task t = make_task(std::move(key), OpRegistry::global().get(op), std::move(args));
  t.params = std::make_shared<const Params>(Params{{"ms", Value(ms)}, {"pad", Value(pad)}});
  return t;
}
}  // namespace detail

/// A tree: `leaves` tasks slow_inc(i), then levels of slow_sum over up to
/// `fan_in` tasks below, up to one root; every task sleeps `ms`. Leaves and
/// the first level of sums return `pad` bytes (0: int64), so that with a pad
/// above the workers' inline limit they stay on the worker that made them;
/// the levels above are int64. The root's value is the sum of i + 1.
inline SlowGraph slow_tree(std::int64_t leaves, int fan_in, std::int64_t ms, std::int64_t pad) {
  load_cluster_test_plugin();
  const std::string token = tokenize("slow_tree", leaves, std::int64_t{fan_in}, ms, pad);
  SlowGraph g;
  std::vector<Key> level;
  for (std::int64_t i = 0; i < leaves; ++i) {
    level.emplace_back("slow-leaf-" + token, std::initializer_list<std::int64_t>{i});
    g.graph.add(detail::slow_task(level.back(), "test.slow_inc", {Arg(Value(i))}, ms, pad));
  }
  for (std::int64_t depth = 1; level.size() > 1; ++depth) {
    std::vector<Key> next;
    for (std::size_t j = 0; j < level.size(); j += static_cast<std::size_t>(fan_in)) {
      Key k("slow-sum-" + token, {depth, static_cast<std::int64_t>(next.size())});
      std::vector<Arg> args;
      for (std::size_t c = j; c < std::min(level.size(), j + static_cast<std::size_t>(fan_in));
           ++c) {
        args.emplace_back(level[c]);
        g.inputs[k.str()].push_back(level[c].str());
      }
      g.graph.add(detail::slow_task(k, "test.slow_sum", std::move(args), ms, depth == 1 ? pad : 0));
      next.push_back(std::move(k));
    }
    level.swap(next);
  }
  g.outputs = {level.front()};
  g.expected_values = {Value(leaves * (leaves + 1) / 2)};
  return g;
}

/// A map: n independent tasks slow_inc(i) of `ms` each; every key is an
/// output (int64 i + 1), as client.map(inc, range(n)) + gather.
inline SlowGraph slow_map(std::int64_t n, std::int64_t ms) {
  load_cluster_test_plugin();
  const std::string name = "slow-map-" + tokenize("slow_map", n, ms);
  SlowGraph g;
  for (std::int64_t i = 0; i < n; ++i) {
    Key k(name, {i});
    g.graph.add(detail::slow_task(k, "test.slow_inc", {Arg(Value(i))}, ms, 0));
    g.outputs.push_back(k);
    g.expected_values.emplace_back(i + 1);
  }
  return g;
}

/// What one worker's trace file says: how often each task started and
/// finished there (keys as Key::str()).
struct Trace {
  std::map<std::string, int> started, finished;
  std::size_t total_finished = 0;
};

inline Trace read_trace(const std::string& path) {
  Trace t;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 3) continue;
    if (line[0] == 'S') ++t.started[line.substr(2)];
    if (line[0] == 'F') ++t.finished[line.substr(2)], ++t.total_finished;
  }
  return t;
}

/// How many "F" lines the files hold together (cheap enough to poll).
inline std::size_t count_finished(const std::vector<std::string>& paths) {
  std::size_t n = 0;
  for (const std::string& p : paths) {
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);) n += !line.empty() && line[0] == 'F';
  }
  return n;
}

}  // namespace shoal::testing
