// Page compression: the codecs of Parquet's CompressionCodec, on Debian's
// snappy, zlib, zstd, lz4 and brotli.
#pragma once

#include <string>
#include <string_view>

namespace shoal::parquet {

/// Decompresses a page of `codec` (parquet CompressionCodec's value) into
/// exactly `uncompressed_size` bytes, held in `buffer` (reused from page to
/// page, so its memory is not faulted in anew each time) or, for
/// UNCOMPRESSED, `in` itself. Throws FormatError saying which codec failed
/// and why; LZO is refused.
std::string_view decompress(int codec, std::string_view in, std::size_t uncompressed_size,
                            std::string& buffer);

/// Compresses with `codec` (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, BROTLI).
std::string compress(int codec, std::string_view in);

/// "SNAPPY" for 1, and so on.
std::string codec_name(int codec);

}  // namespace shoal::parquet
