// read_csv: dialects, blocks cut inside quoted fields, inference, and the
// documented errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"

using namespace shoal;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  auto dir =
      std::filesystem::temp_directory_path() / ("shoal-csv-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = (dir / name).string();
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

Table read(const std::string& path, CsvOptions o = {}) {
  InlineExecutor ex;
  return read_csv(path, o).compute(ex);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("types are inferred with widening, nulls and BOM and CRLF handled") {
  auto p = write_file("basic.csv",
                      "\xEF\xBB\xBFi,f,s,b\r\n1,2,x,True\r\n-3,1e3,\"a,b\",False\r\n,NA,,true\r\n");
  Table t = read(p);
  REQUIRE(t.num_rows() == 3);
  CHECK(t.names() == std::vector<std::string>{"i", "f", "s", "b"});
  CHECK(t.column("i").type() == DataType::kInt64);
  CHECK(t.column("f").type() == DataType::kFloat64);
  CHECK(t.column("s").type() == DataType::kString);
  CHECK(t.column("b").type() == DataType::kBool);
  CHECK(t.column("i").int64s()[1] == -3);
  CHECK(t.column("f").float64s()[1] == 1000.0);
  CHECK(t.column("s").string_at(1) == "a,b");
  CHECK_FALSE(t.column("i").is_valid(2));
  CHECK_FALSE(t.column("f").is_valid(2));
  CHECK_FALSE(t.column("s").is_valid(2));
}

TEST_CASE("blocks cut inside quoted fields holding newlines give the same table") {
  std::string text = "k,v\n";
  for (int i = 0; i < 500; ++i) {
    text += "\"line " + std::to_string(i) + "\nstill \"\"quoted\"\", with comma\"," +
            std::to_string(i) + "\n";
  }
  auto p = write_file("quoted.csv", text);
  Table whole = read(p);
  REQUIRE(whole.num_rows() == 500);
  CHECK(whole.column("k").string_at(7) == "line 7\nstill \"quoted\", with comma");
  for (std::size_t bs : {7, 13, 64, 1000}) {
    CsvOptions o;
    o.blocksize = bs;
    auto df = read_csv(p, o);
    CHECK(df.npartitions() > 1);
    InlineExecutor ex;
    CHECK(df.compute(ex) == whole);
  }
}

TEST_CASE("usecols, dtypes, parse_dates, delimiter, na_values") {
  auto p = write_file("opts.csv", "a;b;when\n1;x;2024-03-01\n2;-;2024-03-02T12:00:00.5\n");
  CsvOptions o;
  o.delimiter = ';';
  o.usecols = {"a", "when"};
  o.dtypes = {{"a", DataType::kFloat64}};
  o.parse_dates = {"when"};
  Table t = read(p, o);
  CHECK(t.names() == std::vector<std::string>{"a", "when"});
  CHECK(t.column("a").type() == DataType::kFloat64);
  CHECK(t.column("when").type() == DataType::kTimestamp);
  CHECK(t.column("when").int64s()[0] == 1709251200LL * 1000000000LL);
  CHECK(t.column("when").int64s()[1] ==
        (1709251200LL + 86400 + 43200) * 1000000000LL + 500000000LL);
  CsvOptions na;
  na.delimiter = ';';
  na.na_values = std::vector<std::string>{"-"};
  CHECK(read(p, na).column("b").null_count() == 1);
}

TEST_CASE("a later block that disagrees names file, line, column, value and the fix") {
  std::string text = "id,x\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  text += "20000,abc\n";
  auto p = write_file("mismatch.csv", text);
  CsvOptions o;
  o.sample_bytes = 1024;
  std::string e = error_of([&] { read(p, o); });
  CHECK(e.find("mismatch.csv:20002") != std::string::npos);
  CHECK(e.find("column 'x'") != std::string::npos);
  CHECK(e.find("'abc'") != std::string::npos);
  CHECK(e.find("dtypes={\"x\": \"string\"}") != std::string::npos);
  o.dtypes = {{"x", DataType::kString}};
  CHECK(read(p, o).num_rows() == 20001);
}

TEST_CASE("ragged rows, unterminated quotes, missing, empty and header-only files") {
  auto ragged = write_file("ragged.csv", "a,b\n1,2\n3\n");
  CHECK(error_of([&] { read(ragged); }).find("ragged.csv:3: the row has 1 fields, expected 2") !=
        std::string::npos);
  auto more = write_file("more.csv", "a,b\n1,2,3\n");
  CHECK(error_of([&] { read(more); }).find("has 3 fields") != std::string::npos);
  auto open = write_file("open.csv", "a,b\n1,\"never closed\n2,3\n");
  CHECK(error_of([&] { read(open); }).find("unterminated quote") != std::string::npos);
  CHECK(error_of([&] { read_csv("/nonexistent/x.csv"); }).find("no such file") !=
        std::string::npos);
  auto empty = write_file("empty.csv", "");
  CHECK(error_of([&] { read_csv(empty); }).find("is empty") != std::string::npos);
  auto header = write_file("header.csv", "a,b\r\n");
  Table t = read(header);
  CHECK(t.num_rows() == 0);
  CHECK(t.names() == std::vector<std::string>{"a", "b"});
  CHECK(t.column("a").type() == DataType::kString);
}

TEST_CASE("globs read several files in order") {
  write_file("part-1.csv", "a\n1\n2\n");
  auto p2 = write_file("part-2.csv", "a\n3\n");
  auto dir = std::filesystem::path(p2).parent_path().string();
  Table t = read(dir + "/part-*.csv");
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("a").int64s()[2] == 3);
}
