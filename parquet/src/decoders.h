// Value encodings of data and dictionary pages: the stored (physical) values
// of one page, before they become Shoal values (convert.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "column_desc.h"

namespace shoal::parquet {

/// The non-null values of one page. Fixed-width types (booleans one byte
/// each, INT32, INT64, INT96, FLOAT, DOUBLE) are `count` × width bytes in
/// `fixed`; BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values are `binary`. Views
/// point into the page or into `owned`, so a Values is filled in place and
/// never moved while it is used.
struct Values {
  std::size_t count = 0;
  std::string_view fixed;
  std::vector<std::string_view> binary;
  std::string owned;
  Values() = default;
  Values(const Values&) = delete;
  Values& operator=(const Values&) = delete;
};

/// Bytes per value of a fixed-width physical type; 0 for byte arrays.
std::size_t fixed_width(const ColumnDesc& d) noexcept;

/// Decodes `count` values of `encoding` (format::Encoding) from `data`.
/// Throws FormatError when the data is short or the encoding does not fit
/// the type.
void decode_values(const ColumnDesc& d, int encoding, std::string_view data, std::size_t count,
                   Values& out);

// The DELTA_* encodings (delta.cpp).

/// DELTA_BINARY_PACKED: `count` integers (as int64; INT32 wraps in 32 bits).
/// Returns the bytes used.
std::size_t decode_delta_ints(std::string_view data, std::size_t count, bool is_int32,
                              std::vector<std::int64_t>& out);
void decode_delta_length(std::string_view data, std::size_t count, Values& out);
void decode_delta_byte_array(std::string_view data, std::size_t count, Values& out);

}  // namespace shoal::parquet
