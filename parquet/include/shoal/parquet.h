// Apache Parquet: read_parquet makes a lazy DataFrame of Parquet files and
// to_parquet writes one, one file per partition.
//
//   auto df = shoal::read_parquet("trips/*.parquet", {.columns = {"key", "x"}});
//   shoal::to_parquet(df[df["x"] > 0.5], "out/part-*.parquet");
//
// The schema comes from the files' footers, never from sampling. Columns map
// to Shoal's types as docs/parquet.md lists: integers of any width to int64,
// FLOAT and DOUBLE (and DECIMAL, FLOAT16) to float64, BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY to string, BOOLEAN to bool, DATE, TIMESTAMP and INT96
// to timestamp[ns]. Only flat schemas are read: a nested or repeated column
// is refused with an error naming it. Every error on a malformed file names
// the file and, where known, the row group and the column.
//
// The reading and writing code here is Shoal's own, on Debian's Thrift and
// compression libraries, none of which this header exposes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shoal/dataframe.h"
#include "shoal/executor.h"
#include "shoal/schema.h"
#include "shoal/table.h"
#include "shoal/value.h"

namespace shoal {

/// A comparison of one column with a literal, as pyarrow's `filters`:
/// {"x", ">", 5}. Ops: "==", "!=", "<", "<=", ">", ">=".
struct ParquetFilter {
  std::string column;
  std::string op;
  Value value;
};

struct ParquetReadOptions {
  /// Columns to read, in this order; empty = all. Only their column chunks
  /// are read from disk.
  std::vector<std::string> columns;
  /// Row groups of one file are combined into one partition until their
  /// uncompressed size (of the columns read) reaches this many bytes; a
  /// partition never spans files.
  std::size_t blocksize = std::size_t{64} << 20;
  /// Conjunction of comparisons. Row groups whose statistics (min, max,
  /// null count) prove no row can match are never read; the rows of the
  /// others are filtered by the same comparisons.
  std::vector<ParquetFilter> filters;
};

enum class ParquetCompression { kNone, kSnappy, kGzip, kZstd, kLz4Raw, kBrotli };

struct ParquetWriteOptions {
  ParquetCompression compression = ParquetCompression::kSnappy;
  /// Rows per row group (the last may hold fewer).
  std::size_t row_group_size = std::size_t{1} << 20;
  /// String columns are dictionary-encoded unless their dictionary would
  /// exceed dictionary_limit bytes, in which case they are written PLAIN.
  bool dictionary = true;
  std::size_t dictionary_limit = std::size_t{1} << 20;
  /// Uncompressed bytes of values per data page, about.
  std::size_t page_size = std::size_t{1} << 20;
  /// 1: DATA_PAGE (what every reader knows); 2: DATA_PAGE_V2.
  int data_page_version = 1;
};

/// One file's footer, as Shoal sees it.
struct ParquetFileInfo {
  std::string path;
  Schema schema;  ///< Every (flat) column, in file order.
  std::int64_t num_rows = 0;
  std::vector<std::int64_t> row_group_rows;  ///< Rows of each row group.
  std::string created_by;
};

/// A Parquet file opened for reading: its footer is parsed when the object
/// is built. Reads are positioned (pread), so one object may be shared by
/// threads; bytes_read() counts every byte read from the file so far,
/// footer included. Throws shoal::Error naming the file when it cannot be
/// opened or its footer is malformed.
class ParquetFile {
 public:
  explicit ParquetFile(const std::string& path);
  ~ParquetFile();
  ParquetFile(ParquetFile&&) noexcept;
  ParquetFile& operator=(ParquetFile&&) noexcept;

  const ParquetFileInfo& info() const noexcept;
  /// The rows of the given row groups (in that order), of `columns` (empty:
  /// all). Reads only those column chunks. Throws shoal::Error naming the
  /// file, row group and column when a page is malformed.
  Table read(const std::vector<int>& row_groups,
             const std::vector<std::string>& columns = {}) const;
  /// Whether the statistics of row group `row_group` allow a row matching
  /// every filter (true when they cannot tell).
  bool may_match(int row_group, const std::vector<ParquetFilter>& filters) const;
  /// Uncompressed bytes of `columns` (empty: all) in row group `row_group`.
  std::int64_t uncompressed_bytes(int row_group, const std::vector<std::string>& columns) const;
  /// Compressed bytes of the chunks of `columns` (empty: all) in a row group.
  std::int64_t compressed_bytes(int row_group, const std::vector<std::string>& columns) const;
  std::int64_t bytes_read() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A lazy DataFrame over the files (a path, a glob, or a directory, read
/// recursively for *.parquet). Reads every file's footer now; nothing else.
/// Partitions are row groups, combined up to options.blocksize. Throws
/// shoal::Error when no file matches, a file is not Parquet, or the files'
/// schemas differ.
DataFrame read_parquet(const std::vector<std::string>& paths_or_globs,
                       const ParquetReadOptions& options = {});
DataFrame read_parquet(const std::string& path_or_glob, const ParquetReadOptions& options = {});

/// Writes one Parquet file per partition, `*` in `pattern` replaced by the
/// partition number; a pattern without `*` is a directory (created when
/// missing) that gets part-0.parquet, part-1.parquet, ... Each file is
/// written to a temporary name and renamed. Returns the paths written.
std::vector<std::string> to_parquet(const DataFrame& frame, const std::string& pattern_or_dir,
                                    const ParquetWriteOptions& options, Executor& executor);
std::vector<std::string> to_parquet(const DataFrame& frame, const std::string& pattern_or_dir,
                                    const ParquetWriteOptions& options = {});

/// One table as the bytes of a Parquet file (to_parquet's per-partition work).
std::string write_parquet_bytes(const Table& table, const ParquetWriteOptions& options = {});

/// Reads a whole file into one table (all row groups, `columns` or all).
Table read_parquet_table(const std::string& path, const std::vector<std::string>& columns = {});

}  // namespace shoal
