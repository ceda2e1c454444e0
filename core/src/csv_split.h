// The CSV scanner's fast path (private to core): one record's field
// boundaries from bitmasks of 64 bytes at a time, as the first stage of
// simdjson and simdcsv does.
//
// For each 64-byte window the splitter compares every byte with the
// delimiter, '\n', the quote character and '\r' at once (AVX2 where the CPU
// has it, chosen once at run time; SSE2 otherwise), and then reads the field
// ends off the bits. It handles the common record — no quote, no '\r', at
// most four windows long, with the full 64 bytes of each window readable —
// and declines everything else, which the general scanner (csv_scan.h)
// parses a byte at a time. It never calls the sink, so declining costs
// nothing but the test.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal::detail {

struct SplitDialect {
  char delimiter;
  char quote;
};

/// Splits the record starting at p (not a blank line): stores in ends[i]
/// the offset from p of field i's end (its delimiter, or for the last field
/// the '\n') and returns the number of fields; returns 0 to decline (the
/// record holds a quote or '\r', is longer than 255 bytes, has more than
/// `max_fields` fields, or reaches within 64 bytes of `end`).
using SplitRecordFn = std::size_t (*)(const char* p, const char* end, SplitDialect d, std::uint32_t* ends,
                                      std::size_t max_fields);

/// The splitter for this CPU.
SplitRecordFn split_record_fn() noexcept;

}  // namespace shoal::detail
