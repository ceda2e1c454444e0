// Scan fusion: read_csv followed by row-local ops and a reduction runs as
// dataframe.csv_scan tasks that parse blocks a chunk at a time. Checked
// against the same work on the materialized table, on files large enough
// for several chunks per block and holding every CSV hazard: a BOM, CRLF,
// quoted fields with delimiters, doubled quotes and newlines, nulls,
// exponents, negative numbers, empty strings and non-ASCII keys.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "io/csv/decimal_batch.h"
#include "io/csv/reader.h"
#include "io/mapped_file.h"
#include "shoal/csv.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"

using namespace shoal;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() /
             ("shoal-csv-scan-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = (dir / name).string();
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// Runs graphs inline and remembers the ops of the last graph it ran.
class RecordingExecutor : public Executor {
 public:
  std::vector<Value> run(const Graph& g, std::span<const Key> outputs,
                         const RunOptions& o = {}) override {
    ops.clear();
    Graph culled = g.cull(outputs);
    for (const Task& t : culled.tasks()) ops.insert(t.op_name());
    return inline_.run(g, outputs, o);
  }
  std::string name() const override { return "recording"; }
  std::set<std::string> ops;

 private:
  InlineExecutor inline_;
};

// About 6 MB: three 2 MiB chunks in one block.
std::string hazardous_csv(int rows) {
  std::mt19937_64 rng(7);
  const char* keys[] = {"alpha", "\"q,uo\"\"te\"", "\"multi\r\nline\"", "k\xC3\xA9y", "", "NA", "b",
                        "c,d"};
  std::string text = "\xEF\xBB\xBFid,key,x,y,note\r\n";
  for (int i = 0; i < rows; ++i) {
    std::uint64_t r = rng();
    std::string key = keys[r % 8];
    if (key == "c,d") key = "\"c,d\"";
    std::string x = r % 97 == 0 ? "" : std::to_string(static_cast<double>(r % 100000) / 1e5);
    std::string y = r % 89 == 0 ? "NaN"
                                : (r % 5 == 0 ? "-1.5e" + std::to_string(r % 4)
                                              : std::to_string(-static_cast<double>(r % 777) / 7));
    text += std::to_string(i) + "," + key + "," + x + "," + y + ",\"n, " + std::to_string(r % 13) +
            "\"\r\n";
  }
  return text;
}

void check_same(const Table& a, const Table& b) {
  REQUIRE(a.names() == b.names());
  REQUIRE(a.num_rows() == b.num_rows());
  for (std::size_t c = 0; c < a.num_columns(); ++c) {
    const Column& x = a.column(c);
    const Column& y = b.column(c);
    REQUIRE(x.type() == y.type());
    for (std::size_t r = 0; r < a.num_rows(); ++r) {
      REQUIRE(x.is_valid(r) == y.is_valid(r));
      if (!x.is_valid(r)) continue;
      if (x.type() == DataType::kFloat64) {
        double u = x.float64s()[r], v = y.float64s()[r];
        CHECK(std::abs(u - v) <= 1e-9 * std::max(1.0, std::abs(v)));
      } else if (x.type() == DataType::kString) {
        CHECK(x.string_at(r) == y.string_at(r));
      } else {
        CHECK(x.int64s()[r] == y.int64s()[r]);
      }
    }
  }
}

// The error of a fused groupby(key) sum(x) over `body` (types inferred
// from its first 4 KiB), or "" when it runs.
std::string groupby_error(const std::string& name, const std::string& body) {
  CsvOptions o;
  o.sample_bytes = 4096;
  DataFrame df = read_csv(write_file(name, body), o);
  InlineExecutor ex;
  try {
    df.groupby({"key"}).agg({{"x", "sum"}}).compute(ex);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("fused scans give what the materialized table gives") {
  auto path = write_file("hazards.csv", hazardous_csv(120000));
  InlineExecutor inline_ex;
  RecordingExecutor ex;
  for (std::size_t blocksize : {std::size_t{64} << 20, std::size_t{1} << 20}) {
    CsvOptions o;
    o.blocksize = blocksize;
    DataFrame df = read_csv(path, o);
    Table whole = df.compute(ex);
    CHECK(ex.ops.count("dataframe.csv_scan") == 0);  // nothing to fuse
    REQUIRE(whole.num_rows() == 120000);
    DataFrame ref = DataFrame::from_tables({whole});

    Table g = df.groupby({"key"})
                  .agg({{"x", "mean"}, {"y", "sum"}, {"x", "count"}, {"y", "min"}})
                  .compute(ex);
    CHECK(ex.ops.count("dataframe.csv_scan") == 1);
    CHECK(ex.ops.count("dataframe.csv_block") == 0);
    CHECK(ex.ops.count("dataframe.csv_count") == 0);
    check_same(g, ref.groupby({"key"})
                      .agg({{"x", "mean"}, {"y", "sum"}, {"x", "count"}, {"y", "min"}})
                      .compute(inline_ex));

    // An aggregation of the key column itself: not grouped while parsing.
    check_same(
        df.groupby({"key"}).agg({{"key", "count", "n"}, {"x", "first"}, {"x", "last"}}).compute(ex),
        ref.groupby({"key"})
            .agg({{"key", "count", "n"}, {"x", "first"}, {"x", "last"}})
            .compute(inline_ex));
    check_same(df.groupby({"key"}).agg({{"x", "var"}, {"y", "nunique"}, {"x", "max"}}).compute(ex),
               ref.groupby({"key"})
                   .agg({{"x", "var"}, {"y", "nunique"}, {"x", "max"}})
                   .compute(inline_ex));

    CHECK(df[df["x"] > 0.5].size(ex) == ref[ref["x"] > 0.5].size(inline_ex));
    CHECK(ex.ops.count("dataframe.csv_scan") == 1);

    Table lookup_t =
        read_csv(write_file("lookup.csv", "key,w\nalpha,2\nb,3\n\"c,d\",-1\n")).compute(inline_ex);
    DataFrame lookup = DataFrame::from_tables({lookup_t});
    auto joined = [&](const DataFrame& d) {
      DataFrame m = merge(d, lookup, {.on = {"key"}});
      return m.assign("z", m["y"] * m["w"]).groupby({"key"}).agg({{"z", "sum"}});
    };
    check_same(joined(df).compute(ex), joined(ref).compute(inline_ex));
    CHECK(ex.ops.count("dataframe.csv_scan") == 1);

    // Row-local steps without a reduction: the chunks' rows, concatenated in order.
    DataFrame picked = df[df["y"] < 0].select({"id", "key"});
    check_same(picked.compute(ex), ref[ref["y"] < 0].select({"id", "key"}).compute(inline_ex));
    CHECK(ex.ops.count("dataframe.csv_scan") == 1);
  }
}

TEST_CASE("records longer than a chunk's read-ahead straddle chunk ends and leave no trace") {
  // Chunks are read with 64 KiB to spare (csv_scan_op.cpp); a longer record
  // across a chunk's end is parsed again from the mapping. One long unquoted
  // key, the last field, is cut by the read-ahead into a whole-looking
  // record; one long quoted field would be unterminated there.
  const std::string header = "id,x,note,key\n";
  std::string text = header;
  auto normal = [&](int i) {
    text += std::to_string(i) + "," + std::to_string(i % 100) + ".25,n,k" + std::to_string(i % 5) +
            "\n";
  };
  int i = 0;
  for (std::size_t chunk_end : {std::size_t{2} << 20, std::size_t{4} << 20}) {
    while (text.size() - header.size() < chunk_end - 1000) normal(i++);
    std::string big(100000, chunk_end == (std::size_t{2} << 20) ? 'L' : 'Q');
    if (big[0] == 'L')
      text += std::to_string(i++) + ",1.5,n," + big + "\n";
    else
      text += std::to_string(i++) + ",1.5,\"" + big + ",\n" + big + "\",k1\n";
  }
  for (int k = 0; k < 1000; ++k) normal(i++);
  auto path = write_file("long-records.csv", text);
  InlineExecutor inline_ex;
  RecordingExecutor ex;
  DataFrame df = read_csv(path);
  DataFrame ref = DataFrame::from_tables({df.compute(inline_ex)});
  auto query = [](const DataFrame& d) {
    return d.groupby({"key"}).agg({{"x", "sum"}, {"id", "count"}});
  };
  Table got = query(df).compute(ex);
  CHECK(ex.ops.count("dataframe.csv_scan") == 1);
  CHECK(got.num_rows() == 6);  // k0..k4 and the long key, nothing cut short
  check_same(got, query(ref).compute(inline_ex));
  check_same(df[df["x"] > 50].select({"id", "key", "note"}).compute(ex),
             ref[ref["x"] > 50].select({"id", "key", "note"}).compute(inline_ex));
}

TEST_CASE("fused scans that guess a block's ends wrongly are checked and scanned again") {
  // A fused scan cuts its block as if both ends lay outside quotes, without
  // the file's quote counts; a check compares with the true cut. Here block
  // ends fall inside quoted fields whose lines read, from a wrong cut, as
  // records of the right width and types: parsed without an error, they
  // would add rows.
  std::string text = "id,text,x\n";
  for (int i = 0; i < 400; ++i) {
    std::string payload = "a\n";
    for (int k = 0; k < 1 + i % 7; ++k) payload += "1,2,3\n";
    payload += "4,5";  // from a wrong cut: 4 | 5" | x, a record
    text += std::to_string(i) + ",\"" + payload + "\"," + std::to_string(i % 10) + ".5\n";
    if (i % 3 == 0) text += std::to_string(i) + ",plain," + std::to_string(i % 4) + ".25\n";
  }
  auto path = write_file("guesses.csv", text);
  InlineExecutor inline_ex;
  RecordingExecutor ex;
  for (std::size_t blocksize : {std::size_t{997}, std::size_t{4096}, std::size_t{1} << 20}) {
    CsvOptions o;
    o.blocksize = blocksize;
    DataFrame df = read_csv(path, o);
    Table whole = df.compute(inline_ex);  // unfused: blocks cut by the counts
    REQUIRE(whole.num_rows() == 400 + 134);
    DataFrame ref = DataFrame::from_tables({whole});
    INFO("blocksize " << blocksize);
    CHECK(df[df["x"] > 4].size(ex) == ref[ref["x"] > 4].size(inline_ex));
    CHECK(ex.ops.count("dataframe.csv_scan_check") == 1);
    CHECK(ex.ops.count("dataframe.csv_count") == 0);  // the file is read once
    check_same(df[df["x"] < 3].select({"id", "text"}).compute(ex),
               ref[ref["x"] < 3].select({"id", "text"}).compute(inline_ex));
    check_same(df.groupby({"text"}).agg({{"x", "sum"}, {"id", "count"}}).compute(ex),
               ref.groupby({"text"}).agg({{"x", "sum"}, {"id", "count"}}).compute(inline_ex));
  }
}

TEST_CASE("block ends are guessed inside quotes from the quotes on their line") {
  // Single-line quoted fields, with delimiters and empty ones: the guess is
  // the truth at every offset. (Guessing "outside" everywhere scanned a
  // block again whenever its end fell inside any quoted field.)
  std::string text = "id,key,x\n";
  for (int i = 0; i < 300; ++i) {
    text += std::to_string(i) + ",\"k," + std::to_string(i % 7) + "\"," + (i % 5 ? "\"\"" : "1.5") +
            (i % 3 ? "\r\n" : "\n");
  }
  const std::size_t data_offset = text.find('\n') + 1;
  detail::MappedFile f(write_file("guess.csv", text));
  int quotes = 0;
  for (std::size_t at = data_offset; at < text.size(); ++at) {
    INFO("offset " << at);
    CHECK(detail::guess_in_quotes(f, at, data_offset, '"') == (quotes % 2 == 1));
    quotes += text[at] == '"';
  }
  // Lines longer than the reach: guessed outside.
  const std::size_t inside = text.find("\"k,", data_offset) + 2;
  CHECK(detail::guess_in_quotes(f, inside, data_offset, '"', 64));
  CHECK_FALSE(detail::guess_in_quotes(f, inside, data_offset, '"', 2));
  CHECK_FALSE(detail::guess_in_quotes(f, data_offset, data_offset, '"'));
  CHECK_FALSE(detail::guess_in_quotes(f, text.size(), data_offset, '"'));
}

TEST_CASE("count_char counts as std::count does") {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = round < 100 ? rng() % 200 : rng() % 20000;
    const int percent = static_cast<int>(rng() % 101);
    std::string s(n, 'a');
    for (char& c : s) c = static_cast<int>(rng() % 100) < percent ? '"' : 'a';
    const std::size_t from = n ? rng() % n : 0;
    std::string_view v(s.data() + from, n - from);
    INFO("size " << v.size() << " percent " << percent);
    CHECK(detail::count_char(v, '"') == std::count(v.begin(), v.end(), '"'));
  }
  std::string all(64 * 63 * 3 + 17, '"');  // every byte lane at its limit
  CHECK(detail::count_char(all, '"') == static_cast<std::int64_t>(all.size()));
}

TEST_CASE("quoted fields and CRLF read as plain ones, numbers included, fused or not") {
  // The same rows written as pandas does (LF), with CRLF, and with every
  // field quoted: the fast path takes all three and must give one table.
  std::mt19937_64 rng(9);
  std::string lf = "id,key,x,n\n", crlf = "id,key,x,n\r\n",
              quoted = "\"id\",\"key\",\"x\",\"n\"\r\n";
  for (int i = 0; i < 60000; ++i) {
    const std::uint64_t r = rng();
    const std::string key = "key_" + std::to_string(r % 113),
                      x = std::to_string(static_cast<double>(r % 10007) / 100);
    const std::string n = std::to_string(static_cast<std::int64_t>(r % 2001) - 1000);
    lf += std::to_string(i) + "," + key + "," + x + "," + n + "\n";
    crlf += std::to_string(i) + "," + key + "," + x + "," + n + "\r\n";
    quoted += "\"" + std::to_string(i) + "\",\"" + key + "\",\"" + x + "\",\"" + n + "\"\r\n";
  }
  InlineExecutor inline_ex;
  RecordingExecutor ex;
  CsvOptions o;
  o.blocksize = 256 << 10;  // block ends inside quoted fields
  Table want = read_csv(write_file("plain.csv", lf), o).compute(inline_ex);
  REQUIRE(want.num_rows() == 60000);
  CHECK(want.column("x").type() == DataType::kFloat64);
  CHECK(want.column("n").type() == DataType::kInt64);
  DataFrame ref = DataFrame::from_tables({want});
  auto query = [](const DataFrame& d) {
    return d.groupby({"key"}).agg({{"x", "sum"}, {"n", "sum"}, {"id", "count"}});
  };
  for (const auto& [name, text] : {std::pair{"crlf.csv", crlf}, std::pair{"quoted.csv", quoted}}) {
    INFO(name);
    DataFrame df = read_csv(write_file(name, text), o);
    check_same(df.compute(inline_ex), want);
    check_same(query(df).compute(ex), query(ref).compute(inline_ex));
    CHECK(ex.ops.count("dataframe.csv_scan") == 1);
    CHECK(df[df["x"] > 50].size(ex) == ref[ref["x"] > 50].size(inline_ex));
  }
}

TEST_CASE("errors after quoted CRLF records name the true line") {
  std::string text = "id,key,x\r\n";
  for (int i = 0; i < 100000; ++i) {
    text += std::to_string(i) + ",\"k," + std::to_string(i % 7) + "\",\"" + std::to_string(i) +
            ".5\"\r\n";
  }
  CHECK(groupby_error("qragged.csv", text + "100000,\"k,1\"\r\n" + text.substr(10))
            .find("qragged.csv:100002: the row has 2 fields, expected 3") != std::string::npos);
  CHECK(groupby_error("qtyped.csv", text + "100000,\"k,1\",\"abc\"\r\n")
            .find("qtyped.csv:100002: column 'x'") != std::string::npos);
  CHECK(groupby_error("qopen.csv", text + "100000,\"k,1\",\"1.5\r\n")
            .find("qopen.csv:100002: unterminated quote") != std::string::npos);
}

TEST_CASE("a block that two tasks read is parsed once, unfused") {
  auto path = write_file("shared.csv", "k,v\na,1\nb,2\na,3\n");
  DataFrame df = read_csv(path);
  RecordingExecutor ex;
  // The right side is a projection of the same blocks: each block has two readers.
  DataFrame m = merge(df, df.rename({{"v", "w"}}), {.on = {"k"}});
  Table t = m.assign("z", m["v"] * m["w"]).groupby({"k"}).agg({{"z", "sum"}}).compute(ex);
  CHECK(ex.ops.count("dataframe.csv_scan") == 0);
  CHECK(ex.ops.count("dataframe.csv_block") == 1);
  REQUIRE(t.num_rows() == 2);
  CHECK(t.column("z").int64s()[0] == 1 * 1 + 1 * 3 + 3 * 1 + 3 * 3);
  CHECK(t.column("z").int64s()[1] == 4);
}

TEST_CASE("errors from fused scans name the file and the true line") {
  std::string text = "id,key,x\n";
  for (int i = 0; i < 200000; ++i)
    text += std::to_string(i) + ",k" + std::to_string(i % 7) + "," + std::to_string(i) + ".5\n";
  std::string ragged = text + "200000,k1\n";
  std::string typed = text + "200000,k1,abc\n";
  CHECK(groupby_error("ragged.csv", ragged)
            .find("ragged.csv:200002: the row has 2 fields, expected 3") != std::string::npos);
  std::string e = groupby_error("typed.csv", typed);
  CHECK(e.find("typed.csv:200002: column 'x'") != std::string::npos);
  CHECK(e.find("dtypes={\"x\": \"string\"}") != std::string::npos);
}

TEST_CASE("a batch of split records reports its first bad field in record order") {
  // Fields are converted a column at a time within a batch: the bad y of
  // line 5 must be reported, not the bad x of line 6 met first.
  std::string text = "x,y\n1.5,2.5\n1.5,2.5\n1.5,2.5\n1.5,oops\nnope,2.5\n";
  for (int i = 0; i < 50; ++i) text += "1.5,2.5\n";  // the splitter needs 64 bytes after a record
  CsvOptions o;
  o.dtypes = {{"x", DataType::kFloat64}, {"y", DataType::kFloat64}};
  InlineExecutor ex;
  std::string e;
  try {
    read_csv(write_file("order.csv", text), o).compute(ex);
  } catch (const std::exception& x) {
    e = x.what();
  }
  CHECK(e.find("order.csv:5: column 'y'") != std::string::npos);
}

TEST_CASE("a null marker that is a number still makes a null on the fast path") {
  std::string text = "x,y\n";
  for (int i = 0; i < 100; ++i)
    text += std::to_string(i % 3) + ".5," + (i % 4 ? "0" : "0.25") + "\n";
  CsvOptions o;
  o.na_values = std::vector<std::string>{"0", "2.5"};
  o.dtypes = {{"x", DataType::kFloat64}, {"y", DataType::kFloat64}};
  InlineExecutor ex;
  Table t = read_csv(write_file("markers.csv", text), o).compute(ex);
  REQUIRE(t.num_rows() == 100);
  CHECK(t.column("y").null_count() == 75);
  CHECK(t.column("x").null_count() == 33);
  CHECK(t.column("x").float64s()[1] == 1.5);
  CHECK(t.column("y").float64s()[0] == 0.25);
}

TEST_CASE("decimals parse to the double strtod gives") {
  std::mt19937_64 rng(11);
  std::string text = "v\n";
  std::vector<std::string> values;
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t r = rng();
    int digits = 1 + static_cast<int>(r % 18), point = static_cast<int>((r >> 8) % (digits + 1));
    std::string s = (r >> 16) % 3 == 0 ? "-" : "";
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) s += '.';
      s += static_cast<char>('0' + (rng() % 10));
    }
    if ((r >> 20) % 11 == 0) s += "e-" + std::to_string((r >> 24) % 30);
    values.push_back(s);
    text += s + "\n";
  }
  InlineExecutor ex;
  for (bool vector :
       {true, false}) {  // the vector batch path (where the CPU has it) and the word-at-a-time one
    if (!detail::use_vector_numbers(vector)) continue;
    INFO((vector ? "vector path" : "scalar path"));
    Table t = read_csv(write_file("decimals.csv", text)).compute(ex);
    REQUIRE(t.column("v").type() == DataType::kFloat64);
    for (std::size_t i = 0; i < values.size(); ++i) {
      double want = std::strtod(values[i].c_str(), nullptr);
      INFO(values[i]);
      CHECK(t.column("v").float64s()[i] == want);
      CHECK(std::signbit(t.column("v").float64s()[i]) == std::signbit(want));
    }
  }
  detail::use_vector_numbers(true);
}

TEST_CASE("the structural fast path and the byte-wise scanner agree field by field") {
  // Records of every length (empty fields to 300 bytes, past the splitter's
  // four windows), some quoted with delimiters, quotes and newlines, some
  // ending in CRLF, so that the two paths alternate.
  std::mt19937_64 rng(3);
  std::vector<std::vector<std::string>> want;
  std::string text = "a,b,c,d\n";
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::string> row;
    for (int c = 0; c < 4; ++c) {
      std::uint64_t r = rng();
      std::size_t len = r % 7 == 0 ? 60 + r % 240 : r % 12;
      std::string v;
      for (std::size_t k = 0; k < len; ++k) v += static_cast<char>('a' + (rng() % 26));
      if (c == 0) v = "r" + v;  // never null, never blank
      bool quoted = (r >> 8) % 23 == 0;
      if (quoted) v += ",\"\n";
      row.push_back(v);
      std::string field = v;
      if (quoted) {
        field = "\"";
        for (char ch : v) field += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        field += "\"";
      }
      text += (c ? "," : "") + field;
    }
    text += rng() % 19 == 0 ? "\r\n" : "\n";
    want.push_back(row);
  }
  CsvOptions o;
  o.na_values = std::vector<std::string>{};
  o.dtypes = {{"a", DataType::kString},
              {"b", DataType::kString},
              {"c", DataType::kString},
              {"d", DataType::kString}};
  InlineExecutor ex;
  Table t = read_csv(write_file("paths.csv", text), o).compute(ex);
  REQUIRE(t.num_rows() == want.size());
  for (std::size_t r = 0; r < want.size(); ++r) {
    for (std::size_t c = 0; c < 4; ++c) {
      INFO("row " << r << " column " << c);
      REQUIRE(t.column(c).string_at(r) == want[r][c]);
    }
  }
}
