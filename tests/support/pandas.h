// Helpers for tests that compare DataFrame results with pandas (Debian's
// /usr/bin/python3): a generated CSV that exercises every parsing rule, a
// driver runner, and cell formatting both sides agree on.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "shoal/table.h"

namespace shoal::test {

inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("shoal-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// A CSV "id,key,x,y" with nulls, negative numbers, exponents, quoted fields
/// holding commas and newlines, CRLF, empty strings and non-ASCII keys;
/// deterministic for a seed.
inline std::string generate_csv(unsigned seed, int rows) {
  std::mt19937_64 rng(seed);
  const char* keys[] = {"alpha", "\"b,eta\"", "\"ga\nmma\"", "Zürich",
                        "日本",  "\"\"",      "delta",       "a"};
  std::string out = "id,key,x,y\r\n";
  for (int i = 0; i < rows; ++i) {
    out += std::to_string(i) + ",";
    out += keys[rng() % 8];
    out += ",";
    switch (rng() % 6) {
      case 0:
        out += "";
        break;
      case 1:
        out += "-" + std::to_string(rng() % 1000) + ".25e-2";
        break;
      case 2:
        out += std::to_string(rng() % 100) + "E1";
        break;
      default:
        out += std::to_string(static_cast<double>(rng() % 100000) / 1000.0 - 20);
        break;
    }
    out += ",";
    out += (rng() % 9 == 0) ? "NA" : std::to_string(static_cast<std::int64_t>(rng() % 200) - 100);
    out += (i % 3 == 0) ? "\r\n" : "\n";
  }
  return out;
}

inline std::string escape_newlines(std::string_view s) {
  std::string o;
  for (char c : s) o += c == '\n' ? std::string("\\n") : std::string(1, c);
  return o;
}

/// A cell as the drivers print it: "nan" for nulls, floats with 17 digits.
inline std::string cell(const Column& c, std::size_t i) {
  if (!c.is_valid(i)) return "nan";
  char buf[64];
  switch (c.type()) {
    case DataType::kFloat64:
      std::snprintf(buf, sizeof buf, "%.17g", c.float64s()[i]);
      return buf;
    case DataType::kString:
      return escape_newlines(c.string_at(i));
    case DataType::kBool:
      return c.bools()[i] ? "True" : "False";
    default:
      return std::to_string(c.int64s()[i]);
  }
}

using Lines = std::map<std::string, std::vector<std::string>>;

/// Adds "query\tkey" → cells for each row of t (the first column is the
/// key when keyed; else the key is the row number when numbered, or empty).
inline void add_lines(Lines& out, const std::string& q, const Table& t, bool keyed,
                      bool numbered = false) {
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    std::string k = q + "\t" + (keyed ? cell(t.column(0), r) : numbered ? std::to_string(r) : "");
    for (std::size_t c = keyed ? 1 : 0; c < t.num_columns(); ++c)
      out[k].push_back(cell(t.column(c), r));
  }
}

/// Whether two printed cells agree: equal text, or numbers within 1e-9
/// relative, or both NaN.
inline bool close_enough(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* ea;
  char* eb;
  double x = std::strtod(a.c_str(), &ea), y = std::strtod(b.c_str(), &eb);
  if (*ea || *eb) return false;
  if (std::isnan(x) && std::isnan(y)) return true;
  return std::fabs(x - y) <= 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)});
}

inline bool have_pandas() {
  return std::filesystem::exists("/usr/bin/python3");
}

/// Runs `script` with /usr/bin/python3 and `args`; parses its output lines
/// "query\tkey\tcells..." into Lines. Fails the test when python fails.
inline Lines run_pandas(const std::string& script, const std::string& args) {
  auto driver = temp_dir("pandas") / "driver.py";
  std::ofstream(driver) << script;
  FILE* p = ::popen(("/usr/bin/python3 " + driver.string() + " " + args).c_str(), "r");
  REQUIRE(p);
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  Lines want;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
    if (line.back() == '\t') f.push_back("");
    REQUIRE(f.size() >= 2);
    want[f[0] + "\t" + f[1]] = std::vector<std::string>(f.begin() + 2, f.end());
  }
  return want;
}

/// Checks that got holds exactly the lines of want, cell by cell.
inline void check_lines(const Lines& want, const Lines& got) {
  CHECK(want.size() == got.size());
  for (const auto& [k, v] : want) {
    INFO("query ", k);
    auto it = got.find(k);
    REQUIRE(it != got.end());
    const auto& g = it->second;
    REQUIRE(g.size() == v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      CHECK_MESSAGE(close_enough(g[i], v[i]), g[i], " vs pandas ", v[i]);
  }
  for (const auto& [k, v] : got) CHECK_MESSAGE(want.count(k), "not in pandas' output: ", k);
}

/// The Python helpers the drivers share: esc(), num(), emit().
inline const char* kPandasPrelude = R"PY(
import sys, math
import pandas as pd
def esc(s): return str(s).replace("\n", "\\n")
def num(v):
    if v is None or (isinstance(v, float) and math.isnan(v)): return "nan"
    if isinstance(v, float): return repr(v)
    return str(v)
def fmt(v): return esc(v) if isinstance(v, str) else num(v)
def emit(q, frame, keyed=True):
    for k, row in frame.iterrows():
        print("\t".join([q, esc(k) if keyed else ""] + [fmt(v) for v in row.tolist()]))
def emit_numbered(q, frame):
    for i, row in enumerate(frame.itertuples(index=False)):
        print("\t".join([q, str(i)] + [fmt(v) for v in row]))
)PY";

}  // namespace shoal::test
