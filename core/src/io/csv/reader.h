// What read_csv's tasks share (private to core): the resolved description of
// a file's columns, the block parser and the sample-based type inference.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv/record_scanner.h"
#include "io/mapped_file.h"
#include "shoal/params.h"
#include "shoal/schema.h"
#include "shoal/table.h"
#include "table/group_index.h"

namespace shoal::detail {

/// Null markers with a fast negative test on the first byte, the length and
/// the last byte: pandas' list holds "1.#IND" and "-1.#QNAN", so a test on
/// the first byte alone would compare most numbers against the whole list.
class NaSet {
 public:
  explicit NaSet(std::vector<std::string> values);
  bool contains(std::string_view s) const noexcept {
    if (s.empty()) return has_empty_;
    std::uint64_t lengths = lengths_by_first_[static_cast<unsigned char>(s[0])];
    if (!((lengths >> std::min<std::size_t>(s.size(), 63)) & 1)) return false;
    if (!last_[static_cast<unsigned char>(s.back())]) return false;
    for (const auto& v : values_) {
      if (v == s) return true;
    }
    return false;
  }
  const std::vector<std::string>& values() const noexcept { return values_; }

 private:
  std::vector<std::string> values_;
  /// Per first byte, bit n set when a marker of length n (63: 63 or more)
  /// starts with it.
  std::array<std::uint64_t, 256> lengths_by_first_{};
  std::array<bool, 256> last_{};  ///< Bytes a marker ends with.
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
  std::size_t data_offset = 0;  ///< After the BOM and the header record.
  std::int64_t data_line = 1;   ///< The physical line at data_offset.
};

/// Reads the header from the start of a file's bytes. Throws for an empty
/// file. Without a header, counts the first record's fields for names.
CsvHead parse_csv_head(const char* data, std::size_t size, const std::string& path, CsvDialect d,
                       bool header, const std::vector<std::string>& names);

/// Parses the records of [begin, end) into a table of the spec's kept
/// columns. `line` is the physical line of begin, for errors.
Table parse_csv_block(const char* begin, const char* end, std::int64_t line,
                      const CsvFileSpec& spec);

/// Parses bytes [begin, end) of a mapped file like parse_csv_block, mapping
/// and releasing its pages a chunk at a time (see kCsvChunkBytes).
Table parse_csv_range(const MappedFile& f, std::size_t begin, std::size_t end, std::int64_t line,
                      const CsvFileSpec& spec);

/// The records of [begin, end) that start before `stop`, and where the next
/// record starts: a block parsed a chunk at a time.
struct ParsedChunk {
  Table table;
  const char* next;
  std::int64_t next_line;
};
ParsedChunk parse_csv_chunk(const char* begin, const char* end, const char* stop, std::int64_t line,
                            const CsvFileSpec& spec);

/// A chunk parsed for a groupby on one string column: the other kept
/// columns, and per record its group among `groups` (-1: a null key), the
/// numbering shared by all the chunks of a block.
struct GroupedChunk {
  Table values;
  std::vector<std::int32_t> groups;
  const char* next;
  std::int64_t next_line;
};
GroupedChunk parse_csv_chunk_grouped(const char* begin, const char* end, const char* stop,
                                     std::int64_t line, const CsvFileSpec& spec,
                                     std::size_t key_column, StringGroups& groups);

/// Infers a type per file column from the records of [begin, end).
std::vector<DataType> infer_csv_types(const char* begin, const char* end, std::int64_t line,
                                      const CsvFileSpec& spec);

/// How many bytes read_csv's tasks map, parse and release at a time: small
/// enough that a chunk's columns stay in cache, large enough that the
/// per-chunk costs (a table, a partial aggregate) vanish.
inline constexpr std::size_t kCsvChunkBytes = std::size_t{2} << 20;

/// The exact bytes of one read_csv block: its nominal [begin, end) (task
/// parameters) moved to record boundaries, knowing the quote counts of the
/// file's blocks up to and including it (see csv.h).
struct BlockRange {
  std::size_t begin = 0, end = 0;
  std::size_t data_offset = 0;  ///< Where the file's records begin.
  std::int64_t data_line = 1;   ///< The physical line at data_offset.
};
BlockRange resolve_block(const MappedFile& f, const List& counts, const Params& p, char quote);
/// The same, knowing instead whether each nominal end lies inside quotes.
BlockRange resolve_block(const MappedFile& f, const Params& p, char quote, bool begin_in_quotes,
                         bool end_in_quotes);

/// Whether offset `at` of a file whose records begin at data_offset lies
/// inside quotes, guessed from the quotes between the start of its line and
/// it: right unless a quoted field holding a newline spans it. Guessed
/// outside when its line began more than `reach` bytes before it.
bool guess_in_quotes(const MappedFile& f, std::size_t at, std::size_t data_offset, char quote,
                     std::size_t reach = std::size_t{64} << 10);

/// The physical line at `offset` of a block's file (counted: for errors).
std::int64_t line_at(const MappedFile& f, const BlockRange& r, std::size_t offset);

/// How many times c occurs in bytes. memchr finds the first (near memory
/// speed when there is none, as in most files); from there on the bytes
/// are compared 64 at a time, since calling memchr per occurrence costs
/// more than the parse when every record holds quotes.
inline std::int64_t count_char(std::string_view bytes, char c) {
  const char* end = bytes.data() + bytes.size();
  const char* p = static_cast<const char*>(std::memchr(bytes.data(), c, bytes.size()));
  if (!p) return 0;
  std::int64_t n = 0;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  auto eq = [&](const char* at) {
    return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), needle);
  };
  while (end - p >= 64) {
    // Each byte lane counts at most 4 per step: 63 steps fit in a byte.
    const char* stop = p + std::min<std::ptrdiff_t>((end - p) / 64, 63) * 64;
    __m128i acc = _mm_setzero_si128();
    for (; p < stop; p += 64) {
      const __m128i hits =
          _mm_add_epi8(_mm_add_epi8(eq(p), eq(p + 16)), _mm_add_epi8(eq(p + 32), eq(p + 48)));
      acc = _mm_sub_epi8(acc, hits);
    }
    const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    n += _mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums));
  }
#endif
  return n + std::count(p, end, c);
}

}  // namespace shoal::detail
