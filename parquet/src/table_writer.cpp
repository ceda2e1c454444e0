// write_parquet_bytes: a table as one Parquet file. Row groups of
// row_group_size rows; per column chunk an optional dictionary page and data
// pages of about page_size bytes; the footer with statistics and Shoal's
// schema in the key-value metadata.
#include "bit_io.h"
#include "codecs.h"
#include "encoders.h"
#include "footer.h"
#include "shoal/error.h"
#include "shoal/parquet.h"
#include "thrift_codec.h"

namespace shoal {
namespace {

namespace format = parquet::format;

int codec_of(ParquetCompression c) {
  switch (c) {
    case ParquetCompression::kNone:
      return format::CompressionCodec::UNCOMPRESSED;
    case ParquetCompression::kSnappy:
      return format::CompressionCodec::SNAPPY;
    case ParquetCompression::kGzip:
      return format::CompressionCodec::GZIP;
    case ParquetCompression::kZstd:
      return format::CompressionCodec::ZSTD;
    case ParquetCompression::kLz4Raw:
      return format::CompressionCodec::LZ4_RAW;
    case ParquetCompression::kBrotli:
      return format::CompressionCodec::BROTLI;
  }
  return format::CompressionCodec::UNCOMPRESSED;
}

std::size_t row_bytes(const Column& c) {
  if (c.type() != DataType::kString) return 8;
  return 4 + c.strings().chars.size() / std::max<std::size_t>(1, c.size());
}

class ChunkWriter {
 public:
  ChunkWriter(std::string& out, const ParquetWriteOptions& o, int codec)
      : out_(out), o_(o), codec_(codec) {}

  format::ColumnChunk write(const Column& c, std::size_t begin, std::size_t end) {
    md_.__set_type(parquet::schema_element("", c.type()).type);
    md_.__set_codec(codec_);
    md_.__set_num_values(static_cast<std::int64_t>(end - begin));
    std::optional<parquet::Dictionary> dict;
    if (o_.dictionary && c.type() == DataType::kString)
      dict = parquet::build_dictionary(c, begin, end, o_.dictionary_limit);
    std::vector<std::int32_t> encodings{format::Encoding::RLE};
    if (dict) {
      md_.__set_dictionary_page_offset(static_cast<std::int64_t>(out_.size()));
      dictionary_page(*dict);
      encodings.push_back(format::Encoding::PLAIN);
      encodings.push_back(format::Encoding::RLE_DICTIONARY);
    } else {
      encodings.push_back(format::Encoding::PLAIN);
    }
    md_.__set_data_page_offset(static_cast<std::int64_t>(out_.size()));
    data_pages(c, begin, end, dict ? &*dict : nullptr);
    md_.__set_encodings(encodings);
    md_.__set_total_compressed_size(compressed_);
    md_.__set_total_uncompressed_size(uncompressed_);
    md_.__set_statistics(parquet::statistics(c, begin, end));
    format::ColumnChunk chunk;
    chunk.__set_file_offset(md_.__isset.dictionary_page_offset ? md_.dictionary_page_offset
                                                               : md_.data_page_offset);
    chunk.__set_meta_data(md_);
    return chunk;
  }

  format::ColumnMetaData& metadata() { return md_; }

 private:
  void page(format::PageHeader& h, std::string_view raw, std::string_view stored) {
    h.__set_uncompressed_page_size(static_cast<std::int32_t>(raw.size()));
    h.__set_compressed_page_size(static_cast<std::int32_t>(stored.size()));
    std::string head = parquet::serialize(h);
    out_ += head;
    out_.append(stored);
    compressed_ += static_cast<std::int64_t>(head.size() + stored.size());
    uncompressed_ += static_cast<std::int64_t>(head.size() + raw.size());
  }

  void dictionary_page(const parquet::Dictionary& d) {
    format::PageHeader h;
    h.__set_type(format::PageType::DICTIONARY_PAGE);
    format::DictionaryPageHeader dh;
    dh.__set_num_values(static_cast<std::int32_t>(d.size));
    dh.__set_encoding(format::Encoding::PLAIN);
    h.__set_dictionary_page_header(dh);
    page(h, d.plain, parquet::compress(codec_, d.plain));
  }

  void data_pages(const Column& c, std::size_t begin, std::size_t end,
                  const parquet::Dictionary* d) {
    std::size_t per_page = std::max<std::size_t>(1, o_.page_size / row_bytes(c));
    std::size_t code = 0;  // codes are per valid row of the chunk
    for (std::size_t b = begin; b < end || b == begin; b += per_page) {
      std::size_t e = std::min(end, b + per_page);
      std::size_t valid = 0;
      for (std::size_t i = b; i < e; ++i) valid += c.is_valid(i);
      std::string values = d ? parquet::encode_codes(d->codes, code, code + valid, d->size)
                             : parquet::encode_plain(c, b, e);
      code += valid;
      data_page(c, b, e, valid, values,
                d ? format::Encoding::RLE_DICTIONARY : format::Encoding::PLAIN);
      if (e >= end) break;
    }
  }

  void data_page(const Column& c, std::size_t b, std::size_t e, std::size_t valid,
                 const std::string& values, format::Encoding::type encoding) {
    std::string levels = parquet::encode_levels(c, b, e);
    format::PageHeader h;
    auto n = static_cast<std::int32_t>(e - b);
    if (o_.data_page_version == 2) {
      h.__set_type(format::PageType::DATA_PAGE_V2);
      format::DataPageHeaderV2 dh;
      dh.__set_num_values(n);
      dh.__set_num_nulls(static_cast<std::int32_t>(e - b - valid));
      dh.__set_num_rows(n);
      dh.__set_encoding(encoding);
      dh.__set_definition_levels_byte_length(static_cast<std::int32_t>(levels.size()));
      dh.__set_repetition_levels_byte_length(0);
      dh.__set_is_compressed(codec_ != format::CompressionCodec::UNCOMPRESSED);
      dh.__set_statistics(parquet::statistics(c, b, e));
      h.__set_data_page_header_v2(dh);
      std::string raw = levels + values;
      page(h, raw, levels + parquet::compress(codec_, values));
      return;
    }
    h.__set_type(format::PageType::DATA_PAGE);
    format::DataPageHeader dh;
    dh.__set_num_values(n);
    dh.__set_encoding(encoding);
    dh.__set_definition_level_encoding(format::Encoding::RLE);
    dh.__set_repetition_level_encoding(format::Encoding::RLE);
    h.__set_data_page_header(dh);
    std::string raw;
    parquet::put_u32le(static_cast<std::uint32_t>(levels.size()), raw);
    raw += levels;
    raw += values;
    page(h, raw, parquet::compress(codec_, raw));
  }

  std::string& out_;
  const ParquetWriteOptions& o_;
  int codec_;
  format::ColumnMetaData md_;
  std::int64_t compressed_ = 0, uncompressed_ = 0;
};

std::vector<format::SchemaElement> file_schema(const Table& t) {
  std::vector<format::SchemaElement> s(1);
  s[0].__set_name("schema");
  s[0].__set_num_children(static_cast<std::int32_t>(t.num_columns()));
  for (std::size_t i = 0; i < t.num_columns(); ++i)
    s.push_back(parquet::schema_element(t.names()[i], t.column(i).type()));
  return s;
}

std::string shoal_schema(const Table& t) {
  Schema s;
  s.names = t.names();
  for (std::size_t i = 0; i < t.num_columns(); ++i) s.types.push_back(t.column(i).type());
  return s.str();
}

}  // namespace

std::string write_parquet_bytes(const Table& t, const ParquetWriteOptions& o) {
  if (o.row_group_size == 0) throw Error("to_parquet: row_group_size must be at least 1");
  if (o.data_page_version != 1 && o.data_page_version != 2)
    throw Error("to_parquet: data_page_version is 1 or 2, not " +
                std::to_string(o.data_page_version));
  const int codec = codec_of(o.compression);
  std::string out = "PAR1";
  format::FileMetaData meta;
  meta.__set_version(2);
  meta.__set_schema(file_schema(t));
  meta.__set_num_rows(static_cast<std::int64_t>(t.num_rows()));
  std::vector<format::RowGroup> groups;
  for (std::size_t b = 0; b < t.num_rows(); b += o.row_group_size) {
    std::size_t e = std::min(t.num_rows(), b + o.row_group_size);
    format::RowGroup rg;
    rg.__set_file_offset(static_cast<std::int64_t>(out.size()));
    std::int64_t total = 0, compressed = 0;
    for (std::size_t i = 0; i < t.num_columns(); ++i) {
      ChunkWriter w(out, o, codec);
      format::ColumnChunk chunk = w.write(t.column(i), b, e);
      chunk.meta_data.__set_path_in_schema({t.names()[i]});
      total += chunk.meta_data.total_uncompressed_size;
      compressed += chunk.meta_data.total_compressed_size;
      rg.columns.push_back(chunk);
    }
    rg.__set_total_byte_size(total);
    rg.__set_total_compressed_size(compressed);
    rg.__set_num_rows(static_cast<std::int64_t>(e - b));
    if (groups.size() < 32768) rg.__set_ordinal(static_cast<std::int16_t>(groups.size()));
    groups.push_back(std::move(rg));
  }
  meta.__set_row_groups(groups);
  format::KeyValue kv;
  kv.__set_key("shoal.schema");
  kv.__set_value(shoal_schema(t));
  meta.__set_key_value_metadata({kv});
  meta.__set_created_by("shoal version 0.1.0");
  std::vector<format::ColumnOrder> orders(t.num_columns());
  for (auto& c : orders) c.__set_TYPE_ORDER(format::TypeDefinedOrder());
  meta.__set_column_orders(orders);
  out += parquet::footer_bytes(meta);
  return out;
}

}  // namespace shoal
