// .shoal data files: one or more Tables, data and types stored together.
//
// Layout (all integers little-endian):
//   bytes 0..7    magic "SHOAL1\0\0"
//   bytes 8..11   format version (kDataFileVersion)
//   bytes 12..15  number of tables
//   then per table: a uint64 byte length and one Cap'n Proto message whose
//   root is schema::Table (the encoding of encode_table), 8-byte aligned.
// Writers write to a temporary name beside the file and rename it into place,
// so readers never see a half-written file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "shoal/decode_error.h"
#include "shoal/table.h"

namespace shoal {

inline constexpr std::uint32_t kDataFileVersion = 1;

/// Writes the tables to path (replacing it). Throws shoal::Error naming the
/// file when it cannot be written.
void write_tables(const std::filesystem::path& path, const std::vector<Table>& tables);
void write_table(const std::filesystem::path& path, const Table& table);

/// Reads every table of a .shoal file. Throws DecodeError naming the file for
/// a wrong magic, a newer format version, truncation, trailing bytes or any
/// invalid table; shoal::Error when the file cannot be opened. Each table's
/// message is bounded by limits.max_message_bytes.
std::vector<Table> read_tables(const std::filesystem::path& path, const DecodeLimits& limits = {});
/// The file's only table; DecodeError when it holds another number of tables.
Table read_table(const std::filesystem::path& path, const DecodeLimits& limits = {});

/// The same format in memory; `name` is used in error messages.
std::vector<std::byte> encode_data_file(const std::vector<Table>& tables);
std::vector<Table> decode_data_file(std::span<const std::byte> bytes,
                                    std::string_view name = "<memory>",
                                    const DecodeLimits& limits = {});

}  // namespace shoal
