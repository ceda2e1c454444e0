// read_parquet / to_parquet as DataFrames: files, globs and directories,
// partitions from row groups combined up to blocksize, projection, filters,
// and errors that name the file.
#include <doctest/doctest.h>

#include <fstream>

#include "parquet_testing.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/op.h"
#include "shoal/parquet.h"

using namespace shoal;
using shoal::testing::same_table;
using shoal::testing::scratch_dir;
using shoal::testing::tricky_table;

namespace {

std::vector<Table> partitions() {
  return {tricky_table(300, true), tricky_table(1, false), tricky_table(1200, true)};
}

std::string write_one(const std::filesystem::path& dir, const Table& t, std::size_t row_group) {
  ParquetWriteOptions o;
  o.row_group_size = row_group;
  std::string path = (dir / "one.parquet").string();
  std::ofstream(path, std::ios::binary) << write_parquet_bytes(t, o);
  return path;
}

}  // namespace

TEST_CASE("to_parquet writes one file per partition; read_parquet reads them back") {
  auto dir = scratch_dir("frame");
  DataFrame df = DataFrame::from_tables(partitions());
  auto paths = to_parquet(df, (dir / "out").string());
  REQUIRE(paths.size() == 3);
  CHECK(paths[2] == (dir / "out" / "part-2.parquet").string());
  for (const auto& p : paths) CHECK(std::filesystem::exists(p));
  DataFrame back = read_parquet((dir / "out").string());
  CHECK(back.npartitions() == 3);
  CHECK(back.schema() == df.schema());
  CHECK(same_table(back.compute(), df.compute()));
  // A glob and a pattern with '*' say the same.
  auto starred =
      to_parquet(df, (dir / "p-*.parquet").string(), {.compression = ParquetCompression::kZstd});
  CHECK(starred[1] == (dir / "p-1.parquet").string());
  CHECK(same_table(read_parquet((dir / "p-*.parquet").string()).compute(), df.compute()));
}

TEST_CASE("the ops are registered by name, so graphs run on any worker") {
  read_parquet(write_one(scratch_dir("ops"), tricky_table(3, false), 10));
  CHECK(OpRegistry::global().find("parquet.read") != nullptr);
  CHECK(OpRegistry::global().find("parquet.write") != nullptr);
  CHECK(OpRegistry::global().origin("parquet.read") == "parquet");
}

TEST_CASE("row groups are combined into partitions up to blocksize") {
  auto dir = scratch_dir("blocks");
  Table t = tricky_table(1000, true);
  std::string path = write_one(dir, t, 100);  // ten row groups
  CHECK(read_parquet(path).npartitions() == 1);
  ParquetReadOptions tiny;
  tiny.blocksize = 1;
  DataFrame each = read_parquet(path, tiny);
  CHECK(each.npartitions() == 10);
  CHECK(same_table(each.compute(), t));
  ParquetReadOptions some;
  some.blocksize = static_cast<std::size_t>(ParquetFile(path).uncompressed_bytes(0, {}) * 3);
  DataFrame threes = read_parquet(path, some);
  CHECK(threes.npartitions() == 4);  // 3 + 3 + 3 + 1
  CHECK(same_table(threes.compute(), t));
}

TEST_CASE("columns= projects, in the order given") {
  auto dir = scratch_dir("columns");
  Table t = tricky_table(50, true);
  std::string path = write_one(dir, t, 20);
  ParquetReadOptions o;
  o.columns = {"t", "b"};
  DataFrame df = read_parquet(path, o);
  CHECK(df.columns() == std::vector<std::string>{"t", "b"});
  Table got = df.compute();
  CHECK(got.column(0) == t.column("t"));
  CHECK(got.column(1) == t.column("b"));
  o.columns = {"missing"};
  CHECK_THROWS_WITH_AS(read_parquet(path, o), doctest::Contains("no column 'missing'"), Error);
}

TEST_CASE("filters drop row groups by statistics and rows by value") {
  auto dir = scratch_dir("filters");
  ColumnBuilder k(DataType::kInt64), s(DataType::kString);
  for (int i = 0; i < 1000; ++i) {
    k.append_int64(i);
    s.append_string(i < 500 ? "apple" : "pear");
  }
  Table t({"k", "s"}, {k.finish_shared(), s.finish_shared()});
  std::string path = write_one(dir, t, 100);
  ParquetReadOptions o;
  o.blocksize = 1;
  o.filters = {{"k", ">=", 250}, {"k", "<", 420}};
  DataFrame df = read_parquet(path, o);
  CHECK(df.npartitions() == 3);  // row groups 2, 3 and 4 only
  Table got = df.compute();
  REQUIRE(got.num_rows() == 170);
  CHECK(got.column(0).int64s()[0] == 250);
  CHECK(got.column(0).int64s()[169] == 419);
  o.filters = {{"s", "==", "pear"}};
  CHECK(read_parquet(path, o).npartitions() == 5);
  o.filters = {{"k", ">", 5000}};
  DataFrame none = read_parquet(path, o);
  CHECK(none.npartitions() == 1);  // one empty partition keeps the schema
  CHECK(none.compute().num_rows() == 0);
  CHECK(none.schema() == read_parquet(path).schema());
  o.filters = {{"k", "~", 1}};
  CHECK_THROWS_WITH_AS(read_parquet(path, o), doctest::Contains("op '~'"), Error);
  o.filters = {{"k", "==", "x"}};
  CHECK_THROWS_WITH_AS(read_parquet(path, o), doctest::Contains("compares it with"), Error);
}

TEST_CASE("errors name the file and what is wrong") {
  auto dir = scratch_dir("errors");
  CHECK_THROWS_WITH_AS(read_parquet((dir / "none.parquet").string()),
                       doctest::Contains("no such file or directory"), Error);
  CHECK_THROWS_WITH_AS(read_parquet((dir / "*.parquet").string()),
                       doctest::Contains("no file matches"), Error);
  std::string text = (dir / "text.parquet").string();
  std::ofstream(text) << "a,b\n1,2\n3,4\n";
  CHECK_THROWS_WITH_AS(read_parquet(text),
                       doctest::Contains((text + ": it does not end in PAR1").c_str()), Error);
  // Cut inside the footer: the length no longer fits.
  std::string good = write_one(dir, tricky_table(100, true), 30);
  std::string bytes = write_parquet_bytes(tricky_table(100, true));
  std::string cut = (dir / "cut.parquet").string();
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, 40) << bytes.substr(bytes.size() - 8);
  CHECK_THROWS_WITH_AS(read_parquet(cut), doctest::Contains(cut.c_str()), Error);
  // Files with other columns cannot make one frame.
  std::string other = (dir / "other.parquet").string();
  std::ofstream(other, std::ios::binary)
      << write_parquet_bytes(Table({"x"}, {ColumnBuilder(DataType::kInt64).finish_shared()}));
  CHECK_THROWS_WITH_AS(read_parquet(std::vector<std::string>{good, other}),
                       doctest::Contains((other + " has columns x: int64, unlike").c_str()), Error);
}

TEST_CASE("a corrupt page names the file, row group and column") {
  auto dir = scratch_dir("corrupt");
  ParquetWriteOptions o;
  o.compression = ParquetCompression::kNone;
  o.row_group_size = 50;
  std::string bytes = write_parquet_bytes(tricky_table(100, false), o);
  std::string path = (dir / "bad.parquet").string();
  std::ofstream(path, std::ios::binary) << bytes;
  // Chunks follow "PAR1" in order: all of row group 0, then b, n, ... of 1.
  ParquetFile f(path);
  auto at = static_cast<std::size_t>(4 + f.compressed_bytes(0, {}) + f.compressed_bytes(1, {"b"}));
  bytes.replace(at, 8, std::string(8, '\xff'));  // the page header of "n" in row group 1
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  CHECK_THROWS_WITH_AS(ParquetFile(path).read({1}, {"n"}),
                       doctest::Contains((path + ", row group 1, column 'n': ").c_str()), Error);
  CHECK(ParquetFile(path).read({0}, {"n"}).num_rows() == 50);
  CHECK(ParquetFile(path).read({1}, {"b"}).num_rows() == 50);
}

TEST_CASE("hive folders become typed columns, and filters on them skip files") {
  auto dir = scratch_dir("hive");
  struct Part {
    const char* folder;
    int rows;
  };
  const Part parts[] = {{"year=2023/city=Bern", 3},
                        {"year=2023/city=Zürich", 2},
                        {"year=2024/city=__HIVE_DEFAULT_PARTITION__", 4},
                        {"year=2024/city=Bern", 1}};
  for (const auto& p : parts) {
    std::filesystem::create_directories(dir / p.folder);
    ColumnBuilder x(DataType::kInt64);
    for (int i = 0; i < p.rows; ++i) x.append_int64(i);
    std::ofstream((dir / p.folder / "part-0.parquet").string(), std::ios::binary)
        << write_parquet_bytes(Table({"x"}, {x.finish_shared()}));
  }
  std::filesystem::create_directories(dir / "_tmp");  // not data: skipped
  std::ofstream((dir / "year=2024" / "_SUCCESS").string()) << "";
  DataFrame df = read_parquet(dir.string());
  CHECK(df.schema().str() == "x: int64, year: int64, city: string");
  CHECK(df.npartitions() == 4);
  Table t = df.compute();
  REQUIRE(t.num_rows() == 10);
  CHECK(t.column("year").int64s()[0] == 2023);
  CHECK(t.column("city").string_at(0) == "Bern");
  CHECK(t.column("city").string_at(3) == "Zürich");
  CHECK(t.column("city").string_at(5) == "Bern");  // natural order: Bern before _
  CHECK(!t.column("city").is_valid(6));            // __HIVE_DEFAULT_PARTITION__
  CHECK(t.column("year").int64s()[9] == 2024);

  ParquetReadOptions o;
  o.filters = {{"year", ">=", 2024}};
  o.columns = {"city", "x"};
  DataFrame late = read_parquet(dir.string(), o);
  CHECK(late.npartitions() == 2);  // the 2023 files are not even opened
  CHECK(late.columns() == std::vector<std::string>{"city", "x"});
  CHECK(late.compute().num_rows() == 5);
  o.filters = {{"city", "==", "Bern"}, {"x", ">", 0}};
  Table bern = read_parquet(dir.string(), o).compute();
  CHECK(bern.num_rows() == 2);  // x = 1, 2 of year=2023/city=Bern
  // Zürich and the null city by their folders, 2024/Bern (x = 0 only) by its statistics.
  CHECK(read_parquet(dir.string(), o).npartitions() == 1);
}
