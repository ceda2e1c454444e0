// Ordering: the InlineExecutor, running in Graph priority order, holds no
// more results at once than the best of all topological orders (for trees
// exactly; for the hand-made DAGs below as well).
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "shoal/graph.h"
#include "shoal/inline_executor.h"
#include "shoal/op.h"
#include "support/graphs.h"

using namespace shoal;
using shoal::testing::make_task;

namespace {

// A small DAG by index: deps[i] lists the distinct tasks i needs.
struct Dag {
  std::vector<std::vector<int>> deps;
  std::vector<int> outputs;
  int size() const { return static_cast<int>(deps.size()); }
};

// The live-result rule of InlineExecutor: when a task finishes it is live;
// then each dependency whose dependents have all run, and which is not an
// output, is released; then the count is measured.
class LiveCounter {
 public:
  explicit LiveCounter(const Dag& d)
      : dag_(d), holders_(d.deps.size(), 0), output_(d.deps.size(), 0) {
    for (const auto& ds : d.deps) {
      for (int x : ds) ++holders_[x];
    }
    for (int o : d.outputs) output_[o] = 1;
  }
  // Runs t; returns the live count after it.
  int run(int t) {
    ++live_;
    for (int x : dag_.deps[t]) {
      if (--holders_[x] == 0 && !output_[x]) --live_;
    }
    return live_;
  }
  void undo(int t) {
    for (int x : dag_.deps[t]) {
      if (holders_[x]++ == 0 && !output_[x]) ++live_;
    }
    --live_;
  }

 private:
  const Dag& dag_;
  std::vector<int> holders_;
  std::vector<char> output_;
  int live_ = 0;
};

// The peak of a given order.
int peak_of(const Dag& d, const std::vector<int>& order) {
  LiveCounter c(d);
  int peak = 0;
  for (int t : order) peak = std::max(peak, c.run(t));
  return peak;
}

// The least peak over every topological order, by trying them all.
class BruteForce {
 public:
  explicit BruteForce(const Dag& d) : dag_(d), counter_(d), done_(d.deps.size(), 0) {}
  int min_peak() {
    run();
    return best_;
  }
  int max_peak() {
    run();
    return worst_;
  }
  long orders() {
    run();
    return orders_;
  }

 private:
  void run() {
    if (orders_) return;
    best_ = dag_.size() + 1;
    worst_ = 0;
    search(0, 0);
  }
  void search(int ran, int peak) {
    if (ran == dag_.size()) {
      ++orders_;
      best_ = std::min(best_, peak);
      worst_ = std::max(worst_, peak);
      return;
    }
    for (int t = 0; t < dag_.size(); ++t) {
      if (done_[t]) continue;
      bool ready =
          std::all_of(dag_.deps[t].begin(), dag_.deps[t].end(), [&](int x) { return done_[x]; });
      if (!ready) continue;
      done_[t] = 1;
      search(ran + 1, std::max(peak, counter_.run(t)));
      counter_.undo(t);
      done_[t] = 0;
    }
  }
  const Dag& dag_;
  LiveCounter counter_;
  std::vector<char> done_;
  int best_ = 0, worst_ = 0;
  long orders_ = 0;
};

// The graph of a Dag: leaves are inc(literal), inner tasks sum their
// dependencies. Tasks are inserted in `insertion` order (default: by index).
Graph to_graph(const Dag& d, const std::string& name, std::vector<int> insertion = {}) {
  if (insertion.empty()) {
    for (int i = 0; i < d.size(); ++i) insertion.push_back(i);
  }
  OpPtr inc = OpRegistry::global().get("inc"), sum = OpRegistry::global().get("sum");
  Graph g;
  for (int i : insertion) {
    std::vector<Arg> args;
    for (int x : d.deps[i]) args.emplace_back(Key(name, {x}));
    if (args.empty()) {
      g.add(make_task(Key(name, {i}), inc, {Value(i)}));
    } else {
      g.add(make_task(Key(name, {i}), sum, std::move(args)));
    }
  }
  return g;
}

// Expected values, by the same rule as to_graph().
std::vector<std::int64_t> values_of(const Dag& d) {
  std::vector<std::int64_t> v(d.deps.size(), -1);
  bool changed = true;
  while (changed) {
    changed = false;
    for (int i = 0; i < d.size(); ++i) {
      if (v[i] >= 0) continue;
      if (d.deps[i].empty()) {
        v[i] = i + 1, changed = true;
        continue;
      }
      std::int64_t s = 0;
      bool ready = true;
      for (int x : d.deps[i]) ready = ready && v[x] >= 0, s += v[x];
      if (ready) v[i] = s, changed = true;
    }
  }
  return v;
}

// Runs d on an InlineExecutor, checks the values, returns the peak.
std::size_t executor_peak(const Dag& d, const std::string& name, std::vector<int> insertion = {}) {
  Graph g = to_graph(d, name, std::move(insertion));
  std::vector<Key> outputs;
  for (int o : d.outputs) outputs.emplace_back(name, std::initializer_list<std::int64_t>{o});
  InlineExecutor ex;
  auto result = ex.run(g, outputs);
  auto expected = values_of(d);
  for (std::size_t i = 0; i < outputs.size(); ++i)
    CHECK(result[i].as_int() == expected[d.outputs[i]]);
  return ex.last_peak_live();
}

// A random tree of n nodes: node 0 is the root, node i hangs below a random
// earlier node, so fan-in varies from 1 to n - 1.
Dag random_tree(std::mt19937_64& rng, int n) {
  Dag d;
  d.deps.resize(n);
  for (int i = 1; i < n; ++i) d.deps[rng() % i].push_back(i);
  d.outputs = {0};
  return d;
}

}  // namespace

TEST_CASE("the brute force is right about known cases") {
  // A chain: each result replaces its input, so one is live at a time.
  Dag chain{{{1}, {2}, {}}, {0}};
  CHECK(BruteForce(chain).min_peak() == 1);
  CHECK(BruteForce(chain).orders() == 1);
  // A root over three leaves: all three must be live before the root.
  Dag star{{{1, 2, 3}, {}, {}, {}}, {0}};
  BruteForce star_bf(star);
  CHECK(star_bf.min_peak() == 3);
  CHECK(star_bf.orders() == 6);
  // A complete binary tree of depth 2 (4 leaves) needs 3.
  Dag binary{{{1, 2}, {3, 4}, {5, 6}, {}, {}, {}, {}}, {0}};
  CHECK(BruteForce(binary).min_peak() == 3);
  CHECK(peak_of(binary, {3, 4, 5, 6, 1, 2, 0}) == 4);  // leaves first is worse
}

TEST_CASE("random trees reach the minimal peak") {
  std::mt19937_64 rng(20240611);
  int order_matters = 0;  // trees where some order is worse than the best
  for (int trial = 0; trial < 40; ++trial) {
    int n = 2 + static_cast<int>(rng() % 8);  // 2..9 nodes
    Dag tree = random_tree(rng, n);
    BruteForce bf(tree);
    int best = bf.min_peak();
    if (bf.max_peak() > best) ++order_matters;
    // Tasks are inserted in a random order.
    std::vector<int> insertion(n);
    for (int i = 0; i < n; ++i) insertion[i] = i;
    std::shuffle(insertion.begin(), insertion.end(), rng);
    CAPTURE(trial);
    CAPTURE(n);
    CHECK(executor_peak(tree, "tree-" + std::to_string(trial), insertion) ==
          static_cast<std::size_t>(best));
  }
  // Enough of the trees discriminate between good and bad orders.
  CHECK(order_matters >= 10);
}

TEST_CASE("a tree whose insertion order is worse than the minimum") {
  // Root 0 over a leaf (1) and a deep binary subtree (2); the leaf is
  // inserted first, then every leaf of the subtree, then the inner nodes.
  //   0 = (1, 2), 2 = (3, 4), 3 = (5, 6), 4 = (7, 8)
  Dag tree{{{1, 2}, {}, {3, 4}, {5, 6}, {7, 8}, {}, {}, {}, {}}, {0}};
  std::vector<int> insertion{1, 5, 6, 7, 8, 3, 4, 2, 0};
  int best = BruteForce(tree).min_peak();
  CHECK(best == 3);
  CHECK(peak_of(tree, insertion) == 5);  // what running in insertion order costs
  CHECK(executor_peak(tree, "handmade-tree", insertion) == 3);
  // The same tree, inserted root first.
  CHECK(executor_peak(tree, "handmade-tree-2") == 3);
}

TEST_CASE("a wide tree: all leaves first would hold every leaf") {
  // Root over 4 inner nodes of 2 leaves each (13 tasks). The minimum is
  // known without enumerating: each inner node needs 2, and the k-th inner
  // node runs while k - 1 finished ones are held: 2 + 3 = 5.
  Dag d;
  d.deps.resize(13);
  for (int j = 0; j < 4; ++j) {
    int inner = 1 + j;
    d.deps[0].push_back(inner);
    d.deps[inner] = {5 + 2 * j, 6 + 2 * j};
  }
  d.outputs = {0};
  std::vector<int> leaves_first{5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 0};
  CHECK(peak_of(d, leaves_first) == 8);
  CHECK(BruteForce(d).min_peak() == 5);
  CHECK(executor_peak(d, "wide-tree", leaves_first) == 5);
}

TEST_CASE("hand-made DAGs reach the minimal peak") {
  struct Case {
    const char* name;
    Dag dag;
  };
  std::vector<Case> cases{
      // a diamond: 0 = (1, 2), 1 = (3), 2 = (3)
      {"diamond", {{{1, 2}, {3}, {3}, {}}, {0}}},
      // two sinks share two sources
      {"w-shape", {{{2, 3}, {2, 3}, {}, {}}, {0, 1}}},
      // a shared leaf used by a shallow and a deep branch
      {"shared-leaf", {{{1, 2}, {5}, {3}, {4}, {5}, {}}, {0}}},
      // a long-lived side input: 0 = (1, 5), 1 = (2), 2 = (3), 3 = (4, 5)
      {"side-input", {{{1, 5}, {2}, {3}, {4, 5}, {}, {}}, {0}}},
      // an intermediate that is also an output stays live
      {"inner-output", {{{1, 2}, {3, 4}, {5, 6}, {}, {}, {}, {}}, {0, 1}}},
      // a ladder: each rung needs the previous two
      {"ladder", {{{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5}, {}}, {0}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    int best = BruteForce(c.dag).min_peak();
    CHECK(executor_peak(c.dag, std::string("dag-") + c.name) == static_cast<std::size_t>(best));
  }
}
