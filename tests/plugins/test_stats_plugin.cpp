// The stats plugin's ops against numpy's results (computed with numpy
// 1.x: np.histogram, np.quantile, np.corrcoef, np.polyfit), over lists and
// Table columns, on the InlineExecutor's path and on a LocalCluster.
#include <doctest/doctest.h>

#include "plugin_test_support.h"
#include "shoal/column.h"
#include "shoal/local_cluster.h"
#include "shoal/table.h"

namespace shoal::testing {
namespace {

Value stats_op(const std::string& op, std::vector<Arg> inputs, Params params = {}) {
  load_globally("stats");
  return run_op(OpRegistry::global(), op, std::move(inputs), std::move(params));
}

List numbers(std::initializer_list<double> xs) {
  List out;
  for (double x : xs) out.emplace_back(x);
  return out;
}

std::vector<double> doubles(const Value& v) {
  std::vector<double> out;
  for (const Value& x : v.as_list()) out.push_back(x.as_float());
  return out;
}

void check_close(const Value& got, std::initializer_list<double> want) {
  std::vector<double> g = doubles(got);
  REQUIRE(g.size() == want.size());
  std::size_t i = 0;
  for (double w : want) CHECK(g[i++] == doctest::Approx(w).epsilon(1e-12));
}

const Value kSample(numbers({1, 2, 2, 3, 7, 9.5, 4}));

Value xy_table() {
  auto x = std::make_shared<const Column>(Column::from_int64({1, 2, 3, 4, 5, 6}));
  std::vector<double> yv{2.1, 3.9, 6.2, 7.8, 10.1, 0};
  std::vector<std::uint8_t> valid{0b011111};  // bitmap: the last y is null, so that pair is dropped
  auto y = std::make_shared<const Column>(Column(DataType::kFloat64, Column::Storage(yv), valid));
  return Value(Table({"x", "y"}, {x, y}));
}

TEST_CASE("stats.histogram as numpy.histogram") {
  Value h = stats_op("stats.histogram", {kSample}, Params{{"bins", Value(4)}});
  CHECK(h.as_list()[0] == Value(List{Value(4), Value(1), Value(1), Value(1)}));
  check_close(h.as_list()[1], {1.0, 3.125, 5.25, 7.375, 9.5});
  h = stats_op("stats.histogram", {kSample},
               Params{{"bins", Value(2)}, {"range", Value(numbers({0, 10}))}});
  CHECK(h.as_list()[0] == Value(List{Value(5), Value(2)}));
  check_close(h.as_list()[1], {0, 5, 10});
  CHECK_THROWS_WITH_AS(stats_op("stats.histogram", {kSample}, Params{{"bins", Value(0)}}),
                       doctest::Contains("parameter 'bins' must be in [1, 1000000]"), Error);
}

TEST_CASE("stats.quantiles as numpy.quantile") {
  check_close(
      stats_op("stats.quantiles", {kSample}, Params{{"q", Value(numbers({0, 0.1, 0.5, 0.9, 1}))}}),
      {1.0, 1.6, 3.0, 8.0, 9.5});
  check_close(stats_op("stats.quantiles", {xy_table()}, Params{{"column", Value("y")}}),
              {3.9, 6.2, 7.8});
  CHECK_THROWS_WITH_AS(stats_op("stats.quantiles", {xy_table()}),
                       doctest::Contains("the input is a table; set the column parameter"), Error);
  CHECK_THROWS_WITH_AS(stats_op("stats.quantiles", {Value(List{})}),
                       doctest::Contains("needs at least 1 values"), Error);
}

TEST_CASE("stats.correlation and linear_fit over lists and over table columns") {
  Value x(numbers({1, 2, 3, 4, 5})), y(numbers({2.1, 3.9, 6.2, 7.8, 10.1}));
  CHECK(stats_op("stats.correlation", {x, y}).as_float() ==
        doctest::Approx(0.9986517555689656).epsilon(1e-12));
  Params cols{{"x_column", Value("x")}, {"y_column", Value("y")}};
  CHECK(stats_op("stats.correlation", {xy_table()}, cols).as_float() ==
        doctest::Approx(0.9986517555689656).epsilon(1e-12));
  check_close(stats_op("stats.linear_fit", {x, y}), {1.99, 0.05});
  check_close(stats_op("stats.linear_fit", {xy_table()}, cols), {1.99, 0.05});
  CHECK_THROWS_WITH_AS(stats_op("stats.correlation", {x, Value(numbers({1, 2}))}),
                       doctest::Contains("x has 5 values but y has 2"), Error);
  CHECK_THROWS_WITH_AS(
      stats_op("stats.linear_fit", {Value(numbers({1, 1})), Value(numbers({1, 2}))}),
      doctest::Contains("every x is the same"), Error);
}

TEST_CASE("fit then predict, as a graph on a LocalCluster") {
  load_globally("stats");
  const OpRegistry& r = OpRegistry::global();
  Graph g;
  g.add(task_of(r, "fit", "stats.linear_fit",
                {Value(numbers({1, 2, 3, 4, 5})), Value(numbers({2.1, 3.9, 6.2, 7.8, 10.1}))}));
  g.add(task_of(r, "predict", "stats.linear_predict",
                {Arg(Key("fit")), Value(List{Value(0), Value(10), Value()})}));
  Key out("predict");
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  Value y = cluster.run(g, std::span<const Key>(&out, 1)).at(0);
  REQUIRE(y.as_list().size() == 3);
  CHECK(y.as_list()[0].as_float() == doctest::Approx(0.05).epsilon(1e-12));
  CHECK(y.as_list()[1].as_float() == doctest::Approx(19.95).epsilon(1e-12));
  CHECK(y.as_list()[2].is_null());
}

}  // namespace
}  // namespace shoal::testing
