// Graph builders shared by the tests and benchmarks of every layer.
//
// Each builder returns the graph, the keys to compute and the values those
// keys must have, computed here independently of any executor, so that a
// test can run the same graph on InlineExecutor and on a cluster and compare
// both with the truth. Every builder is deterministic: the same arguments
// give the same keys, tasks and insertion order in every process.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "shoal/graph.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/task.h"
#include "shoal/value.h"

namespace shoal::testing {

/// A graph, the keys to compute, and the values they must have (aligned
/// with outputs).
struct TestGraph {
  Graph graph;
  std::vector<Key> outputs;
  std::vector<Value> expected_values;
};

/// A graph with one output, `root`, whose value is the int64 `expected`.
struct SingleRootGraph : TestGraph {
  Key root;
  std::int64_t expected = 0;
};

/// A task of `op` on `args`.
inline Task make_task(Key key, OpPtr op, std::vector<Arg> args) {
  Task t;
  t.key = std::move(key);
  t.op = std::move(op);
  t.args = std::move(args);
  return t;
}

namespace detail {
inline SingleRootGraph finish_single(Graph graph, Key root, std::int64_t expected) {
  SingleRootGraph g;
  g.graph = std::move(graph);
  g.root = root;
  g.expected = expected;
  g.outputs = {std::move(root)};
  g.expected_values = {Value(expected)};
  return g;
}
/// What the add and sum ops make of v: v itself, or the sum of a list.
inline std::int64_t total_of(const Value& v) {
  if (!v.is_list()) return v.as_int();
  std::int64_t s = 0;
  for (const Value& x : v.as_list()) s += total_of(x);
  return s;
}
}  // namespace detail

/// A tree reduction: `leaves` tasks ("inc-<token>", i) = inc(i), then levels
/// of tasks ("sum-<token>", level, j), each summing up to `fan_in` keys of the
/// level below, up to one root. 100000 leaves at fan-in 8 make 114,289 tasks.
/// expected = sum of i + 1 for i in [0, leaves).
inline SingleRootGraph tree_sum_graph(std::int64_t leaves = 100000, int fan_in = 8) {
  if (leaves < 1 || fan_in < 2) std::abort();
  const std::string token = tokenize("tree_sum_graph", leaves, std::int64_t{fan_in});
  const std::string inc_name = "inc-" + token, sum_name = "sum-" + token;
  OpPtr inc = OpRegistry::global().get("inc");
  OpPtr sum = OpRegistry::global().get("sum");

  std::size_t total = 0;
  for (std::int64_t w = leaves;; w = (w + fan_in - 1) / fan_in) {
    total += static_cast<std::size_t>(w);
    if (w == 1) break;
  }
  Graph graph;
  graph.reserve(total);
  std::vector<Key> level;
  level.reserve(static_cast<std::size_t>(leaves));
  for (std::int64_t i = 0; i < leaves; ++i) {
    Key k(inc_name, {i});
    level.push_back(k);
    graph.add(make_task(std::move(k), inc, {Arg(Value(i))}));
  }
  std::vector<Key> next;
  for (std::int64_t depth = 1; level.size() > 1; ++depth) {
    next.clear();
    for (std::size_t j = 0; j < level.size(); j += static_cast<std::size_t>(fan_in)) {
      std::size_t end = std::min(level.size(), j + static_cast<std::size_t>(fan_in));
      std::vector<Arg> args;
      args.reserve(end - j);
      for (std::size_t c = j; c < end; ++c) args.emplace_back(level[c]);
      Key k(sum_name, {depth, static_cast<std::int64_t>(next.size())});
      next.push_back(k);
      graph.add(make_task(std::move(k), sum, std::move(args)));
    }
    level.swap(next);
  }
  const std::int64_t expected = leaves * (leaves + 1) / 2;  // sum of i + 1
  return detail::finish_single(std::move(graph), level.front(), expected);
}

/// n tasks ("chain-<token>", i): the first is inc(0), each next one inc of
/// the one before. The last is the root; its value is n.
inline SingleRootGraph chain_graph(std::int64_t n) {
  if (n < 1) std::abort();
  const std::string name = "chain-" + tokenize("chain_graph", n);
  OpPtr inc = OpRegistry::global().get("inc");
  Graph graph;
  graph.reserve(static_cast<std::size_t>(n));
  graph.add(make_task(Key(name, {0}), inc, {Arg(Value(0))}));
  for (std::int64_t i = 1; i < n; ++i) {
    graph.add(make_task(Key(name, {i}), inc, {Arg(Key(name, {i - 1}))}));
  }
  return detail::finish_single(std::move(graph), Key(name, {n - 1}), n);
}

/// n independent tasks ("indep-<token>", i) = inc(i); every key is an
/// output, output i has value i + 1.
inline TestGraph independent_graph(std::int64_t n) {
  const std::string name = "indep-" + tokenize("independent_graph", n);
  OpPtr inc = OpRegistry::global().get("inc");
  TestGraph g;
  g.graph.reserve(static_cast<std::size_t>(n));
  g.outputs.reserve(static_cast<std::size_t>(n));
  g.expected_values.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    Key k(name, {i});
    g.outputs.push_back(k);
    g.expected_values.emplace_back(i + 1);
    g.graph.add(make_task(std::move(k), inc, {Arg(Value(i))}));
  }
  return g;
}

/// A random DAG of n tasks ("rand-<token>", i) over the built-in ops inc,
/// add, sum, mul, identity and list, with small literal arguments and
/// references to earlier tasks (shared results, list arguments, repeated
/// references). Values stay far from overflow. Tasks are inserted in a
/// shuffled order, so insertion order is not a topological order. Outputs
/// are a random nonempty subset of the keys, expected_values their values.
inline TestGraph random_dag(std::uint64_t seed, int n) {
  if (n < 1) std::abort();
  // mt19937_64 is specified exactly; the reductions below are ours, so the
  // graph is the same with every standard library.
  std::mt19937_64 rng(seed);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {  // inclusive, hi - lo small
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  };
  const std::string name =
      "rand-" + tokenize("random_dag", static_cast<std::int64_t>(seed), std::int64_t{n});
  const OpRegistry& reg = OpRegistry::global();
  const OpPtr inc = reg.get("inc"), add = reg.get("add"), sum = reg.get("sum"),
              mul = reg.get("mul"), identity = reg.get("identity"), list = reg.get("list");
  constexpr double kLimit = 1e12;  // magnitudes stay below this (and 2^63)

  std::vector<Task> tasks;
  std::vector<Value> values;  // the true value of task i
  std::vector<double> bound;  // an upper bound of |value| (of the sum, for lists)
  tasks.reserve(static_cast<std::size_t>(n));
  values.reserve(static_cast<std::size_t>(n));
  bound.reserve(static_cast<std::size_t>(n));
  auto total = [](const Value& v) { return detail::total_of(v); };
  // An argument for add/sum/list/identity: a literal or any earlier task.
  struct Pick {
    Arg arg;
    Value value;
    double bound;
  };
  auto pick_any = [&](std::int64_t i) -> Pick {
    if (i == 0 || uniform(0, 3) == 0) {
      std::int64_t v = uniform(-9, 9);
      return {Arg(Value(v)), Value(v), static_cast<double>(std::abs(v))};
    }
    auto j = static_cast<std::size_t>(uniform(0, i - 1));
    return {Arg(tasks[j].key), values[j], bound[j]};
  };
  // An int argument (for inc and mul): a literal or an earlier int task.
  auto pick_int = [&](std::int64_t i) -> Pick {
    for (int attempt = 0; attempt < 4 && i > 0; ++attempt) {
      auto j = static_cast<std::size_t>(uniform(0, i - 1));
      if (values[j].is_int()) return {Arg(tasks[j].key), values[j], bound[j]};
    }
    std::int64_t v = uniform(-9, 9);
    return {Arg(Value(v)), Value(v), static_cast<double>(std::abs(v))};
  };

  for (std::int64_t i = 0; i < n; ++i) {
    Key key(name, {i});
    int kind = static_cast<int>(uniform(0, 9));
    std::vector<Arg> args;
    Value value;
    double b = 0;
    OpPtr op;
    if (kind <= 1) {  // inc
      Pick p = pick_int(i);
      op = inc, value = Value(p.value.as_int() + 1), b = p.bound + 1;
      args.push_back(std::move(p.arg));
    } else if (kind <= 3) {  // add: two operands, maybe a list
      Pick x = pick_any(i), y = pick_any(i);
      op = add, value = Value(total(x.value) + total(y.value)), b = x.bound + y.bound;
      args.push_back(std::move(x.arg));
      args.push_back(std::move(y.arg));
    } else if (kind <= 5) {  // sum of 1..5 operands, sometimes packed in a list argument
      std::int64_t s = 0;
      std::vector<Arg> items;
      for (std::int64_t c = uniform(1, 5); c > 0; --c) {
        Pick p = pick_any(i);
        s += total(p.value), b += p.bound;
        items.push_back(std::move(p.arg));
      }
      op = sum, value = Value(s);
      if (uniform(0, 2) == 0) {
        args.emplace_back(std::move(items));
      } else {
        args = std::move(items);
      }
    } else if (kind == 6) {  // mul by a small literal
      Pick x = pick_int(i);
      std::int64_t f = uniform(-3, 3);
      op = mul, value = Value(x.value.as_int() * f), b = x.bound * static_cast<double>(std::abs(f));
      args.push_back(std::move(x.arg));
      args.emplace_back(Value(f));
    } else if (kind <= 8) {  // identity
      Pick p = pick_any(i);
      op = identity, value = p.value, b = p.bound;
      args.push_back(std::move(p.arg));
    } else {  // list of 1..3 ints (lists of lists would not add up)
      List items;
      for (std::int64_t c = uniform(1, 3); c > 0; --c) {
        Pick p = pick_int(i);
        items.push_back(p.value);
        b += p.bound;
        args.push_back(std::move(p.arg));
      }
      op = list, value = Value(std::move(items));
    }
    if (b > kLimit) {  // too big: a fresh literal instead
      std::int64_t v = uniform(-9, 9);
      op = identity, args.clear(), value = Value(v), b = static_cast<double>(std::abs(v));
      args.emplace_back(Value(v));
    }
    tasks.push_back(make_task(std::move(key), std::move(op), std::move(args)));
    values.push_back(std::move(value));
    bound.push_back(b);
  }

  TestGraph g;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (uniform(0, 3) == 0) {
      g.outputs.push_back(tasks[i].key);
      g.expected_values.push_back(values[i]);
    }
  }
  if (g.outputs.empty()) {  // nonempty: the last task, at least
    g.outputs.push_back(tasks.back().key);
    g.expected_values.push_back(values.back());
  }
  for (std::size_t i = tasks.size() - 1; i > 0; --i) {  // Fisher-Yates
    std::swap(tasks[i], tasks[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(i)))]);
  }
  g.graph.reserve(tasks.size());
  for (Task& t : tasks) g.graph.add(std::move(t));
  return g;
}

}  // namespace shoal::testing
