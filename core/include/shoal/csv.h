// read_csv: CSV files as a lazy DataFrame of byte-range partitions.
//
//   auto df = shoal::read_csv("trips-*.csv", {.usecols = {"key", "x"}});
//
// Splitting. Each file is cut into blocks of about `blocksize` bytes. A block
// boundary must fall between records, and a quoted field may hold delimiters
// and newlines, so a newline is a record end only outside quotes. Under
// RFC 4180 a quote inside a quoted field is doubled, so whether a byte lies
// inside quotes is exactly the parity of the quote characters before it.
// read_csv therefore makes one cheap task per block that counts its quote
// characters (memchr, near memory speed); block i's parse task takes the
// counts of blocks 0..i, knows the quote state at its nominal start and end,
// and moves both to the next newline outside quotes. The result is exact,
// parallel, and reads nothing while the graph is built. (Line numbers for
// errors are counted only when a block fails.)
// (A lone '\r' ends a record when parsing, but blocks are only cut at '\n'.)
//
// Schema. It is inferred once, when read_csv is called, from the first
// `sample_bytes` of the first file: per column int64 → float64 → string
// widening (bool when every value is True/False); a column with no values in
// the sample is float64, as in pandas. A later block that disagrees fails
// with a shoal::Error naming file, line, column, the value and the
// `dtypes={...}` that fixes it.
//
// Rules, as in pandas: a UTF-8 BOM is skipped; CRLF and LF both end records;
// blank lines are skipped; the values in `na_values` (and, by default,
// pandas' list: "", "NA", "NaN", "null", ...) are nulls in every column; a
// file holding only a header gives an empty frame with the header's columns
// (typed string unless `dtypes` says otherwise). Errors: a missing file, an
// empty file, a row with more or fewer fields than the header (pandas would
// pad short rows; Shoal refuses them) and an unterminated quote.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "shoal/column.h"
#include "shoal/csv_format.h"
#include "shoal/dataframe.h"
#include "shoal/schema.h"
#include "shoal/table.h"

namespace shoal {

struct CsvOptions {
  std::size_t blocksize = std::size_t{64} << 20;
  /// The first record names the columns. Without it, columns are named
  /// by `names`, or "0", "1", ...
  bool header = true;
  std::vector<std::string> names;
  char delimiter = ',';
  char quotechar = '"';
  /// Null markers; nullopt means pandas' default list.
  std::optional<std::vector<std::string>> na_values;
  /// Columns to read, by name (empty: all). The others are skipped while
  /// parsing and never materialized. Output keeps the file's column order.
  std::vector<std::string> usecols;
  /// Types that override inference, e.g. {{"id", DataType::kString}}.
  std::map<std::string, DataType> dtypes;
  /// Columns parsed as ISO dates ("2024-03-01", "2024-03-01T12:00:00.5",
  /// "2024-03-01 12:00:00Z") into timestamp[ns].
  std::vector<std::string> parse_dates;
  std::size_t sample_bytes = std::size_t{256} << 10;
};

/// The files a path or glob names (`*` and `?` in the last component),
/// in natural order (digits compare as numbers: part-9 before part-10).
/// Throws shoal::Error when nothing matches or a file is missing.
std::vector<std::string> expand_csv_paths(const std::vector<std::string>& patterns);

/// The schema read_csv would use for these files (usecols applied).
Schema infer_csv_schema(const std::vector<std::string>& paths, const CsvOptions& options = {});

/// A lazy DataFrame over the files (see the top of this file). Reads the
/// head of the first file now, to infer the schema; nothing else.
DataFrame read_csv(const std::vector<std::string>& paths_or_globs, const CsvOptions& options = {});
DataFrame read_csv(const std::string& path_or_glob, const CsvOptions& options = {});

}  // namespace shoal
