// The CSV scanner's fast path (private to core): records split into fields
// by bitmasks of 64 bytes at a time, as the first stage of simdjson and
// simdcsv does.
//
// For each 64-byte window the splitter compares every byte with the
// delimiter, '\n', the quote character and '\r' at once (AVX-512 or AVX2
// where the CPU has it, chosen once at run time; SSE2 otherwise), masks
// out the bytes inside quotes, and then walks the set bits: each delimiter
// ends a field, each newline a record. It handles the common record —
// exactly the expected number of fields, every window of it fully
// readable, ended by "\n" or "\r\n", each field either free of quotes
// and '\r' or quoted whole ("a,b": quotes at its first and last byte and
// none between, no newline or '\r' inside) — and stops at the first record
// it does not, which the general scanner (csv_scan.h) parses a byte at a
// time and reports on (ragged rows, doubled quotes, quoted newlines, text
// after a closing quote, a lone '\r'). Its fields are what the general
// scanner would read. It never calls the sink, so stopping costs nothing
// but the test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shoal::detail {

struct SplitDialect {
  char delimiter;
  char quote;
};

/// Records split by the fast path, handed to the sink together so that it
/// converts them a column at a time: a column's values are independent of
/// each other, so the CPU overlaps their conversions, where a record's
/// fields would be converted one after the other.
struct RecordBatch {
  static constexpr std::size_t kMaxRecords = 32;
  static constexpr std::size_t kMaxColumns = 64;
  std::size_t size = 0;
  const char* starts[kMaxRecords];
  std::int64_t lines[kMaxRecords];
  std::uint32_t ends[kMaxRecords][kMaxColumns];  ///< Offsets from the start of each field's end.
  std::uint64_t quoted[kMaxRecords];  ///< Bit c: field c is quoted whole (if any_quoted).
  bool any_quoted = false;            ///< Some record may have a quoted field.

  /// Field `col` of record `record`, without its quotes. A column's fields
  /// are converted in a tight loop: where no field is quoted (most files),
  /// the test of any_quoted is all it costs (the loop is unswitched or the
  /// branch predicted; looking at each record's bits costs 4% of a groupby).
  std::string_view field(std::size_t record, std::size_t col) const noexcept {
    const std::uint32_t b = col == 0 ? 0 : ends[record][col - 1] + 1;
    const std::string_view v{starts[record] + b, ends[record][col] - b};
    if (!any_quoted) return v;
    const auto q = static_cast<std::uint32_t>(quoted[record] >> col) & 1;
    return {v.data() + q, v.size() - 2 * q};
  }
};

/// Splits consecutive records starting at p into `batch` until it is full,
/// a record starts at or after `stop`, or a record is not one the fast path
/// takes (see above; a blank line is not either). Each record has `columns`
/// (at most kMaxColumns) fields; `line` is the physical line at p and is
/// advanced past the records split. Returns where the next record starts:
/// p itself when the first record was not taken.
const char* split_records(const char* p, const char* end, const char* stop, SplitDialect d,
                          std::size_t columns, RecordBatch& batch, std::int64_t& line);

/// The instruction sets split_records can use; it takes the best the CPU
/// has. Tests and benchmarks compare them through use_split_isa, which
/// returns false (and changes nothing) when the CPU lacks the one asked for.
enum class SplitIsa { kBest, kPortable, kAvx2, kAvx512 };
bool use_split_isa(SplitIsa isa) noexcept;

}  // namespace shoal::detail
