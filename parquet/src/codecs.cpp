#include "codecs.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "bit_io.h"
#include "parquet_types.h"

namespace shoal::parquet {
namespace {

using Codec = format::CompressionCodec;

[[noreturn]] void fail(int codec, const std::string& why) {
  throw FormatError(codec_name(codec) + " page: " + why);
}

void snappy_decompress(std::string_view in, std::size_t n, std::string& out) {
  std::size_t len = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &len) || len != n)
    fail(Codec::SNAPPY, "the stream's length disagrees with the page header");
  out.resize(n);
  if (!snappy::RawUncompress(in.data(), in.size(), out.data())) fail(Codec::SNAPPY, "corrupt");
}

// Some writers (Hadoop's, older Spark) emit several gzip members back to
// back; inflate restarts after each member's end until the input is used up.
void gzip_decompress(std::string_view in, std::size_t n, std::string& out) {
  out.resize(n);
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) fail(Codec::GZIP, "zlib would not start");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(n);
  int rc = Z_OK;
  while (true) {
    rc = inflate(&z, Z_FINISH);
    if (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
      inflateReset(&z);
      continue;
    }
    break;
  }
  std::size_t produced = n - z.avail_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced == n))
    fail(Codec::GZIP, std::string("corrupt stream (zlib: ") + (z.msg ? z.msg : "error") + ")");
  if (produced != n) fail(Codec::GZIP, "inflated to fewer bytes than the page header says");
}

void zstd_decompress(std::string_view in, std::size_t n, std::string& out) {
  out.resize(n);
  std::size_t got = ZSTD_decompress(out.data(), n, in.data(), in.size());
  if (ZSTD_isError(got)) fail(Codec::ZSTD, ZSTD_getErrorName(got));
  if (got != n) fail(Codec::ZSTD, "decompressed to fewer bytes than the page header says");
}

void lz4_raw_decompress(std::string_view in, std::size_t n, std::string& out) {
  out.resize(n);
  int got =
      LZ4_decompress_safe(in.data(), out.data(), static_cast<int>(in.size()), static_cast<int>(n));
  if (got < 0 || static_cast<std::size_t>(got) != n) fail(Codec::LZ4_RAW, "corrupt block");
}

std::uint32_t load_be32(const char* p) {
  auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         u[3];
}

// The deprecated LZ4 codec is Hadoop's framing (big-endian sizes before each
// block) in parquet-mr's files, a bare block in some others: try the frames,
// then the bare block, as Arrow does.
void lz4_hadoop_decompress(std::string_view in, std::size_t n, std::string& out) {
  out.resize(n);
  std::size_t ip = 0, op = 0;
  while (ip + 8 <= in.size() && op < n) {
    std::uint32_t raw = load_be32(in.data() + ip), packed = load_be32(in.data() + ip + 4);
    ip += 8;
    if (packed > in.size() - ip || raw > n - op) return lz4_raw_decompress(in, n, out);
    int got = LZ4_decompress_safe(in.data() + ip, out.data() + op, static_cast<int>(packed),
                                  static_cast<int>(raw));
    if (got < 0 || static_cast<std::uint32_t>(got) != raw) return lz4_raw_decompress(in, n, out);
    ip += packed;
    op += raw;
  }
  if (ip != in.size() || op != n) return lz4_raw_decompress(in, n, out);
}

void brotli_decompress(std::string_view in, std::size_t n, std::string& out) {
  out.resize(n);
  std::size_t got = n;
  if (BrotliDecoderDecompress(in.size(), reinterpret_cast<const std::uint8_t*>(in.data()), &got,
                              reinterpret_cast<std::uint8_t*>(out.data())) !=
          BROTLI_DECODER_RESULT_SUCCESS ||
      got != n) {
    fail(Codec::BROTLI, "corrupt stream or a size unlike the page header's");
  }
}

std::string gzip_compress(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("to_parquet: zlib would not start");
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("to_parquet: gzip compression failed");
  return out;
}

}  // namespace

std::string codec_name(int codec) {
  auto it = format::_CompressionCodec_VALUES_TO_NAMES.find(codec);
  return it == format::_CompressionCodec_VALUES_TO_NAMES.end()
             ? "compression codec " + std::to_string(codec)
             : std::string(it->second);
}

std::string_view decompress(int codec, std::string_view in, std::size_t n, std::string& buffer) {
  switch (codec) {
    case Codec::UNCOMPRESSED:
      if (in.size() != n) fail(codec, "its sizes differ but it is not compressed");
      return in;
    case Codec::SNAPPY:
      snappy_decompress(in, n, buffer);
      break;
    case Codec::GZIP:
      gzip_decompress(in, n, buffer);
      break;
    case Codec::ZSTD:
      zstd_decompress(in, n, buffer);
      break;
    case Codec::LZ4_RAW:
      lz4_raw_decompress(in, n, buffer);
      break;
    case Codec::LZ4:
      lz4_hadoop_decompress(in, n, buffer);
      break;
    case Codec::BROTLI:
      brotli_decompress(in, n, buffer);
      break;
    default:
      fail(codec, "this codec is not supported (use SNAPPY, GZIP, ZSTD, LZ4_RAW or BROTLI)");
  }
  return buffer;
}

std::string compress(int codec, std::string_view in) {
  switch (codec) {
    case Codec::UNCOMPRESSED:
      return std::string(in);
    case Codec::SNAPPY: {
      std::string out;
      snappy::Compress(in.data(), in.size(), &out);
      return out;
    }
    case Codec::GZIP:
      return gzip_compress(in);
    case Codec::ZSTD: {
      std::string out(ZSTD_compressBound(in.size()), '\0');
      std::size_t got = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
      if (ZSTD_isError(got))
        throw Error(std::string("to_parquet: zstd: ") + ZSTD_getErrorName(got));
      out.resize(got);
      return out;
    }
    case Codec::LZ4_RAW: {
      std::string out(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(in.size()))),
                      '\0');
      int got = LZ4_compress_default(in.data(), out.data(), static_cast<int>(in.size()),
                                     static_cast<int>(out.size()));
      if (got <= 0) throw Error("to_parquet: lz4 compression failed");
      out.resize(static_cast<std::size_t>(got));
      return out;
    }
    case Codec::BROTLI: {
      std::size_t len = BrotliEncoderMaxCompressedSize(in.size());
      std::string out(len ? len : in.size() + 1024, '\0');
      len = out.size();
      if (!BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY - 6, BROTLI_DEFAULT_WINDOW,
                                 BROTLI_MODE_GENERIC, in.size(),
                                 reinterpret_cast<const std::uint8_t*>(in.data()), &len,
                                 reinterpret_cast<std::uint8_t*>(out.data())))
        throw Error("to_parquet: brotli compression failed");
      out.resize(len);
      return out;
    }
    default:
      throw Error("to_parquet: cannot write " + codec_name(codec));
  }
}

}  // namespace shoal::parquet
