// shoal/shoal.h alone is enough for a program that uses the collections.
#include <doctest/doctest.h>

#include <memory>

#include "shoal/shoal.h"

TEST_CASE("shoal/shoal.h brings every part of the core API") {
  auto k = std::make_shared<const shoal::Column>(shoal::Column::from_strings({"a", "b", "a"}));
  auto x = std::make_shared<const shoal::Column>(shoal::Column::from_int64({1, 2, 3}));
  shoal::Table t({"k", "x"}, {k, x});
  shoal::DataFrame df = shoal::DataFrame::from_tables({t});
  shoal::InlineExecutor inline_executor;
  shoal::Table sums = df.groupby({"k"}).agg({{"x", "sum"}}).compute(inline_executor);
  CHECK(sums.num_rows() == 2);
  CHECK(shoal::zeros({4}, {2}).size() == 4);
  shoal::Pipeline p;
  CHECK(p.nodes.empty());
}
