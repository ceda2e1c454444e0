// to_shoal / read_shoal: a DataFrame through .shoal files and back, exactly.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "shoal/column_builder.h"
#include "shoal/dataframe_files.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"

using namespace shoal;

namespace {

std::filesystem::path temp_dir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("shoal-dffiles-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Partition i: every type, with nulls, i + 1 rows.
Table partition(int i) {
  ColumnBuilder b(DataType::kBool), n(DataType::kInt64), f(DataType::kFloat64),
      s(DataType::kString), t(DataType::kTimestamp);
  for (int r = 0; r <= i; ++r) {
    r % 3 == 0 ? b.append_null() : b.append_bool(r % 2);
    n.append_int64(i * 100 + r);
    r % 4 == 1 ? f.append_null() : f.append_float64(r * -0.1 + i);
    s.append_string(r % 2 ? "Zürich,\n\"q\"" : "");
    t.append_int64(1'700'000'000'000'000'000 + r);
  }
  return Table({"b", "n", "f", "s", "t"}, {b.finish_shared(), n.finish_shared(), f.finish_shared(),
                                           s.finish_shared(), t.finish_shared()});
}

}  // namespace

TEST_CASE("to_shoal then read_shoal gives the same frame, partitions in order") {
  auto dir = temp_dir();
  std::vector<Table> parts;
  for (int i = 0; i < 12; ++i) parts.push_back(partition(i));  // > 10: part-10 must follow part-9
  DataFrame df = DataFrame::from_tables(parts);
  InlineExecutor ex;
  auto paths = to_shoal(df, (dir / "part-*.shoal").string(), ex);
  REQUIRE(paths.size() == 12);
  for (const auto& p : paths) CHECK(std::filesystem::exists(p));
  DataFrame back = read_shoal((dir / "part-*.shoal").string());
  CHECK(back.npartitions() == 12);
  CHECK(back.schema() == df.schema());
  auto values = ex.run(back.graph(), back.keys());
  for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i].as_table() == parts[i]);
  CHECK(back[back["n"] > 500].size(ex) == df[df["n"] > 500].size(ex));
  std::filesystem::remove_all(dir);
}

TEST_CASE("read_shoal and to_shoal errors name the file and the fix") {
  auto dir = temp_dir();
  DataFrame two = DataFrame::from_tables({partition(1), partition(2)});
  CHECK_THROWS_WITH_AS(to_shoal(two, (dir / "one.shoal").string()), doctest::Contains("has no '*'"),
                       Error);
  CHECK_THROWS_WITH_AS(read_shoal((dir / "missing.shoal").string()),
                       doctest::Contains("missing.shoal"), Error);
  std::ofstream(dir / "bad.shoal") << "not a shoal file at all";
  CHECK_THROWS_WITH_AS(read_shoal((dir / "bad.shoal").string()), doctest::Contains("bad.shoal"),
                       Error);

  // A later file with other columns fails its task, naming it.
  InlineExecutor ex;
  to_shoal(DataFrame::from_tables({partition(1)}), (dir / "a-0.shoal").string(), ex);
  Table other({"z"}, {std::make_shared<const Column>(Column::from_int64({1}))});
  to_shoal(DataFrame::from_tables({other}), (dir / "a-1.shoal").string(), ex);
  DataFrame mixed = read_shoal((dir / "a-*.shoal").string());
  CHECK_THROWS_WITH_AS(mixed.compute(ex), doctest::Contains("a-1.shoal"), Error);
  std::filesystem::remove_all(dir);
}
