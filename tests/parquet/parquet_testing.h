// Helpers of the Parquet tests: a scratch folder and a table of every Shoal
// type holding the values writers get wrong (extremes, NaN, ±0, empty and
// non-ASCII strings, times before 1970) with and without nulls.
#pragma once

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "shoal/column_builder.h"
#include "shoal/table.h"

namespace shoal::testing {

inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("shoal-parquet-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// `rows` rows; every 7th value of each column null when `nulls`.
inline Table tricky_table(std::size_t rows, bool nulls) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double doubles[] = {0.0, -0.0, std::nan(""), kInf, -kInf, 1e308, 5e-324, -1.5, 1.0 / 3};
  const std::int64_t ints[] = {0, -1, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max(), 42};
  const char* strings[] = {"", "a", "Zürich", "漢字🙂", "plain ascii", "tab\there", "a"};
  const std::int64_t times[] = {0, -1, -86'400'000'000'000 * 365 * 70 - 123,
                                1'700'000'000'123'456'789};
  ColumnBuilder b(DataType::kBool), n(DataType::kInt64), f(DataType::kFloat64),
      s(DataType::kString), t(DataType::kTimestamp), u(DataType::kString);
  for (std::size_t r = 0; r < rows; ++r) {
    auto null = [&](int col) { return nulls && (r + static_cast<std::size_t>(col)) % 7 == 0; };
    null(0) ? b.append_null() : b.append_bool(r % 3 == 1);
    null(1) ? n.append_null()
            : n.append_int64(r < 5 ? ints[r] : static_cast<std::int64_t>(r * 7919) - 5000);
    null(2) ? f.append_null()
            : f.append_float64(doubles[r % 9] * (r < 9 ? 1.0 : static_cast<double>(r)));
    null(3) ? s.append_null() : s.append_string(strings[r % 7]);
    null(4) ? t.append_null() : t.append_int64(times[r % 4] + static_cast<std::int64_t>(r));
    // Unique strings: what a dictionary cannot shrink.
    null(5) ? u.append_null() : u.append_string("row-" + std::to_string(r * 2654435761u % 1000003));
  }
  return Table({"b", "n", "f", "s", "t", "u"},
               {b.finish_shared(), n.finish_shared(), f.finish_shared(), s.finish_shared(),
                t.finish_shared(), u.finish_shared()});
}

/// Equality that also tells -0.0 from +0.0 (Column's == does not).
inline bool same_table(const Table& a, const Table& b) {
  if (!(a == b)) return false;
  for (std::size_t c = 0; c < a.num_columns(); ++c) {
    if (a.column(c).type() != DataType::kFloat64) continue;
    for (std::size_t r = 0; r < a.num_rows(); ++r) {
      if (a.column(c).is_valid(r) &&
          std::signbit(a.column(c).float64s()[r]) != std::signbit(b.column(c).float64s()[r]))
        return false;
    }
  }
  return true;
}

}  // namespace shoal::testing
