// Files laid out the way other writers lay them out, built page by page
// with the format's own structs: Spark's INT96 timestamps, parquet-mr's
// legacy PLAIN_DICTIONARY with a dictionary_page_offset of 0 (the
// dictionary found at data_page_offset), an empty data page, and a GZIP
// page of concatenated members, as Hadoop's codec writes them.
#include <doctest/doctest.h>

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

}  // namespace

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
