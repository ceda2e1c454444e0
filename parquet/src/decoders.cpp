#include "decoders.h"

#include "bit_io.h"

namespace shoal::parquet {
namespace {

using format::Encoding;
using format::Type;

void plain_binary(std::string_view data, std::size_t count, Values& out) {
  ByteReader r(data);
  out.binary.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t len = r.u32le("a BYTE_ARRAY length");
    out.binary[i] = r.take(len, "a BYTE_ARRAY value");
  }
}

void plain_fixed_binary(std::string_view data, std::size_t count, std::size_t width, Values& out) {
  if (width == 0 || data.size() / width < count)
    throw FormatError("a page holds fewer FIXED_LEN_BYTE_ARRAY values than it says");
  out.binary.resize(count);
  for (std::size_t i = 0; i < count; ++i) out.binary[i] = data.substr(i * width, width);
}

void plain_bools(std::string_view data, std::size_t count, Values& out) {
  if (data.size() * 8 < count) throw FormatError("a page holds fewer booleans than it says");
  out.owned.resize(count);
  for (std::size_t i = 0; i < count; ++i)
    out.owned[i] = static_cast<char>((static_cast<unsigned char>(data[i / 8]) >> (i % 8)) & 1);
  out.fixed = out.owned;
}

// Version 2 pages store booleans RLE-encoded, after a 4-byte length.
void rle_bools(std::string_view data, std::size_t count, Values& out) {
  ByteReader r(data);
  std::uint32_t len = r.u32le("the length of RLE booleans");
  std::vector<std::uint32_t> bits;
  decode_hybrid(r.take(len, "RLE booleans"), 1, count, bits);
  out.owned.resize(count);
  for (std::size_t i = 0; i < count; ++i) out.owned[i] = static_cast<char>(bits[i] & 1);
  out.fixed = out.owned;
}

// Stream k holds byte k of every value: gather them back.
void byte_stream_split(std::string_view data, std::size_t count, std::size_t width, Values& out,
                       bool as_binary) {
  if (width == 0 || data.size() / width < count)
    throw FormatError("a BYTE_STREAM_SPLIT page is shorter than its values");
  out.owned.resize(count * width);
  for (std::size_t k = 0; k < width; ++k) {
    const char* stream = data.data() + k * count;
    for (std::size_t i = 0; i < count; ++i) out.owned[i * width + k] = stream[i];
  }
  if (!as_binary) {
    out.fixed = out.owned;
    return;
  }
  out.binary.resize(count);
  for (std::size_t i = 0; i < count; ++i)
    out.binary[i] = std::string_view(out.owned).substr(i * width, width);
}

void delta_ints(const ColumnDesc& d, std::string_view data, std::size_t count, Values& out) {
  if (d.physical != Type::INT32 && d.physical != Type::INT64)
    throw FormatError("DELTA_BINARY_PACKED on a column that is not INT32 or INT64");
  std::vector<std::int64_t> v;
  decode_delta_ints(data, count, d.physical == Type::INT32, v);
  std::size_t w = fixed_width(d);
  out.owned.resize(count * w);
  for (std::size_t i = 0; i < count; ++i) {
    if (w == 4) {
      auto x = static_cast<std::int32_t>(v[i]);
      std::memcpy(out.owned.data() + i * 4, &x, 4);
    } else {
      std::memcpy(out.owned.data() + i * 8, &v[i], 8);
    }
  }
  out.fixed = out.owned;
}

}  // namespace

std::size_t fixed_width(const ColumnDesc& d) noexcept {
  switch (d.physical) {
    case Type::BOOLEAN:
      return 1;
    case Type::INT32:
    case Type::FLOAT:
      return 4;
    case Type::INT64:
    case Type::DOUBLE:
      return 8;
    case Type::INT96:
      return 12;
    default:
      return 0;
  }
}

void decode_values(const ColumnDesc& d, int encoding, std::string_view data, std::size_t count,
                   Values& out) {
  out.count = count;
  const bool binary = d.physical == Type::BYTE_ARRAY || d.physical == Type::FIXED_LEN_BYTE_ARRAY;
  const std::size_t w = binary ? static_cast<std::size_t>(d.type_length) : fixed_width(d);
  switch (encoding) {
    case Encoding::PLAIN:
    case Encoding::PLAIN_DICTIONARY:  // a legacy dictionary page's own encoding
      if (d.physical == Type::BOOLEAN) return plain_bools(data, count, out);
      if (d.physical == Type::BYTE_ARRAY) return plain_binary(data, count, out);
      if (d.physical == Type::FIXED_LEN_BYTE_ARRAY) return plain_fixed_binary(data, count, w, out);
      if (data.size() / w < count) throw FormatError("a PLAIN page is shorter than its values");
      out.fixed = data.substr(0, count * w);
      return;
    case Encoding::RLE:
      if (d.physical != Type::BOOLEAN)
        throw FormatError("RLE values on a column that is not BOOLEAN");
      return rle_bools(data, count, out);
    case Encoding::BYTE_STREAM_SPLIT:
      if (d.physical == Type::BOOLEAN || d.physical == Type::BYTE_ARRAY ||
          d.physical == Type::INT96)
        throw FormatError("BYTE_STREAM_SPLIT on a column of a type it does not apply to");
      return byte_stream_split(data, count, w, out, binary);
    case Encoding::DELTA_BINARY_PACKED:
      return delta_ints(d, data, count, out);
    case Encoding::DELTA_LENGTH_BYTE_ARRAY:
      if (d.physical != Type::BYTE_ARRAY)
        throw FormatError("DELTA_LENGTH_BYTE_ARRAY on a column that is not BYTE_ARRAY");
      return decode_delta_length(data, count, out);
    case Encoding::DELTA_BYTE_ARRAY:
      if (!binary) throw FormatError("DELTA_BYTE_ARRAY on a column that is not a byte array");
      decode_delta_byte_array(data, count, out);
      if (d.physical == Type::FIXED_LEN_BYTE_ARRAY) {
        for (auto v : out.binary)
          if (v.size() != w) throw FormatError("a DELTA_BYTE_ARRAY value of the wrong length");
      }
      return;
    default:
      throw FormatError("encoding " + std::to_string(encoding) + " is not one Shoal reads");
  }
}

}  // namespace shoal::parquet
