// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY, as the
// format's Encodings.md defines them.
#include "bit_io.h"
#include "decoders.h"

namespace shoal::parquet {

std::size_t decode_delta_ints(std::string_view data, std::size_t count, bool is_int32,
                              std::vector<std::int64_t>& out) {
  ByteReader r(data);
  std::uint64_t block = r.uleb128("a delta block size");
  std::uint64_t minis = r.uleb128("a delta miniblock count");
  std::uint64_t total = r.uleb128("a delta value count");
  std::int64_t first = r.zigzag("a delta first value");
  if (block == 0 || block % 128 != 0 || minis == 0 || block % minis != 0 ||
      (block / minis) % 32 != 0 || block > (1u << 20)) {
    throw FormatError("a DELTA_BINARY_PACKED header with block size " + std::to_string(block) +
                      " and " + std::to_string(minis) + " miniblocks");
  }
  if (total < count)
    throw FormatError("a DELTA_BINARY_PACKED page holds fewer values than it says");
  out.resize(count);
  const std::size_t per_mini = block / minis;
  std::vector<std::uint64_t> packed(per_mini);
  std::uint64_t prev = static_cast<std::uint64_t>(first);
  if (count > 0) out[0] = first;
  std::size_t n = count > 0 ? 1 : 0;
  // Only `count` values are decoded, whatever the header claims: a hostile
  // count with zero-width miniblocks would otherwise spin without input.
  const std::size_t want = count;
  std::size_t done = count > 0 ? 1 : 0;
  while (done < want) {
    std::uint64_t min_delta = static_cast<std::uint64_t>(r.zigzag("a delta block's min delta"));
    std::string_view widths = r.take(minis, "a delta block's bit widths");
    for (std::size_t m = 0; m < minis && done < want; ++m) {
      int w = static_cast<std::uint8_t>(widths[m]);
      if (w > 64) throw FormatError("a delta miniblock of bit width " + std::to_string(w));
      std::string_view bytes =
          r.take(per_mini * static_cast<std::size_t>(w) / 8, "a delta miniblock");
      unpack_bits(reinterpret_cast<const std::uint8_t*>(bytes.data()), per_mini, w, packed.data());
      for (std::size_t k = 0; k < per_mini && done < want; ++k, ++done) {
        prev = prev + min_delta + packed[k];  // wraps, as the format intends
        if (is_int32)
          prev = static_cast<std::uint64_t>(
              static_cast<std::int64_t>(static_cast<std::int32_t>(prev)));
        if (n < count) out[n++] = static_cast<std::int64_t>(prev);
      }
    }
  }
  return r.position();
}

void decode_delta_length(std::string_view data, std::size_t count, Values& out) {
  std::vector<std::int64_t> lengths;
  std::size_t used = decode_delta_ints(data, count, true, lengths);
  ByteReader r(data.substr(used));
  out.binary.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (lengths[i] < 0) throw FormatError("a negative DELTA_LENGTH_BYTE_ARRAY length");
    out.binary[i] = r.take(static_cast<std::size_t>(lengths[i]), "a DELTA_LENGTH_BYTE_ARRAY value");
  }
}

void decode_delta_byte_array(std::string_view data, std::size_t count, Values& out) {
  std::vector<std::int64_t> prefix;
  std::size_t used = decode_delta_ints(data, count, true, prefix);
  Values suffix;
  decode_delta_length(data.substr(used), count, suffix);
  std::size_t total = 0;
  std::size_t prev_len = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (prefix[i] < 0 || static_cast<std::size_t>(prefix[i]) > prev_len)
      throw FormatError("a DELTA_BYTE_ARRAY prefix longer than the value before it");
    prev_len = static_cast<std::size_t>(prefix[i]) + suffix.binary[i].size();
    total += prev_len;
    if (total > (std::size_t{1} << 30))
      throw FormatError("a DELTA_BYTE_ARRAY page that expands past 1 GiB");
  }
  out.owned.clear();
  out.owned.reserve(total);  // no reallocation below: views stay valid
  out.binary.resize(count);
  std::string_view prev;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t start = out.owned.size();
    out.owned.append(prev.substr(0, static_cast<std::size_t>(prefix[i])));
    out.owned.append(suffix.binary[i]);
    prev = std::string_view(out.owned).substr(start);
    out.binary[i] = prev;
  }
}

}  // namespace shoal::parquet
