// sort_indices' radix path (core/src/table/radix_sort.h) against the comparison
// sort it replaces for one key: the same stable order, nulls last, on
// columns full of ties, NaN, signed zeros, infinities and integer extremes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "shoal/column_builder.h"
#include "shoal/table_kernels.h"
#include "table/radix_sort.h"

using namespace shoal;

namespace {

// The order sort_indices gave before the radix path: a stable comparison
// sort through compare_values.
std::vector<std::int64_t> compared(const Column& c, bool ascending) {
  std::vector<std::int64_t> idx(c.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::int64_t x, std::int64_t y) {
    int r = compare_values(c, static_cast<std::size_t>(x), c, static_cast<std::size_t>(y));
    bool nulls =
        !c.is_valid(static_cast<std::size_t>(x)) || !c.is_valid(static_cast<std::size_t>(y));
    return r != 0 && ((nulls || ascending) ? r < 0 : r > 0);
  });
  return idx;
}

Column random_column(DataType type, std::size_t n, std::mt19937_64& rng) {
  const double specials[] = {0.0,
                             -0.0,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::nan(""),
                             -std::nan(""),
                             1e-300,
                             -1e300,
                             0.5,
                             -0.5};
  const std::int64_t extremes[] = {std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::int64_t>::max(), 0, -1, 1};
  ColumnBuilder b(type);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t r = rng();
    if (r % 13 == 0) {
      b.append_null();
      continue;
    }
    switch (type) {
      case DataType::kFloat64:
        b.append_float64(r % 5 == 0
                             ? specials[(r >> 8) % 10]
                             : static_cast<double>(static_cast<std::int64_t>(r >> 20) % 1000) / 8);
        break;
      case DataType::kInt64:
      case DataType::kTimestamp:
        b.append_int64(r % 7 == 0 ? extremes[(r >> 8) % 5]
                                  : static_cast<std::int64_t>(r >> 3) % 100000 - 50000);
        break;
      case DataType::kBool:
        b.append_bool((r >> 9) & 1);
        break;
      case DataType::kString:
        break;
    }
  }
  return b.finish();
}

}  // namespace

TEST_CASE("the radix sort of one key gives the comparison sort's order") {
  std::mt19937_64 rng(5);
  for (DataType type :
       {DataType::kFloat64, DataType::kInt64, DataType::kTimestamp, DataType::kBool}) {
    for (std::size_t n :
         {std::size_t{0}, std::size_t{1}, std::size_t{17}, std::size_t{5000}, std::size_t{70000}}) {
      Column c = random_column(type, n, rng);
      for (bool ascending : {true, false}) {
        INFO(type_name(type) << ", " << n << " rows, " << (ascending ? "ascending" : "descending"));
        auto got = detail::radix_sort_indices(c, ascending);
        REQUIRE(got.has_value());
        CHECK(*got == compared(c, ascending));
      }
    }
  }
}

TEST_CASE("string keys are left to the comparison sort") {
  ColumnBuilder b(DataType::kString);
  b.append_string("b");
  b.append_string("a");
  CHECK_FALSE(detail::radix_sort_indices(b.finish(), true).has_value());
}

TEST_CASE("range_partition places numeric rows between divisions as compare_values orders them") {
  std::mt19937_64 rng(9);
  for (DataType type : {DataType::kFloat64, DataType::kInt64, DataType::kBool}) {
    Column c = random_column(type, 4000, rng);
    Column pool = random_column(type, 200, rng);
    // Divisions: sorted valid values of the pool, ties and NaN included.
    std::vector<std::int64_t> order = compared(pool, true);
    std::vector<std::int64_t> picked;
    for (std::size_t i = 0; i < order.size(); i += 23) {
      if (pool.is_valid(static_cast<std::size_t>(order[i]))) picked.push_back(order[i]);
    }
    Column divisions = take(pool, picked);
    Table t({"v"}, {std::make_shared<const Column>(c)});
    for (bool ascending : {true, false}) {
      INFO(type_name(type) << (ascending ? " ascending" : " descending"));
      std::vector<Table> pieces = range_partition(t, "v", divisions, ascending);
      REQUIRE(pieces.size() == divisions.size() + 1);
      // Every row lands where counting the divisions <= it says.
      std::vector<std::vector<std::int64_t>> want(pieces.size());
      for (std::size_t r = 0; r < c.size(); ++r) {
        std::size_t k = 0;
        if (!c.is_valid(r))
          k = divisions.size();
        else {
          for (std::size_t d = 0; d < divisions.size(); ++d)
            k += compare_values(divisions, d, c, r) <= 0;
          if (!ascending) k = divisions.size() - k;
        }
        want[k].push_back(static_cast<std::int64_t>(r));
      }
      for (std::size_t p = 0; p < pieces.size(); ++p) {
        Table expected = take(t, want[p]);
        REQUIRE(pieces[p].num_rows() == expected.num_rows());
        for (std::size_t r = 0; r < expected.num_rows(); ++r) {
          CHECK(values_equal(pieces[p].column(0), r, expected.column(0), r));
        }
      }
    }
  }
}
