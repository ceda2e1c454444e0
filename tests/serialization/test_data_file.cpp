// .shoal data files: round trips, header checks, truncation.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "random_values.h"
#include "shoal/data_file.h"

using namespace shoal;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("shoal-data-file-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::vector<char> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const fs::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("one table and many tables round-trip through a .shoal file") {
  TempDir dir;
  shoal::testing::RandomValues r(3);
  Table t = r.table(500);
  write_table(dir.path / "one.shoal", t);
  CHECK(read_table(dir.path / "one.shoal") == t);

  std::vector<Table> tables{Table(), r.table(10), r.table(1000), r.table(0)};
  write_tables(dir.path / "many.shoal", tables);
  auto back = read_tables(dir.path / "many.shoal");
  REQUIRE(back.size() == tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) CHECK(back[i] == tables[i]);
  CHECK_THROWS_WITH_AS(read_table(dir.path / "many.shoal"), doctest::Contains("holds 4 tables"),
                       DecodeError);

  // Nothing but the file itself is left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
  CHECK(files == 2);
}

TEST_CASE(
    "readers refuse wrong magic, newer versions, truncation, trailing bytes — naming the file") {
  TempDir dir;
  shoal::testing::RandomValues r(4);
  auto file = dir.path / "t.shoal";
  write_tables(file, {r.table(50), r.table(50)});
  auto good = slurp(file);
  auto bad = dir.path / "bad.shoal";

  auto refuse = [&](const std::vector<char>& bytes, const char* expected) {
    spit(bad, bytes);
    CHECK_THROWS_WITH_AS(read_tables(bad), doctest::Contains(expected), DecodeError);
    CHECK_THROWS_WITH_AS(read_tables(bad), doctest::Contains("bad.shoal"), DecodeError);
  };
  auto wrong_magic = good;
  wrong_magic[0] = 'X';
  refuse(wrong_magic, "wrong magic");
  auto newer = good;
  newer[8] = 2;
  refuse(newer, "newer");
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{16}, std::size_t{30},
                          good.size() / 2, good.size() - 8, good.size() - 1}) {
    refuse(std::vector<char>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut)),
           "bad.shoal");
  }
  auto trailing = good;
  trailing.resize(good.size() + 3);
  refuse(trailing, "trailing");
  CHECK_THROWS_AS(read_tables(dir.path / "missing.shoal"), Error);
}

TEST_CASE("in-memory data files") {
  shoal::testing::RandomValues r(8);
  std::vector<Table> tables{r.table(), r.table()};
  auto back = decode_data_file(encode_data_file(tables));
  REQUIRE(back.size() == 2);
  CHECK(back[0] == tables[0]);
  CHECK(back[1] == tables[1]);
}
