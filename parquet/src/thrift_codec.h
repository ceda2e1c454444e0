// Thrift's compact protocol over memory buffers, for the footer and page
// headers. Only this layer's .cpp files include it (it pulls in Thrift).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parquet_types.h"

namespace shoal::parquet {

/// Bounds on what a hostile footer can make the reader allocate.
inline constexpr std::int32_t kMaxThriftString = 256 << 20;
inline constexpr std::int32_t kMaxThriftContainer = 16 << 20;

/// Parses one struct from the front of `bytes`; returns the bytes it used.
/// Throws FormatError naming `what` when the bytes are not such a struct.
std::size_t deserialize(std::string_view bytes, format::FileMetaData& out, const char* what);
std::size_t deserialize(std::string_view bytes, format::PageHeader& out, const char* what);

/// The struct in compact protocol.
std::string serialize(const format::FileMetaData& v);
std::string serialize(const format::PageHeader& v);

}  // namespace shoal::parquet
