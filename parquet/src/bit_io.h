// Bytes and bits of Parquet pages: a bounds-checked reader (every read of a
// hostile file stays inside its buffer), ULEB128 varints, zigzag, LSB-first
// bit packing, and the RLE / bit-packed hybrid that levels and dictionary
// indices use.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/error.h"

namespace shoal::parquet {

/// A malformed page or footer. Readers add the file, row group and column.
class FormatError : public Error {
 public:
  using Error::Error;
};

/// Reads forward through a byte range; every read past its end throws
/// FormatError naming `what` was being read.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : data_(bytes) {}

  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  std::size_t position() const noexcept { return pos_; }
  std::string_view rest() const noexcept { return data_.substr(pos_); }
  /// The next n bytes, consumed.
  std::string_view take(std::size_t n, const char* what);
  std::uint8_t byte(const char* what) { return static_cast<std::uint8_t>(take(1, what)[0]); }
  std::uint32_t u32le(const char* what);
  std::uint64_t uleb128(const char* what);
  std::int64_t zigzag(const char* what);

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

/// Bits needed for values up to `max` (0 for 0).
int bit_width(std::uint64_t max) noexcept;

/// Unpacks `count` values of `width` bits (0..64), LSB first, from `bytes`,
/// which must hold at least (count * width + 7) / 8 bytes.
void unpack_bits(const std::uint8_t* bytes, std::size_t count, int width, std::uint64_t* out);

/// Decodes the RLE / bit-packed hybrid: exactly `count` values of `width`
/// bits into out (resized). Throws FormatError when the runs end early.
void decode_hybrid(std::string_view bytes, int width, std::size_t count,
                   std::vector<std::uint32_t>& out);

/// Appends the hybrid encoding of `values` (RLE runs for repeats of 8 or
/// more, bit-packed groups of 8 otherwise).
void encode_hybrid(const std::vector<std::uint32_t>& values, int width, std::string& out);

void put_uleb128(std::uint64_t v, std::string& out);
void put_zigzag(std::int64_t v, std::string& out);
void put_u32le(std::uint32_t v, std::string& out);
/// Appends `count` values of `width` bits, LSB first, padded to a byte.
void pack_bits(const std::uint64_t* values, std::size_t count, int width, std::string& out);

template <class T>
T load_le(const char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace shoal::parquet
