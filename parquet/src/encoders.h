// What the writer stores for a Shoal column: its Parquet type, PLAIN values,
// a dictionary for strings, definition levels, and chunk statistics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet_types.h"
#include "shoal/column.h"

namespace shoal::parquet {

/// The schema element Shoal writes for a column of `type` (always OPTIONAL:
/// every Shoal column may hold nulls, and all files of a frame must agree).
format::SchemaElement schema_element(const std::string& name, DataType type);

/// PLAIN encoding of the valid values among rows [begin, end).
std::string encode_plain(const Column& c, std::size_t begin, std::size_t end);

/// The definition levels of rows [begin, end) (1 valid, 0 null), hybrid-encoded.
std::string encode_levels(const Column& c, std::size_t begin, std::size_t end);

/// A string chunk's dictionary: the distinct values in order of first
/// appearance (PLAIN), and one code per valid row.
struct Dictionary {
  std::string plain;
  std::size_t size = 0;
  std::vector<std::uint32_t> codes;
};

/// The dictionary of rows [begin, end) of a string column, or nullopt when
/// its PLAIN bytes would pass `limit` (the writer falls back to PLAIN).
std::optional<Dictionary> build_dictionary(const Column& c, std::size_t begin, std::size_t end,
                                           std::size_t limit);

/// RLE_DICTIONARY data of codes [begin, end): the bit width, then the hybrid.
std::string encode_codes(const std::vector<std::uint32_t>& codes, std::size_t begin,
                         std::size_t end, std::size_t dictionary_size);

/// min_value / max_value (and the legacy min / max for numbers) and
/// null_count of rows [begin, end). NaN is left out of min and max; zeros
/// are written as -0.0 (min) and +0.0 (max), as the format asks.
format::Statistics statistics(const Column& c, std::size_t begin, std::size_t end);

}  // namespace shoal::parquet
