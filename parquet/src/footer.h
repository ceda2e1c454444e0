// The footer of a Parquet file: "PAR1", the FileMetaData in Thrift's compact
// protocol, its length (4 bytes, little-endian), "PAR1".
#pragma once

#include "file_source.h"
#include "parquet_types.h"

namespace shoal::parquet {

/// Reads and parses the footer; throws FormatError saying what is wrong
/// (the caller names the file).
format::FileMetaData read_footer(const FileSource& file);

/// The footer bytes and trailer that end a file whose metadata is `meta`.
std::string footer_bytes(const format::FileMetaData& meta);

}  // namespace shoal::parquet
