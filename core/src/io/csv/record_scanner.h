// The CSV record scanner (private to core), shared by schema inference and
// block parsing. A template over its sink so that the per-field call inlines.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "io/csv/split.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace shoal::detail {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
};

/// The first delimiter, '\n' or '\r' at or after p, or end. Fields are
/// short, so this is the scanner's inner loop: 16 bytes per step where SSE2
/// is available (every x86-64), a byte at a time for the tail.
inline const char* find_field_end(const char* p, const char* end, char delimiter) {
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delimiter), n = _mm_set1_epi8('\n'), r = _mm_set1_epi8('\r');
  while (end - p >= 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, d), _mm_cmpeq_epi8(x, n)),
                               _mm_cmpeq_epi8(x, r));
    if (int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != delimiter && *p != '\n' && *p != '\r') ++p;
  return p;
}

/// Where a scan stopped: the first byte not scanned (a record start, or
/// end) and the physical line there.
struct ScanEnd {
  const char* p;
  std::int64_t line;
};

/// Scans one record starting at p (not a blank line) through the sink.
/// Calls sink.field(column, value, record_line) per field — value is
/// unquoted, with doubled quotes collapsed — and sink.end_record(fields,
/// record_line); sink.unterminated(record_line) must throw.
template <class Sink>
ScanEnd scan_record(const char* p, const char* end, CsvDialect d, std::int64_t line, Sink& sink,
                    std::string& scratch) {
  const std::int64_t record_line = line;
  std::size_t col = 0;
  for (;;) {
    std::string_view field;
    if (p < end && *p == d.quote) {
      ++p;
      scratch.clear();
      for (;;) {
        const char* q =
            static_cast<const char*>(std::memchr(p, d.quote, static_cast<std::size_t>(end - p)));
        if (!q) sink.unterminated(record_line);
        line += std::count(p, q, '\n');
        if (q + 1 < end && q[1] == d.quote) {  // "" is one quote
          scratch.append(p, static_cast<std::size_t>(q + 1 - p));
          p = q + 2;
          continue;
        }
        scratch.append(p, static_cast<std::size_t>(q - p));
        p = q + 1;
        break;
      }
      // Text between the closing quote and the delimiter is kept, as pandas does.
      const char* s = p;
      p = find_field_end(p, end, d.delimiter);
      scratch.append(s, static_cast<std::size_t>(p - s));
      field = scratch;
    } else {
      const char* s = p;
      p = find_field_end(p, end, d.delimiter);
      field = std::string_view(s, static_cast<std::size_t>(p - s));
    }
    sink.field(col++, field, record_line);
    if (p < end && *p == d.delimiter) {
      ++p;
      continue;
    }
    if (p < end && *p == '\r') ++p;
    if (p < end && *p == '\n') ++p;
    sink.end_record(col, record_line);
    return {p, line + 1};
  }
}

/// A sink that takes batches of split records: sink.columns() fields a
/// record, sink.records(batch) for each batch.
template <class Sink>
concept RecordSink = requires(Sink& s, const RecordBatch& b) {
  { s.columns() } -> std::convertible_to<std::size_t>;
  s.records(b);
};

/// Scans the records in [p, end), starting at physical line `line` (1-based),
/// and stops at the first record that starts at or after `stop` (pass end
/// to scan everything): a block is parsed in chunks that each end on a
/// record boundary, without knowing where records end beforehand. Blank
/// lines are skipped. Records go through scan_record, or, for a RecordSink,
/// through the splitter of csv_split.h wherever it accepts them, in
/// batches; a batch is handed over before any record that the splitter
/// declines, so the sink sees records in order.
template <class Sink>
ScanEnd scan_csv_until(const char* p, const char* end, const char* stop, CsvDialect d,
                       std::int64_t line, Sink& sink) {
  std::string scratch;
  [[maybe_unused]] RecordBatch batch;
  [[maybe_unused]] std::size_t columns = 0;
  if constexpr (RecordSink<Sink>) columns = sink.columns();
  while (p < end && p < stop) {
    if (*p == '\n' || *p == '\r') {  // a blank line
      p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
      ++line;
      continue;
    }
    if constexpr (RecordSink<Sink>) {
      if (columns > 0 && columns <= RecordBatch::kMaxColumns) {
        const char* next =
            split_records(p, end, stop, {d.delimiter, d.quote}, columns, batch, line);
        if (batch.size == RecordBatch::kMaxRecords) sink.records(batch), batch.size = 0;
        if (next != p) {
          p = next;
          continue;
        }
      }
      if (batch.size) sink.records(batch), batch.size = 0;
    }
    ScanEnd e = scan_record(p, end, d, line, sink, scratch);
    p = e.p;
    line = e.line;
  }
  if constexpr (RecordSink<Sink>) {
    if (batch.size) sink.records(batch);
  }
  return {p, line};
}

/// Scans every record in [p, end); returns the line after the last one.
template <class Sink>
std::int64_t scan_csv(const char* p, const char* end, CsvDialect d, std::int64_t line, Sink& sink) {
  return scan_csv_until(p, end, end, d, line, sink).line;
}

/// The offset just after the first '\n' at or after `from` that lies outside
/// quotes, given whether `from` is inside quotes; `size` when there is none.
inline std::size_t next_record_start(const char* data, std::size_t size, std::size_t from,
                                     bool in_quotes, char quote) {
  for (std::size_t i = from; i < size; ++i) {
    char c = data[i];
    if (c == quote)
      in_quotes = !in_quotes;
    else if (c == '\n' && !in_quotes)
      return i + 1;
  }
  return size;
}

}  // namespace shoal::detail
