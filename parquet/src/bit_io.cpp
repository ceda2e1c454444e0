#include "bit_io.h"

#include <algorithm>
#include <bit>

namespace shoal::parquet {

std::string_view ByteReader::take(std::size_t n, const char* what) {
  if (n > remaining()) {
    throw FormatError(std::string(what) + " needs " + std::to_string(n) + " bytes, only " +
                      std::to_string(remaining()) + " remain");
  }
  std::string_view s = data_.substr(pos_, n);
  pos_ += n;
  return s;
}

std::uint32_t ByteReader::u32le(const char* what) {
  return load_le<std::uint32_t>(take(4, what).data());
}

std::uint64_t ByteReader::uleb128(const char* what) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    std::uint8_t b = byte(what);
    v |= std::uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
  throw FormatError(std::string(what) + ": a varint longer than 10 bytes");
}

std::int64_t ByteReader::zigzag(const char* what) {
  std::uint64_t u = uleb128(what);
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

int bit_width(std::uint64_t max) noexcept {
  return max == 0 ? 0 : 64 - std::countl_zero(max);
}

void unpack_bits(const std::uint8_t* bytes, std::size_t count, int width, std::uint64_t* out) {
  if (width == 0) {
    std::fill(out, out + count, 0);
    return;
  }
  const std::uint64_t mask = width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
  const std::size_t nbytes = (count * static_cast<std::size_t>(width) + 7) / 8;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t bit = i * static_cast<std::size_t>(width);
    std::size_t at = bit / 8;
    int shift = static_cast<int>(bit % 8);
    // Gather up to 9 bytes little-endian; the tail may be shorter than 8.
    std::uint64_t lo = 0;
    std::memcpy(&lo, bytes + at, std::min<std::size_t>(8, nbytes - at));
    std::uint64_t v = lo >> shift;
    if (shift + width > 64) v |= std::uint64_t{bytes[at + 8]} << (64 - shift);
    out[i] = v & mask;
  }
}

void decode_hybrid(std::string_view bytes, int width, std::size_t count,
                   std::vector<std::uint32_t>& out) {
  if (width < 0 || width > 32) throw FormatError("a bit width of " + std::to_string(width));
  out.resize(count);
  ByteReader r(bytes);
  std::size_t n = 0;
  std::vector<std::uint64_t> tmp;
  const std::size_t value_bytes = (static_cast<std::size_t>(width) + 7) / 8;
  while (n < count) {
    std::uint64_t header = r.uleb128("an RLE run header");
    if (header & 1) {  // bit-packed: (header >> 1) groups of 8
      std::uint64_t groups = header >> 1;
      if (groups == 0 || groups > (std::uint64_t{1} << 32))
        throw FormatError("a bit-packed run of " + std::to_string(groups) + " groups");
      std::size_t values = static_cast<std::size_t>(groups) * 8;
      std::size_t len = values * static_cast<std::size_t>(width) / 8;
      // The last run may be cut short by the end of the data.
      std::string_view packed = r.take(std::min(len, r.remaining()), "a bit-packed run");
      std::size_t avail = width == 0 ? values : packed.size() * 8 / static_cast<std::size_t>(width);
      std::size_t want = std::min(values, count - n);
      std::size_t take = std::min(want, avail);
      if (take < want) throw FormatError("a bit-packed run ends early");
      tmp.resize(take);
      unpack_bits(reinterpret_cast<const std::uint8_t*>(packed.data()), take, width, tmp.data());
      for (std::size_t i = 0; i < take; ++i) out[n + i] = static_cast<std::uint32_t>(tmp[i]);
      n += take;
    } else {
      std::uint64_t run = header >> 1;
      std::string_view v = r.take(value_bytes, "an RLE run value");
      std::uint32_t value = 0;
      std::memcpy(&value, v.data(), v.size());
      if (run == 0) throw FormatError("an RLE run of length 0");
      std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(run, count - n));
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(n),
                out.begin() + static_cast<std::ptrdiff_t>(n + take), value);
      n += take;
    }
  }
}

void put_uleb128(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_zigzag(std::int64_t v, std::string& out) {
  put_uleb128((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63), out);
}

void put_u32le(std::uint32_t v, std::string& out) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

void pack_bits(const std::uint64_t* values, std::size_t count, int width, std::string& out) {
  std::size_t start = out.size();
  out.resize(start + (count * static_cast<std::size_t>(width) + 7) / 8, '\0');
  auto* p = reinterpret_cast<std::uint8_t*>(out.data() + start);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t bit = i * static_cast<std::size_t>(width);
    for (int b = 0; b < width; ++b, ++bit) {
      if ((values[i] >> b) & 1) p[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    }
  }
}

namespace {

void put_rle_run(std::uint32_t value, std::size_t run, int width, std::string& out) {
  put_uleb128(static_cast<std::uint64_t>(run) << 1, out);
  char b[4];
  std::memcpy(b, &value, 4);
  out.append(b, (static_cast<std::size_t>(width) + 7) / 8);
}

void put_packed(const std::vector<std::uint64_t>& vals, int width, std::string& out) {
  std::vector<std::uint64_t> padded = vals;
  padded.resize((vals.size() + 7) / 8 * 8, 0);
  put_uleb128(((padded.size() / 8) << 1) | 1, out);
  pack_bits(padded.data(), padded.size(), width, out);
}

}  // namespace

void encode_hybrid(const std::vector<std::uint32_t>& values, int width, std::string& out) {
  // Pending literals are flushed in groups of 8 before a run of repeats
  // starts, so a bit-packed run never needs padding but at the very end.
  std::vector<std::uint64_t> literal;
  std::size_t i = 0;
  while (i < values.size()) {
    std::size_t j = i + 1;
    while (j < values.size() && values[j] == values[i]) ++j;
    std::size_t run = j - i;
    if (run >= 8 && literal.size() % 8 == 0) {
      if (!literal.empty()) put_packed(literal, width, out), literal.clear();
      put_rle_run(values[i], run, width, out);
      i = j;
    } else {
      literal.push_back(values[i]);
      ++i;
    }
  }
  if (!literal.empty()) put_packed(literal, width, out);
}

}  // namespace shoal::parquet
