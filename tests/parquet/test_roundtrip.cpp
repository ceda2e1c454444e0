// Shoal writes a table as Parquet and reads it back equal, over every
// writer option: compression, dictionary or plain, page v1 or v2, row group
// and page sizes, with and without nulls.
#include <doctest/doctest.h>

#include <fstream>

#include "parquet_testing.h"
#include "shoal/error.h"
#include "shoal/parquet.h"

using namespace shoal;
using shoal::testing::same_table;
using shoal::testing::scratch_dir;
using shoal::testing::tricky_table;

namespace {

std::string write(const std::filesystem::path& dir, const std::string& name, const Table& t,
                  const ParquetWriteOptions& o) {
  std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << write_parquet_bytes(t, o);
  return path;
}

}  // namespace

TEST_CASE("every option round-trips every type") {
  auto dir = scratch_dir("roundtrip");
  const ParquetCompression codecs[] = {ParquetCompression::kNone,   ParquetCompression::kSnappy,
                                       ParquetCompression::kGzip,   ParquetCompression::kZstd,
                                       ParquetCompression::kLz4Raw, ParquetCompression::kBrotli};
  int files = 0;
  for (bool nulls : {false, true}) {
    Table t = tricky_table(2500, nulls);
    for (auto codec : codecs)
      for (bool dict : {true, false})
        for (int version : {1, 2}) {
          ParquetWriteOptions o;
          o.compression = codec;
          o.dictionary = dict;
          o.data_page_version = version;
          o.row_group_size = 1000;  // three row groups, the last short
          o.page_size = 4096;       // several pages per chunk
          std::string path = write(dir, "f" + std::to_string(files++) + ".parquet", t, o);
          CAPTURE(path);
          Table back = read_parquet_table(path);
          CHECK(same_table(back, t));
          ParquetFile f(path);
          CHECK(f.info().row_group_rows == std::vector<std::int64_t>{1000, 1000, 500});
        }
  }
  CHECK(files == 48);
}

TEST_CASE("a dictionary past its limit falls back to PLAIN and still reads") {
  auto dir = scratch_dir("fallback");
  Table t = tricky_table(3000, true);
  ParquetWriteOptions small;
  small.dictionary_limit = 16;  // even the seven values of "s" overflow it
  ParquetWriteOptions none;
  none.dictionary = false;
  ParquetWriteOptions dict;
  std::string a = write(dir, "small.parquet", t, small), b = write(dir, "none.parquet", t, none),
              c = write(dir, "dict.parquet", t, dict);
  CHECK(same_table(read_parquet_table(a), t));
  // "s" (7 distinct values) is smaller dictionary-encoded, and PLAIN past the limit.
  auto s_bytes = [](const std::string& p) { return ParquetFile(p).compressed_bytes(0, {"s"}); };
  CHECK(s_bytes(c) < s_bytes(b));
  CHECK(s_bytes(a) == s_bytes(b));
}

TEST_CASE("an empty table and a table of one row") {
  auto dir = scratch_dir("small");
  for (std::size_t rows : {0, 1}) {
    Table t = tricky_table(rows, false);
    std::string path = write(dir, "t" + std::to_string(rows) + ".parquet", t, {});
    Table back = read_parquet_table(path);
    CHECK(back.num_rows() == rows);
    CHECK(back.names() == t.names());
    CHECK(same_table(back, t));
  }
}

TEST_CASE("projection reads the columns asked for, in that order") {
  auto dir = scratch_dir("projection");
  Table t = tricky_table(100, true);
  std::string path = write(dir, "p.parquet", t, {});
  Table back = read_parquet_table(path, {"s", "n"});
  REQUIRE(back.names() == std::vector<std::string>{"s", "n"});
  CHECK(back.column(0) == t.column("s"));
  CHECK(back.column(1) == t.column("n"));
  CHECK_THROWS_WITH_AS(read_parquet_table(path, {"nope"}), doctest::Contains("no column 'nope'"),
                       Error);
}

TEST_CASE("the footer carries Shoal's schema and the writer's name") {
  auto dir = scratch_dir("footer");
  Table t = tricky_table(10, false);
  std::string path = write(dir, "m.parquet", t, {});
  ParquetFile f(path);
  CHECK(f.info().created_by.find("shoal") == 0);
  CHECK(f.info().schema.str() ==
        "b: bool, n: int64, f: float64, s: string, t: timestamp[ns], u: string");
  CHECK(f.info().num_rows == 10);
}
