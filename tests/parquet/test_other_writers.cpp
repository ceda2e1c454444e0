// Files laid out the way other writers lay them out, built page by page
// with the format's own structs: Spark's INT96 timestamps, parquet-mr's
// legacy PLAIN_DICTIONARY with a dictionary_page_offset of 0 (the
// dictionary found at data_page_offset), an empty data page, and a GZIP
// page of concatenated members, as Hadoop's codec writes them.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "bit_io.h"
#include "codecs.h"
#include "footer.h"
#include "parquet_testing.h"
#include "shoal/parquet.h"
#include "thrift_codec.h"

using namespace shoal;
namespace format = shoal::parquet::format;

namespace {

class FileBuilder {
 public:
  FileBuilder() : bytes_("PAR1") {}

  std::int64_t offset() const { return static_cast<std::int64_t>(bytes_.size()); }

  // A page: header, then the stored bytes; returns the page's offset.
  std::int64_t page(format::PageHeader h, const std::string& raw, const std::string& stored) {
    std::int64_t at = offset();
    h.__set_uncompressed_page_size(static_cast<std::int32_t>(raw.size()));
    h.__set_compressed_page_size(static_cast<std::int32_t>(stored.size()));
    bytes_ += parquet::serialize(h) + stored;
    return at;
  }

  std::string finish(format::FileMetaData meta) { return bytes_ + parquet::footer_bytes(meta); }

 private:
  std::string bytes_;
};

format::PageHeader data_header(int n, format::Encoding::type e) {
  format::PageHeader h;
  h.__set_type(format::PageType::DATA_PAGE);
  format::DataPageHeader dh;
  dh.__set_num_values(n);
  dh.__set_encoding(e);
  dh.__set_definition_level_encoding(format::Encoding::RLE);
  dh.__set_repetition_level_encoding(format::Encoding::BIT_PACKED);
  h.__set_data_page_header(dh);
  return h;
}

// Definition levels (4-byte length, hybrid) then values.
std::string v1_body(const std::vector<std::uint32_t>& levels, const std::string& values) {
  std::string lv, out;
  parquet::encode_hybrid(levels, 1, lv);
  parquet::put_u32le(static_cast<std::uint32_t>(lv.size()), out);
  return out + lv + values;
}

std::string int96(std::int64_t julian_day, std::int64_t nanos_of_day) {
  std::string b(12, '\0');
  std::memcpy(b.data(), &nanos_of_day, 8);
  auto day = static_cast<std::uint32_t>(julian_day);
  std::memcpy(b.data() + 8, &day, 4);
  return b;
}

format::SchemaElement element(const std::string& name, format::Type::type t) {
  format::SchemaElement e;
  e.__set_name(name);
  e.__set_type(t);
  e.__set_repetition_type(format::FieldRepetitionType::OPTIONAL);
  return e;
}

format::ColumnChunk chunk(const std::string& name, format::Type::type t,
                          format::CompressionCodec::type codec, std::int64_t start,
                          std::int64_t end, int values) {
  format::ColumnMetaData md;
  md.__set_type(t);
  md.__set_encodings({format::Encoding::PLAIN_DICTIONARY, format::Encoding::RLE});
  md.__set_path_in_schema({name});
  md.__set_codec(codec);
  md.__set_num_values(values);
  md.__set_total_compressed_size(end - start);
  md.__set_total_uncompressed_size(end - start);
  md.__set_data_page_offset(start);
  format::ColumnChunk c;
  c.__set_file_offset(start);
  c.__set_meta_data(md);
  return c;
}

// DELTA_BINARY_PACKED as Encodings.md lays it out: blocks of 128 values in
// 4 miniblocks of 32.
std::string delta_binary_packed(const std::vector<std::int64_t>& v) {
  std::string out;
  parquet::put_uleb128(128, out);
  parquet::put_uleb128(4, out);
  parquet::put_uleb128(v.size(), out);
  parquet::put_zigzag(v.empty() ? 0 : v[0], out);
  for (std::size_t b = 1; b < v.size(); b += 128) {
    std::size_t e = std::min(v.size(), b + 128);
    std::vector<std::int64_t> d;
    for (std::size_t i = b; i < e; ++i)  // wrapping, as the format does: no signed overflow
      d.push_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(v[i]) -
                                            static_cast<std::uint64_t>(v[i - 1])));
    std::int64_t lo = *std::min_element(d.begin(), d.end());
    parquet::put_zigzag(lo, out);
    std::vector<std::uint64_t> u(128, 0);
    for (std::size_t k = 0; k < d.size(); ++k)
      u[k] = static_cast<std::uint64_t>(d[k]) - static_cast<std::uint64_t>(lo);
    std::string widths(4, '\0');
    for (std::size_t m = 0; m * 32 < d.size(); ++m)
      widths[m] = static_cast<char>(
          parquet::bit_width(*std::max_element(u.begin() + m * 32, u.begin() + m * 32 + 32)));
    out += widths;
    for (std::size_t m = 0; m * 32 < d.size(); ++m)
      parquet::pack_bits(&u[m * 32], 32, widths[m], out);
  }
  return out;
}

std::string delta_byte_array(const std::vector<std::string>& v) {
  std::vector<std::int64_t> prefix, suffix_len;
  std::string suffixes, prev;
  for (const auto& s : v) {
    std::size_t p = 0;
    while (p < prev.size() && p < s.size() && prev[p] == s[p]) ++p;
    prefix.push_back(static_cast<std::int64_t>(p));
    suffix_len.push_back(static_cast<std::int64_t>(s.size() - p));
    suffixes += s.substr(p);
    prev = s;
  }
  return delta_binary_packed(prefix) + delta_binary_packed(suffix_len) + suffixes;
}

format::ColumnChunk plain_chunk(const std::string& name, format::Type::type t, std::int64_t start,
                                std::int64_t end, int values) {
  format::ColumnChunk c =
      chunk(name, t, format::CompressionCodec::UNCOMPRESSED, start, end, values);
  return c;
}

}  // namespace

TEST_CASE(
    "FLOAT16, DELTA_BYTE_ARRAY, RLE booleans in a v2 page, BYTE_ARRAY decimals, long deltas") {
  auto dir = testing::scratch_dir("layouts");
  FileBuilder fb;
  std::vector<format::ColumnChunk> chunks;
  auto required = [](const std::string& n, format::Type::type t) {
    format::SchemaElement e = element(n, t);
    e.__set_repetition_type(format::FieldRepetitionType::REQUIRED);
    return e;
  };
  auto v1 = [&](const std::string& n, format::Type::type t, int count, format::Encoding::type enc,
                const std::string& values) {
    std::int64_t start = fb.offset();
    fb.page(data_header(count, enc), values, values);
    chunks.push_back(plain_chunk(n, t, start, fb.offset(), count));
  };
  // Halves: 1, -2.5, 65504, 2^-24, inf, NaN.
  std::string halves;
  for (std::uint16_t h : {0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00, 0x7e00})
    halves.append(reinterpret_cast<const char*>(&h), 2);
  v1("h", format::Type::FIXED_LEN_BYTE_ARRAY, 6, format::Encoding::PLAIN, halves);
  v1("w", format::Type::BYTE_ARRAY, 6, format::Encoding::DELTA_BYTE_ARRAY,
     delta_byte_array({"apple", "apply", "apricot", "banana", "band", ""}));
  // Decimal(scale 2) on BYTE_ARRAY: -1.23, 0, 2^70 + 1 (unscaled), one byte 0x80 = -1.28.
  std::string dec;
  for (std::string b : {std::string("\xff\x85", 2), std::string("\x00", 1),
                        std::string("\x40\x00\x00\x00\x00\x00\x00\x00\x01", 9),
                        std::string("\x80", 1), std::string("\x01", 1), std::string("\x02", 1)}) {
    parquet::put_u32le(static_cast<std::uint32_t>(b.size()), dec);
    dec += b;
  }
  v1("dec", format::Type::BYTE_ARRAY, 6, format::Encoding::PLAIN, dec);
  // Booleans RLE-encoded in a DATA_PAGE_V2 (no levels: required).
  {
    std::string bits;
    parquet::encode_hybrid({1, 0, 0, 1, 1, 1}, 1, bits);
    std::string values;
    parquet::put_u32le(static_cast<std::uint32_t>(bits.size()), values);
    values += bits;
    format::PageHeader h;
    h.__set_type(format::PageType::DATA_PAGE_V2);
    format::DataPageHeaderV2 dh;
    dh.__set_num_values(6);
    dh.__set_num_nulls(0);
    dh.__set_num_rows(6);
    dh.__set_encoding(format::Encoding::RLE);
    dh.__set_definition_levels_byte_length(0);
    dh.__set_repetition_levels_byte_length(0);
    dh.__set_is_compressed(false);
    h.__set_data_page_header_v2(dh);
    std::int64_t start = fb.offset();
    fb.page(h, values, values);
    chunks.push_back(plain_chunk("b", format::Type::BOOLEAN, start, fb.offset(), 6));
  }
  // DELTA_BINARY_PACKED INT64 with deltas that need 64 bits.
  std::vector<std::int64_t> wide = {0, INT64_MAX, INT64_MIN, -1, 1, 42};
  std::string packed = delta_binary_packed(wide);
  v1("i", format::Type::INT64, 6, format::Encoding::DELTA_BINARY_PACKED, packed);

  format::FileMetaData meta;
  meta.__set_version(2);
  format::SchemaElement root;
  root.__set_name("schema");
  root.__set_num_children(5);
  format::SchemaElement h = required("h", format::Type::FIXED_LEN_BYTE_ARRAY);
  h.__set_type_length(2);
  format::LogicalType f16;
  f16.__set_FLOAT16(format::Float16Type());
  h.__set_logicalType(f16);
  format::SchemaElement d = required("dec", format::Type::BYTE_ARRAY);
  d.__set_converted_type(format::ConvertedType::DECIMAL);
  d.__set_scale(2);
  d.__set_precision(30);
  format::SchemaElement w = required("w", format::Type::BYTE_ARRAY);
  w.__set_converted_type(format::ConvertedType::UTF8);
  meta.__set_schema(
      {root, h, w, d, required("b", format::Type::BOOLEAN), required("i", format::Type::INT64)});
  meta.__set_num_rows(6);
  format::RowGroup rg;
  rg.__set_columns(chunks);
  rg.__set_num_rows(6);
  rg.__set_total_byte_size(fb.offset());
  meta.__set_row_groups({rg});
  std::string path = (dir / "layouts.parquet").string();
  std::ofstream(path, std::ios::binary) << fb.finish(meta);

  Table t = read_parquet_table(path);
  REQUIRE(t.names() == std::vector<std::string>{"h", "w", "dec", "b", "i"});
  auto hv = t.column("h").float64s();
  CHECK(hv[0] == 1.0);
  CHECK(hv[1] == -2.5);
  CHECK(hv[2] == 65504.0);
  CHECK(hv[3] == std::ldexp(1.0, -24));
  CHECK(std::isinf(hv[4]));
  CHECK(std::isnan(hv[5]));
  const Column& wc = t.column("w");
  CHECK(wc.string_at(0) == "apple");
  CHECK(wc.string_at(1) == "apply");
  CHECK(wc.string_at(2) == "apricot");
  CHECK(wc.string_at(3) == "banana");
  CHECK(wc.string_at(4) == "band");
  CHECK(wc.string_at(5) == "");
  auto dv = t.column("dec").float64s();
  CHECK(dv[0] == -1.23);
  CHECK(dv[1] == 0.0);
  CHECK(dv[2] == std::ldexp(1.0, 70) / 100);
  CHECK(dv[3] == -1.28);
  auto bv = t.column("b").bools();
  CHECK(std::vector<std::uint8_t>(bv.begin(), bv.end()) ==
        std::vector<std::uint8_t>{1, 0, 0, 1, 1, 1});
  auto iv = t.column("i").int64s();
  CHECK(std::vector<std::int64_t>(iv.begin(), iv.end()) == wide);
}

TEST_CASE("Spark and parquet-mr layouts: INT96, legacy dictionaries, empty pages, gzip members") {
  auto dir = testing::scratch_dir("other-writers");
  FileBuilder fb;
  // Column "ts": INT96, uncompressed, rows 0..3 with a null at row 2.
  std::int64_t ts_start = fb.offset();
  std::string ts_values = int96(2440588, 0) + int96(2440587, 86'399'500'000'000) +
                          int96(2415021, 1);  // 1970-01-01, 1969-12-31 23:59:59.5, 1900-01-01
  fb.page(data_header(4, format::Encoding::PLAIN), v1_body({1, 1, 0, 1}, ts_values),
          v1_body({1, 1, 0, 1}, ts_values));
  std::int64_t ts_end = fb.offset();
  // Column "s": GZIP; a PLAIN_DICTIONARY dictionary page that the metadata
  // does not point at (dictionary_page_offset 0), an empty data page, then
  // the codes in a page compressed as two gzip members.
  std::int64_t s_start = fb.offset();
  std::string dict;
  for (std::string v : {"Zürich", "", "spark"}) {
    parquet::put_u32le(static_cast<std::uint32_t>(v.size()), dict);
    dict += v;
  }
  format::PageHeader dh;
  dh.__set_type(format::PageType::DICTIONARY_PAGE);
  format::DictionaryPageHeader d;
  d.__set_num_values(3);
  d.__set_encoding(format::Encoding::PLAIN_DICTIONARY);
  dh.__set_dictionary_page_header(d);
  fb.page(dh, dict, parquet::compress(format::CompressionCodec::GZIP, dict));
  std::string empty = v1_body({}, std::string(1, '\x02'));
  fb.page(data_header(0, format::Encoding::PLAIN_DICTIONARY), empty,
          parquet::compress(format::CompressionCodec::GZIP, empty));
  std::string codes(1, '\x02');  // bit width 2
  parquet::encode_hybrid({2, 0, 1}, 2, codes);
  std::string body = v1_body({1, 0, 1, 1}, codes);
  std::string members = parquet::compress(format::CompressionCodec::GZIP, body.substr(0, 5)) +
                        parquet::compress(format::CompressionCodec::GZIP, body.substr(5));
  fb.page(data_header(4, format::Encoding::PLAIN_DICTIONARY), body, members);
  std::int64_t s_end = fb.offset();

  format::FileMetaData meta;
  meta.__set_version(1);
  format::SchemaElement root;
  root.__set_name("spark_schema");
  root.__set_num_children(2);
  format::SchemaElement s = element("s", format::Type::BYTE_ARRAY);
  s.__set_converted_type(format::ConvertedType::UTF8);  // converted type only, as old writers
  meta.__set_schema({root, element("ts", format::Type::INT96), s});
  meta.__set_num_rows(4);
  format::RowGroup rg;
  format::ColumnChunk sc =
      chunk("s", format::Type::BYTE_ARRAY, format::CompressionCodec::GZIP, s_start, s_end, 4);
  sc.meta_data.__set_dictionary_page_offset(0);
  rg.__set_columns({chunk("ts", format::Type::INT96, format::CompressionCodec::UNCOMPRESSED,
                          ts_start, ts_end, 4),
                    sc});
  rg.__set_num_rows(4);
  rg.__set_total_byte_size(s_end - ts_start);
  meta.__set_row_groups({rg});
  meta.__set_created_by("parquet-mr version 1.10.1 (build spark)");
  std::string path = (dir / "spark.parquet").string();
  std::ofstream(path, std::ios::binary) << fb.finish(meta);

  Table t = read_parquet_table(path);
  REQUIRE(t.names() == std::vector<std::string>{"ts", "s"});
  const Column& ts = t.column(0);
  CHECK(ts.type() == DataType::kTimestamp);
  CHECK(ts.int64s()[0] == 0);
  CHECK(ts.int64s()[1] == -500'000'000);
  CHECK(!ts.is_valid(2));
  CHECK(ts.int64s()[3] == -2'208'988'800'000'000'000 + 1);
  const Column& str = t.column(1);
  CHECK(str.type() == DataType::kString);
  CHECK(str.string_at(0) == "spark");
  CHECK(!str.is_valid(1));
  CHECK(str.string_at(2) == "Zürich");
  CHECK(str.string_at(3) == "");
}
