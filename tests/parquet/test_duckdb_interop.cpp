// Interoperability with DuckDB (its Node.js package, pinned): DuckDB writes
// files over every codec x {dictionary, plain} x {V1, V2} x {nulls, none},
// and Shoal reads each equal to DuckDB's own reading; Shoal writes the same
// combinations and DuckDB reads each equal to the table Shoal wrote.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <set>

#include "duckdb_peer.h"
#include "parquet_testing.h"
#include "shoal/error.h"
#include "shoal/parquet.h"

using namespace shoal;
using nlohmann::json;

namespace {

const char* kCodecs[] = {"uncompressed", "snappy", "gzip", "zstd", "lz4_raw", "brotli"};

// Columns DuckDB writes: every type Shoal maps, with the values writers get
// wrong. `i` runs over 5000 rows.
const std::pair<const char*, const char*> kColumns[] = {
    {"i64",
     "CASE i % 5 WHEN 0 THEN -9223372036854775808 WHEN 1 THEN 9223372036854775807 "
     "ELSE i * 1000003 - 7 END::BIGINT"},
    {"i32", "CASE i % 4 WHEN 0 THEN -2147483648 WHEN 1 THEN 2147483647 ELSE i - 1000 END::INTEGER"},
    {"i16", "(i % 65536 - 32768)::SMALLINT"},
    {"i8", "(i % 256 - 128)::TINYINT"},
    {"u8", "(i % 256)::UTINYINT"},
    {"u16", "(i * 13 % 65536)::USMALLINT"},
    {"u32", "CASE WHEN i % 3 = 0 THEN 4294967295 ELSE i END::UINTEGER"},
    {"u64", "CASE WHEN i % 3 = 0 THEN 9223372036854775807 ELSE i END::UBIGINT"},
    {"f32",
     "CASE i % 6 WHEN 0 THEN 'NaN'::FLOAT WHEN 1 THEN '-0.0'::FLOAT WHEN 2 THEN 'inf'::FLOAT "
     "WHEN 3 THEN 3.4e38::FLOAT ELSE (i / 7.0)::FLOAT END"},
    {"f64",
     "CASE i % 8 WHEN 0 THEN 'NaN'::DOUBLE WHEN 1 THEN '-0.0'::DOUBLE WHEN 2 THEN "
     "'-inf'::DOUBLE WHEN 3 THEN 1e308 WHEN 4 THEN 5e-324 WHEN 5 THEN 0.0 ELSE i / 3.0 END"},
    {"s",
     "CASE i % 5 WHEN 0 THEN '' WHEN 1 THEN 'Zürich' WHEN 2 THEN '漢字🙂' "
     "ELSE 'k' || (i % 13)::VARCHAR END"},
    {"u", "'unique-' || (i * 2654435761 % 1000003)::VARCHAR"},
    {"b", "(i % 3 = 0)"},
    {"e", "(['sad', 'ok', 'happy'])[i % 3 + 1]::mood"},
    {"d", "DATE '1969-12-31' + (i - 2500)::INTEGER"},
    {"ts", "TIMESTAMP '1969-12-31 23:59:59.999999' + to_microseconds(i * 1000003 - 2000000000)"},
    {"ts_ms", "(TIMESTAMP '1960-01-01 00:00:00.123' + to_milliseconds(i * 17))::TIMESTAMP_MS"},
    {"ts_ns", "(TIMESTAMP '1950-06-01 12:00:00' + to_microseconds(i))::TIMESTAMP_NS"},
    {"ts_tz", "(TIMESTAMP '2001-02-03 04:05:06' + to_seconds(i))::TIMESTAMPTZ"},
    {"dec9", "((i * 12345 - 5000000) / 100)::DECIMAL(9,2)"},
    {"dec18", "(i * 1234567.8912 - 1e9)::DECIMAL(18,4)"},
    {"dec38", "(i * 98765432109.0123456789 - 1e12)::DECIMAL(38,10)"},
    {"uuid", "('8fd1cf2a-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID"},
};

std::string select_sql(bool nulls) {
  std::string s = "SELECT ";
  int k = 0;
  for (const auto& [name, expr] : kColumns) {
    if (k) s += ", ";
    std::string e = expr;
    if (nulls) e = "CASE WHEN (i + " + std::to_string(k) + ") % 7 = 0 THEN NULL ELSE " + e + " END";
    s += e + " AS " + name;
    ++k;
  }
  return s + " FROM range(5000) t(i)";
}

// Shoal's value as DuckDB's dump writes it; nullopt for null.
std::optional<std::string> text_of(const Column& c, std::size_t r) {
  if (!c.is_valid(r)) return std::nullopt;
  switch (c.type()) {
    case DataType::kBool:
      return c.bools()[r] ? "true" : "false";
    case DataType::kInt64:
    case DataType::kTimestamp:
      return std::to_string(c.int64s()[r]);
    case DataType::kString:
      return std::string(c.string_at(r));
    case DataType::kFloat64:
      return std::string();  // compared as numbers
  }
  return std::nullopt;
}

bool same_double(double shoal, const std::string& duck, bool decimal) {
  double d = std::strtod(duck.c_str(), nullptr);
  if (std::isnan(d) || std::isnan(shoal)) return std::isnan(d) && std::isnan(shoal);
  if (decimal) return std::abs(d - shoal) <= 1e-15 * std::abs(d);  // docs/parquet.md: ≤ 1 ulp
  return std::memcmp(&d, &shoal, sizeof d) == 0;                   // -0.0 is not +0.0
}

DataType expected_type(const std::string& duck) {
  if (duck == "BOOLEAN") return DataType::kBool;
  if (duck == "FLOAT" || duck == "DOUBLE" || duck.starts_with("DECIMAL")) return DataType::kFloat64;
  if (duck == "VARCHAR" || duck == "UUID" || duck.starts_with("ENUM")) return DataType::kString;
  if (duck == "DATE" || duck.starts_with("TIMESTAMP")) return DataType::kTimestamp;
  return DataType::kInt64;
}

// Shoal's table equals DuckDB's dump of the same file, column by column.
void check_equal(const Table& t, const json& dump) {
  const auto& names = dump["columns"];
  REQUIRE(t.num_columns() == names.size());
  REQUIRE(t.num_rows() == dump["rows"].size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::string name = names[c];
    std::string type = dump["types"][c];
    CAPTURE(name);
    CAPTURE(type);
    REQUIRE(t.names()[c] == name);
    const Column& col = t.column(c);
    CHECK(col.type() == expected_type(type));
    std::size_t bad = 0;
    for (std::size_t r = 0; r < t.num_rows(); ++r) {
      const json& want = dump["rows"][r][c];
      auto got = text_of(col, r);
      bool ok;
      if (want.is_null())
        ok = !got;
      else if (!got)
        ok = false;
      else if (col.type() == DataType::kFloat64)
        ok = same_double(col.float64s()[r], want.get<std::string>(), type.starts_with("DECIMAL"));
      else
        ok = *got == want.get<std::string>();
      if (!ok && bad++ < 3) {
        INFO("row " << r << ": DuckDB " << want.dump() << ", Shoal "
                    << (got ? (col.type() == DataType::kFloat64 ? std::to_string(col.float64s()[r])
                                                                : *got)
                            : "null"));
        CHECK(ok);
      }
    }
    CHECK(bad == 0);
  }
}

}  // namespace

TEST_CASE("Shoal reads what DuckDB writes, over codecs, dictionaries, versions and nulls") {
  auto dir = testing::scratch_dir("duckdb-writes");
  json job = {
      {"setup", {"SET TimeZone = 'UTC'", "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')"}}};
  std::vector<std::string> paths;
  for (const char* codec : kCodecs)
    for (bool dict : {true, false})
      for (const char* version : {"V1", "V2"})
        for (bool nulls : {false, true}) {
          std::string path = (dir / (std::string(codec) + (dict ? "-dict-" : "-plain-") + version +
                                     (nulls ? "-nulls" : "") + ".parquet"))
                                 .string();
          std::string options = std::string("COMPRESSION ") + codec + ", PARQUET_VERSION " +
                                version + ", ROW_GROUP_SIZE 2048";
          if (!dict) options += ", DICTIONARY_SIZE_LIMIT 1";
          job["writes"].push_back(
              {{"select", select_sql(nulls)}, {"path", path}, {"options", options}});
          job["dumps"].push_back(path);
          paths.push_back(path);
        }
  json out = testing::run_duckdb(job, dir);
  std::set<std::string> encodings;
  for (const auto& path : paths) {
    CAPTURE(path);
    const json& dump = out[path];
    for (const auto& [col, list] : dump["encodings"].items())
      for (const auto& e : list) encodings.insert(e.get<std::string>());
    check_equal(read_parquet_table(path), dump);
  }
  CHECK(paths.size() == 48);
  // The combinations above really exercised these encodings.
  for (const char* e : {"PLAIN", "PLAIN_DICTIONARY", "RLE_DICTIONARY", "DELTA_BINARY_PACKED",
                        "DELTA_LENGTH_BYTE_ARRAY", "BYTE_STREAM_SPLIT"}) {
    CAPTURE(e);
    CHECK(encodings.count(e) == 1);
  }
}

TEST_CASE("DuckDB reads what Shoal writes, over codecs, dictionaries, versions and nulls") {
  auto dir = testing::scratch_dir("shoal-writes");
  const ParquetCompression codecs[] = {ParquetCompression::kNone,   ParquetCompression::kSnappy,
                                       ParquetCompression::kGzip,   ParquetCompression::kZstd,
                                       ParquetCompression::kLz4Raw, ParquetCompression::kBrotli};
  json job;
  std::vector<std::pair<std::string, Table>> files;
  std::set<std::string> encodings;
  for (auto codec : codecs)
    for (bool dict : {true, false})
      for (int version : {1, 2})
        for (bool nulls : {false, true}) {
          ParquetWriteOptions o;
          o.compression = codec;
          o.dictionary = dict;
          o.data_page_version = version;
          o.row_group_size = 1000;
          o.page_size = 8192;
          Table t = testing::tricky_table(2500, nulls);
          std::string path = (dir / ("f" + std::to_string(files.size()) + ".parquet")).string();
          std::ofstream(path, std::ios::binary) << write_parquet_bytes(t, o);
          job["dumps"].push_back(path);
          files.emplace_back(path, t);
        }
  json out = testing::run_duckdb(job, dir);
  for (const auto& [path, t] : files) {
    CAPTURE(path);
    for (const auto& [col, list] : out[path]["encodings"].items())
      for (const auto& e : list) encodings.insert(e.get<std::string>());
    check_equal(t, out[path]);
  }
  CHECK(files.size() == 48);
  CHECK(encodings.count("RLE_DICTIONARY") == 1);
  CHECK(encodings.count("PLAIN") == 1);
}

TEST_CASE("nested columns are refused by name; the flat ones still read") {
  auto dir = testing::scratch_dir("nested");
  std::string path = (dir / "nested.parquet").string();
  json job = {{"writes",
               {{{"select",
                  "SELECT i AS id, {'a': i, 'b': 'x'} AS point, [i, i + 1] AS pair "
                  "FROM range(10) t(i)"},
                 {"path", path}}}}};
  testing::run_duckdb(job, dir);
  CHECK_THROWS_WITH_AS(read_parquet_table(path), doctest::Contains("column 'point'"), Error);
  CHECK_THROWS_WITH_AS(read_parquet_table(path, {"pair"}), doctest::Contains("column 'pair'"),
                       Error);
  Table t = read_parquet_table(path, {"id"});
  CHECK(t.num_rows() == 10);
  CHECK(t.column(0).int64s()[9] == 9);
}

TEST_CASE("DuckDB's statistics prune row groups as Shoal's do") {
  auto dir = testing::scratch_dir("duckdb-stats");
  std::string path = (dir / "sorted.parquet").string();
  json job = {{"writes",
               {{{"select",
                  "SELECT i::INTEGER AS k, 'name-' || lpad(i::VARCHAR, 5, '0') AS s, "
                  "CASE WHEN i < 2048 THEN NULL ELSE i::BIGINT END AS n "
                  "FROM range(10240) t(i)"},
                 {"path", path},
                 {"options", "ROW_GROUP_SIZE 2048"}}}}};
  testing::run_duckdb(job, dir);
  ParquetFile f(path);
  REQUIRE(f.info().row_group_rows.size() == 5);
  auto groups = [&](std::vector<ParquetFilter> filters) {
    std::vector<int> g;
    for (int i = 0; i < 5; ++i)
      if (f.may_match(i, filters)) g.push_back(i);
    return g;
  };
  CHECK(groups({{"k", ">=", 4096}, {"k", "<", 6000}}) == std::vector<int>{2});  // INT32 stats
  CHECK(groups({{"s", ">", "name-08191"}}) == std::vector<int>{4});             // string stats
  CHECK(groups({{"n", "<", 5000}}) == std::vector<int>{1, 2});  // group 0 is all null
  ParquetReadOptions o;
  o.blocksize = 1;
  o.filters = {{"k", ">=", 4096}, {"k", "<", 6000}};
  DataFrame df = read_parquet(path, o);
  CHECK(df.npartitions() == 1);
  CHECK(df.compute().num_rows() == 6000 - 4096);
}
