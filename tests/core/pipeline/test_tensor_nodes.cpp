// The whole-tensor ops pipelines use ("tensor.*", palette group "Tensor"),
// run one by one through the registry as a pipeline node runs them, compared
// with the Array they stand for; their errors, which name the parameter; and
// their metadata.
#include <doctest/doctest.h>

#include <cmath>

#include "shoal/array.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "support/nodes.h"

using namespace shoal;
using shoal::testing::run_node;

namespace {

List ints(std::initializer_list<std::int64_t> items) {
  List out;
  for (std::int64_t i : items) out.emplace_back(i);
  return out;
}

// [[1, 5, 2], [4, 0, 6]]
Value small() {
  return Value(Tensor({2, 3}, std::vector<double>{1, 5, 2, 4, 0, 6}));
}

std::vector<double> doubles(const Value& v) {
  auto s = v.as_tensor().values<double>();
  return {s.begin(), s.end()};
}

Tensor computed(const Array& a) {
  InlineExecutor ex;
  return a.compute(ex);
}

}  // namespace

TEST_CASE(
    "tensor.normal and tensor.uniform equal the Array of the same seed, whatever its chunks") {
  Value n = run_node("tensor.normal", {},
                     {{"shape", ints({30, 20})}, {"seed", 7}, {"mean", 10}, {"std", 2.5}});
  CHECK(n.as_tensor() == computed(random::normal({30, 20}, {7, 6}, 7, 10.0, 2.5)));
  Value u = run_node("tensor.uniform", {},
                     {{"shape", ints({5, 4, 3})}, {"seed", 1}, {"low", -1}, {"high", 1}});
  CHECK(u.as_tensor() == computed(random::uniform({5, 4, 3}, {2, 4, 1}, 1, -1.0, 1.0)));
  // Defaults: seed 0, standard normal.
  CHECK(run_node("tensor.normal", {}, {{"shape", ints({4})}}).as_tensor() ==
        computed(random::normal({4}, {4}, 0)));
}

TEST_CASE("tensor.normal refuses a bad shape, seed or std naming the parameter") {
  for (const Value& shape : {Value(ints({3, 0})), Value(ints({-2})), Value("3x4"),
                             Value(List{Value(2.5)}), Value(ints({1 << 20, 1 << 20}))}) {
    CAPTURE(shape.repr());
    CHECK_THROWS_WITH_AS(run_node("tensor.normal", {}, {{"shape", shape}}),
                         doctest::Contains("parameter 'shape'"), Error);
  }
  CHECK_THROWS_WITH_AS(run_node("tensor.uniform", {}, {{"shape", ints({2})}, {"seed", -1}}),
                       doctest::Contains("parameter 'seed' is -1"), Error);
  CHECK_THROWS_WITH_AS(run_node("tensor.normal", {}, {{"shape", ints({2})}, {"std", -1.0}}),
                       doctest::Contains("parameter 'std'"), Error);
}

TEST_CASE("tensor.reduce: every axis, one axis, keepdims, ddof, arg reductions") {
  CHECK(doubles(run_node("tensor.reduce", {small()}, {{"func", "sum"}})) ==
        std::vector<double>{18});
  CHECK(run_node("tensor.reduce", {small()}, {{"func", "sum"}, {"axis", List{}}})
            .as_tensor()
            .ndim() == 0);
  CHECK(doubles(run_node("tensor.reduce", {small()}, {{"func", "mean"}, {"axis", ints({0})}})) ==
        std::vector<double>{2.5, 2.5, 4});
  CHECK(doubles(run_node("tensor.reduce", {small()}, {{"func", "max"}, {"axis", ints({-1})}})) ==
        std::vector<double>{5, 6});
  Value kept = run_node("tensor.reduce", {small()},
                        {{"func", "min"}, {"axis", ints({1})}, {"keepdims", true}});
  CHECK(kept.as_tensor().shape() == std::vector<std::int64_t>{2, 1});
  double var1 = doubles(run_node("tensor.reduce", {small()}, {{"func", "var"}, {"ddof", 1}}))[0];
  CHECK(var1 == doctest::Approx(5.6));  // sum of squared deviations 28, n - 1 = 5
  Value arg = run_node("tensor.reduce", {small()}, {{"func", "argmax"}});
  CHECK(arg.as_tensor().dtype() == DType::kInt64);
  CHECK(arg.as_tensor().values<std::int64_t>()[0] == 5);
  Value per_row = run_node("tensor.reduce", {small()}, {{"func", "argmin"}, {"axis", ints({1})}});
  CHECK(std::vector<std::int64_t>(per_row.as_tensor().values<std::int64_t>().begin(),
                                  per_row.as_tensor().values<std::int64_t>().end()) ==
        std::vector<std::int64_t>{0, 1});
  // Edge shapes: a 0-d tensor, a zero-length axis.
  CHECK(doubles(run_node("tensor.reduce", {Value(Tensor({}, std::vector<double>{2.5}))},
                         {{"func", "sum"}})) == std::vector<double>{2.5});
  Value empty_rows(Tensor({0, 3}, std::vector<double>{}));
  CHECK(doubles(run_node("tensor.reduce", {empty_rows}, {{"func", "sum"}, {"axis", ints({0})}})) ==
        std::vector<double>{0, 0, 0});
  // The same as the Array API on the same input in several chunks.
  Tensor x = computed(random::uniform({40, 30}, {40, 30}, 3));
  Value std0 = run_node("tensor.reduce", {Value(x)}, {{"func", "std"}, {"axis", ints({0})}});
  std::vector<double> want = doubles(Value(computed(from_tensor(x, Shape{7, 9}).std(Reduce{{0}}))));
  REQUIRE(doubles(std0).size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    CHECK(doubles(std0)[i] == doctest::Approx(want[i]).epsilon(1e-12));
}

TEST_CASE("tensor.reduce refuses a bad axis or ddof naming the parameter") {
  CHECK_THROWS_WITH_AS(
      run_node("tensor.reduce", {small()}, {{"func", "sum"}, {"axis", ints({2})}}),
      doctest::Contains(
          "parameter 'axis' [2] names an axis a tensor of 2 dimensions does not have"),
      Error);
  CHECK_THROWS_WITH_AS(
      run_node("tensor.reduce", {small()}, {{"func", "sum"}, {"axis", ints({-3})}}),
      doctest::Contains("use -2 .. 1"), Error);
  CHECK_THROWS_WITH_AS(run_node("tensor.reduce", {small()}, {{"func", "sum"}, {"axis", 0}}),
                       doctest::Contains("parameter 'axis' must be a list, not int64 0"), Error);
  CHECK_THROWS_WITH_AS(
      run_node("tensor.reduce", {small()}, {{"func", "sum"}, {"axis", ints({0, -2})}}),
      doctest::Contains("names axis 0 twice"), Error);
  CHECK_THROWS_WITH_AS(
      run_node("tensor.reduce", {small()}, {{"func", "argmax"}, {"axis", ints({0, 1})}}),
      doctest::Contains("take one or none"), Error);
  CHECK_THROWS_WITH_AS(run_node("tensor.reduce", {small()}, {{"func", "var"}, {"ddof", -1}}),
                       doctest::Contains("parameter 'ddof'"), Error);
  CHECK_THROWS_AS(run_node("tensor.reduce", {small()}, {{"func", "median"}}), Error);
}

TEST_CASE("tensor.scalar_op, tensor.unary, tensor.astype and tensor.item") {
  Value gt = run_node("tensor.scalar_op", {small()}, {{"fn", "gt"}, {"value", 3}});
  CHECK(gt.as_tensor().dtype() == DType::kBool);
  Value share = run_node("tensor.reduce", {run_node("tensor.astype", {gt}, {{"dtype", "float64"}})},
                         {{"func", "mean"}});
  CHECK(run_node("tensor.item", {share}, {}) == Value(0.5));
  Value i64(Tensor({3}, std::vector<std::int64_t>{1, 2, 3}));
  Value plus = run_node("tensor.scalar_op", {i64}, {{"fn", "mul"}, {"value", 2}});
  CHECK(plus.as_tensor() ==
        Tensor({3}, std::vector<std::int64_t>{2, 4, 6}));  // an integer keeps int64
  CHECK(run_node("tensor.scalar_op", {i64}, {{"fn", "div"}, {"value", 2}}).as_tensor().dtype() ==
        DType::kFloat64);
  CHECK_THROWS_WITH_AS(run_node("tensor.scalar_op", {i64}, {{"fn", "add"}, {"value", "two"}}),
                       doctest::Contains("parameter 'value' must be a number, not string \"two\""),
                       Error);
  CHECK(doubles(run_node("tensor.unary", {Value(Tensor({2}, std::vector<double>{4, 9}))},
                         {{"fn", "sqrt"}})) == std::vector<double>{2, 3});
  CHECK(run_node("tensor.astype", {small()}, {{"dtype", "int64"}}).as_tensor().dtype() ==
        DType::kInt64);
  CHECK_THROWS_WITH_AS(run_node("tensor.astype", {small()}, {{"dtype", "complex"}}),
                       doctest::Contains("parameter 'dtype' is \"complex\"; choose one of"), Error);
  CHECK(run_node("tensor.item", {run_node("tensor.reduce", {small()}, {{"func", "argmax"}})}, {}) ==
        Value(5));
  CHECK(run_node("tensor.item", {Value(Tensor({1, 1}, std::vector<std::uint8_t>{1}))}, {}) ==
        Value(true));
  CHECK_THROWS_WITH_AS(run_node("tensor.item", {small()}, {}),
                       doctest::Contains("has 6 elements, not 1"), Error);
}

TEST_CASE("tensor ops declare typed ports and parameters with defaults, ranges and choices") {
  for (const OpPtr& op : OpRegistry::global().list()) {
    if (!op->name.starts_with("tensor.")) continue;
    CAPTURE(op->name);
    CHECK(op->group == "Tensor");
    CHECK_FALSE(op->doc.empty());
    for (const PortSpec& in : op->inputs) CHECK(in.type == "array");
    CHECK(op->outputs.at(0).type == (op->name == "tensor.item" ? "any" : "array"));
    for (const ParamSpec& p : op->params) {
      CAPTURE(p.name);
      CHECK_FALSE(p.doc.empty());
      if (p.type == ParamSpec::Type::kChoice) {
        CHECK_FALSE(p.choices.empty());
        CHECK(std::find(p.choices.begin(), p.choices.end(), p.default_value.as_string()) !=
              p.choices.end());
      }
    }
  }
  OpPtr reduce = OpRegistry::global().get("tensor.reduce");
  CHECK(reduce->params.at(0).choices ==
        std::vector<std::string>{"sum", "mean", "min", "max", "var", "std", "argmin", "argmax"});
  OpPtr normal = OpRegistry::global().get("tensor.normal");
  CHECK(normal->params.at(0).name == "shape");
  CHECK(normal->params.at(0).required);
  CHECK(normal->params.at(1).name == "chunks");
  CHECK(normal->params.at(2).min == 0);  // seed
  CHECK(normal->params.at(4).min == 0);  // std
}
