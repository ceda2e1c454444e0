// Pruning is real: the bytes read from disk are counted. A one-column read
// reads that column's chunks and nothing else; a row group whose statistics
// exclude a filter is never read.
#include <doctest/doctest.h>

#include <fstream>

#include "parquet_testing.h"
#include "shoal/parquet.h"

using namespace shoal;

namespace {

// Ten row groups of 1000 rows; "k" ascending, so each group has its own range.
std::string sorted_file(const std::filesystem::path& dir) {
  ColumnBuilder k(DataType::kInt64), x(DataType::kFloat64), s(DataType::kString),
      n(DataType::kInt64);
  for (int i = 0; i < 10000; ++i) {
    k.append_int64(i);
    x.append_float64(i * 0.25);
    s.append_string("name-" + std::to_string(i * 7919 % 10007));
    i < 1000 ? n.append_null() : n.append_int64(i);  // group 0: all null
  }
  Table t({"k", "x", "s", "n"},
          {k.finish_shared(), x.finish_shared(), s.finish_shared(), n.finish_shared()});
  ParquetWriteOptions o;
  o.row_group_size = 1000;
  std::string path = (dir / "sorted.parquet").string();
  std::ofstream(path, std::ios::binary) << write_parquet_bytes(t, o);
  return path;
}

std::vector<int> all_groups(const ParquetFile& f) {
  std::vector<int> g(f.info().row_group_rows.size());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = static_cast<int>(i);
  return g;
}

}  // namespace

TEST_CASE("a one-column read reads only that column's chunks") {
  ParquetFile f(sorted_file(testing::scratch_dir("prune-cols")));
  std::int64_t chunks = 0, everything = 0;
  for (int g : all_groups(f)) {
    chunks += f.compressed_bytes(g, {"x"});
    everything += f.compressed_bytes(g, {});
  }
  std::int64_t before = f.bytes_read();
  Table t = f.read(all_groups(f), {"x"});
  std::int64_t read = f.bytes_read() - before;
  CHECK(t.num_rows() == 10000);
  MESSAGE("read " << read << " bytes for column x; its chunks hold " << chunks << ", the file's "
                  << everything);
  CHECK(read >= chunks);
  CHECK(read <= chunks * 12 / 10);
  CHECK(everything > 3 * chunks);  // so reading everything would have been visible
}

TEST_CASE("a filter outside a row group's min / max reads none of its pages") {
  ParquetFile f(sorted_file(testing::scratch_dir("prune-rows")));
  std::vector<int> keep;
  for (int g : all_groups(f))
    if (f.may_match(g, {{"k", ">=", 4500}, {"k", "<", 5200}})) keep.push_back(g);
  CHECK(keep == std::vector<int>{4, 5});
  std::int64_t before = f.bytes_read();
  Table t = f.read(keep, {"k", "s"});
  std::int64_t read = f.bytes_read() - before;
  CHECK(t.num_rows() == 2000);
  CHECK(read == f.compressed_bytes(4, {"k", "s"}) + f.compressed_bytes(5, {"k", "s"}));
  // Every comparison, on numbers, strings and an all-null chunk.
  auto groups = [&](std::vector<ParquetFilter> filters) {
    std::vector<int> g;
    for (int i : all_groups(f))
      if (f.may_match(i, filters)) g.push_back(i);
    return g;
  };
  CHECK(groups({{"k", "==", 999}}) == std::vector<int>{0});
  CHECK(groups({{"k", ">", 8999}}) == std::vector<int>{9});
  CHECK(groups({{"k", "<=", 1000}}) == std::vector<int>{0, 1});
  CHECK(groups({{"k", "<", -1}}).empty());
  CHECK(groups({{"x", ">=", 2499.5}}) == std::vector<int>{9});
  CHECK(groups({{"n", ">", 0}}).size() == 9);  // group 0 holds only nulls
  CHECK(groups({{"s", "<", "name-"}}).empty());
  CHECK(groups({{"k", "!=", 3}}).size() == 10);
}
