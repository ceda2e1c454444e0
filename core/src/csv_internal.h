// What read_csv's tasks share (private to core): the resolved description of
// a file's columns, the block parser and the sample-based type inference.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "csv_scan.h"
#include "shoal/params.h"
#include "shoal/schema.h"
#include "shoal/table.h"

namespace shoal::detail {

/// Null markers with a fast negative test on the first character.
class NaSet {
 public:
  explicit NaSet(std::vector<std::string> values);
  bool contains(std::string_view s) const noexcept {
    if (s.empty()) return has_empty_;
    if (!first_[static_cast<unsigned char>(s[0])]) return false;
    for (const auto& v : values_) {
      if (v == s) return true;
    }
    return false;
  }
  const std::vector<std::string>& values() const noexcept { return values_; }

 private:
  std::vector<std::string> values_;
  std::array<bool, 256> first_{};
  bool has_empty_ = false;
};

/// How to parse one file: its columns, which to keep and as what.
struct CsvFileSpec {
  std::string path;
  CsvDialect dialect;
  std::vector<std::string> na_values;
  std::vector<std::string> file_columns;
  /// Per file column: the output type, or nullopt to skip it.
  std::vector<std::optional<DataType>> keep;

  Schema output_schema() const;
  Params to_params() const;
  static CsvFileSpec from_params(const Params& p);
};

/// The header of a file: column names and where the data begins.
struct CsvHead {
  std::vector<std::string> names;
  std::size_t data_offset = 0;   ///< After the BOM and the header record.
  std::int64_t data_line = 1;    ///< The physical line at data_offset.
};

/// Reads the header from the start of a file's bytes. Throws for an empty
/// file. Without a header, counts the first record's fields for names.
CsvHead parse_csv_head(const char* data, std::size_t size, const std::string& path, CsvDialect d,
                       bool header, const std::vector<std::string>& names);

/// Parses the records of [begin, end) into a table of the spec's kept
/// columns. `line` is the physical line of begin, for errors.
Table parse_csv_block(const char* begin, const char* end, std::int64_t line, const CsvFileSpec& spec);

/// Infers a type per file column from the records of [begin, end).
std::vector<DataType> infer_csv_types(const char* begin, const char* end, std::int64_t line,
                                      const CsvFileSpec& spec);

}  // namespace shoal::detail
