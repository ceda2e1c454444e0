// Blockwise fusion of array graphs (Array::optimized_graph, "array.fused"):
// which tasks are fused, and that every chunk a fused graph computes equals
// the one the unfused graph computes, for randomized shapes, chunkings and
// expressions — streamed (float64 sums, means, elementwise chains) and node
// by node (broadcasting, comparisons, other reductions).
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "shoal/array.h"
#include "shoal/inline_executor.h"

using namespace shoal;

namespace {

InlineExecutor executor;

std::size_t count_op(const Graph& g, const std::string& op) {
  std::size_t n = 0;
  for (const Task& t : g.tasks()) n += t.op_name() == op;
  return n;
}

std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> out;
  std::visit(
      [&](const auto& v) {
        for (auto x : v) out.push_back(static_cast<double>(x));
      },
      t.storage());
  return out;
}

/// Every chunk (or partial) of a, fused and unfused: elementwise results
/// bit for bit, sums up to rounding order.
void check_fused_equals_unfused(const Array& a, const std::string& what) {
  INFO(what);
  std::vector<Value> want = executor.run(a.graph(), a.keys());
  std::vector<Value> got = executor.run(a.optimized_graph(), a.keys());
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Tensor& g = got[i].as_tensor();
    const Tensor& w = want[i].as_tensor();
    REQUIRE(g.shape() == w.shape());
    REQUIRE(g.dtype() == w.dtype());
    auto gv = as_doubles(g), wv = as_doubles(w);
    for (std::size_t k = 0; k < gv.size(); ++k) {
      bool same = std::isnan(wv[k])
                      ? std::isnan(gv[k])
                      : gv[k] == wv[k] || std::abs(gv[k] - wv[k]) <= 1e-12 * (1 + std::abs(wv[k]));
      if (!same) FAIL_CHECK("chunk " << i << " element " << k << ": " << gv[k] << " != " << wv[k]);
    }
  }
}

Shape random_shape(std::mt19937_64& rng) {
  Shape s;
  std::size_t nd = std::uniform_int_distribution<std::size_t>(1, 3)(rng);
  for (std::size_t d = 0; d < nd; ++d)
    s.push_back(std::uniform_int_distribution<std::int64_t>(0, 9)(rng));
  if (rng() % 6 == 0) s.back() = 700;  // rows of several tiles, the last one partial
  return s;
}

Shape random_chunk_shape(const Shape& shape, std::mt19937_64& rng) {
  Shape c;
  for (std::int64_t d : shape)
    c.push_back(std::uniform_int_distribution<std::int64_t>(1, std::max<std::int64_t>(d, 1))(rng));
  return c;
}

}  // namespace

TEST_CASE("fusion: random chunks that are only reduced are fused into the partials") {
  Array x = random::uniform({30, 30}, {7, 7}, 1);
  Graph g = x.sum().optimized_graph();
  CHECK(count_op(g, "array.random") == 0);
  CHECK(count_op(g, "array.reduce_partial") == 0);
  CHECK(count_op(g, "array.fused") == 25);
  Graph q = (x + x.T()).mean(0).optimized_graph();
  CHECK(count_op(q, "array.random") == 0);
  CHECK(count_op(q, "array.elementwise") == 0);
  CHECK(count_op(q, "array.fused") == 25);
  // One program per layer, shared by its tasks.
  const Task* first = nullptr;
  for (const Task& t : q.tasks()) {
    if (t.op_name() != "array.fused") continue;
    if (!first) first = &t;
    CHECK(t.params == first->params);
  }
  // The unfused graph is still what graph() gives.
  CHECK(count_op((x + x.T()).mean(0).graph(), "array.random") == 50);
}

TEST_CASE("fusion: chunks needed twice, and outputs, are not fused away") {
  Array x = random::uniform({20, 20}, {10, 10}, 2);
  Array y = x * 2.0;
  // y feeds two reductions: its chunks are made once (x fused into them).
  Array both = y.sum(0) + y.mean(0);
  Graph g = both.optimized_graph();
  CHECK(count_op(g, "array.random") == 0);
  for (const Key& k : y.keys()) CHECK(g.contains(k));
  check_fused_equals_unfused(both, "y.sum(0) + y.mean(0)");
  // An elementwise result asked for is computed, x fused into it.
  Graph e = y.optimized_graph();
  CHECK(count_op(e, "array.fused") == 4);
  CHECK(y.compute(executor) ==
        (from_tensor(x.compute(executor), {10, 10}) * 2.0).compute(executor));
  // A random array asked for itself is not fused into anything.
  CHECK(count_op(x.optimized_graph(), "array.random") == 4);
}

TEST_CASE("fusion: fused chunks equal unfused ones for random shapes, chunkings and expressions") {
  std::mt19937_64 rng(20261128);
  for (int i = 0; i < 60; ++i) {
    Shape shape = random_shape(rng);
    Array x = random::uniform(shape, random_chunk_shape(shape, rng), static_cast<std::uint64_t>(i),
                              -2, 3);
    Array n =
        random::normal(shape, random_chunk_shape(shape, rng), static_cast<std::uint64_t>(i), 1, 2);
    Reduce r;
    for (std::size_t d = 0; d < shape.size(); ++d)
      if (rng() % 2) r.axis.push_back(static_cast<int>(d));
    r.keepdims = rng() % 2;
    std::string s = "case " + std::to_string(i) + " shape " + std::to_string(shape.size()) + "-d";
    // Streamed: float64 chains ending in a chunk, a sum or a mean.
    check_fused_equals_unfused(x.sum(r), s + " x.sum");
    check_fused_equals_unfused((x * 2.0 - n).mean(r), s + " (2x - n).mean");
    check_fused_equals_unfused(sqrt(abs(x)) + exp(-n) / (x + 4.0), s + " chain");
    check_fused_equals_unfused(pow(x + x, 2.0).sum(r), s + " pow(x + x, 2).sum");
    // The benchmark's query; x.T chunked otherwise than x when the chunk
    // shape is not square (then rechunked: an input, not fused).
    Shape sq_shape{shape[0], shape[0]};
    Array sq =
        random::uniform(sq_shape, random_chunk_shape(sq_shape, rng), static_cast<std::uint64_t>(i));
    check_fused_equals_unfused((sq + sq.T()).mean(0), s + " (sq + sq.T).mean(0)");
    check_fused_equals_unfused((sq + sq.T()).sum(), s + " (sq + sq.T).sum()");
    // Node by node: comparisons, other reductions, broadcasting.
    check_fused_equals_unfused((x > 0.5).sum(r), s + " (x > 0.5).sum");
    check_fused_equals_unfused(where(x > 0.0, x, n), s + " where");
    check_fused_equals_unfused((x - n).var(r), s + " (x - n).var");
    check_fused_equals_unfused((x * n).max(r), s + " (x * n).max");
    if (!shape.empty()) {
      Array row = random::uniform({shape.back()}, {std::max<std::int64_t>(shape.back(), 1)}, 9);
      check_fused_equals_unfused((x + row).sum(r), s + " (x + row).sum");
    }
    // Inputs computed elsewhere take part in streamed programs too.
    Array w = from_tensor(n.compute(executor), random_chunk_shape(shape, rng)).rechunk(x.chunks());
    check_fused_equals_unfused((x * w + 1.0).sum(r), s + " (x * w + 1).sum");
  }
}
