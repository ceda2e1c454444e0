#include "column_reader.h"

#include "bit_io.h"
#include "codecs.h"
#include "convert.h"
#include "decoders.h"
#include "shoal/column_builder.h"
#include "thrift_codec.h"

namespace shoal::parquet {
namespace {

using format::Encoding;
using format::PageType;

bool is_dictionary_encoding(int e) {
  return e == Encoding::PLAIN_DICTIONARY || e == Encoding::RLE_DICTIONARY;
}

class ChunkReader {
 public:
  ChunkReader(const format::ColumnMetaData& md, const ColumnDesc& d, std::int64_t num_rows,
              ColumnBuilder& out, ChunkScratch& scratch)
      : md_(md),
        d_(d),
        rows_(num_rows),
        out_(out),
        levels_(scratch.levels),
        indices_(scratch.indices),
        buffer_(scratch.page) {}

  void page(const format::PageHeader& h, std::string_view body) {
    if (h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes)
      throw FormatError("a page of " + std::to_string(h.uncompressed_page_size) + " bytes");
    switch (h.type) {
      case PageType::DICTIONARY_PAGE:
        return dictionary_page(h, body);
      case PageType::DATA_PAGE:
        return data_page_v1(h, body);
      case PageType::DATA_PAGE_V2:
        return data_page_v2(h, body);
      default:
        return;  // index pages carry nothing Shoal reads
    }
  }

  std::int64_t rows_read() const noexcept { return seen_; }

 private:
  std::size_t page_values(std::int64_t n) {
    if (n < 0 || n > kMaxPageValues || n > rows_ - seen_)
      throw FormatError("a data page of " + std::to_string(n) + " values where " +
                        std::to_string(rows_ - seen_) + " rows remain in the row group");
    return static_cast<std::size_t>(n);
  }

  void dictionary_page(const format::PageHeader& h, std::string_view body) {
    if (!h.__isset.dictionary_page_header)
      throw FormatError("a dictionary page without its header");
    const auto& dh = h.dictionary_page_header;
    if (dh.num_values < 0 || dh.num_values > kMaxPageValues)
      throw FormatError("a dictionary of " + std::to_string(dh.num_values) + " values");
    std::string_view bytes =
        decompress(md_.codec, body, static_cast<std::size_t>(h.uncompressed_page_size), buffer_);
    Values v;
    decode_values(d_, Encoding::PLAIN, bytes, static_cast<std::size_t>(dh.num_values), v);
    ColumnBuilder b(d_.dtype, v.count);
    append_values(d_, v, b);
    dict_ = b.finish_shared();
  }

  void data_page_v1(const format::PageHeader& h, std::string_view body) {
    if (!h.__isset.data_page_header) throw FormatError("a data page without its header");
    const auto& dh = h.data_page_header;
    std::size_t n = page_values(dh.num_values);
    std::string_view bytes =
        decompress(md_.codec, body, static_cast<std::size_t>(h.uncompressed_page_size), buffer_);
    ByteReader r(bytes);
    if (d_.optional) {
      if (dh.definition_level_encoding != Encoding::RLE)
        throw FormatError("definition levels in encoding " +
                          std::to_string(dh.definition_level_encoding) + " (only RLE is read)");
      std::uint32_t len = r.u32le("the length of the definition levels");
      decode_hybrid(r.take(len, "the definition levels"), 1, n, levels_);
    }
    values(dh.encoding, r.rest(), n);
  }

  void data_page_v2(const format::PageHeader& h, std::string_view body) {
    if (!h.__isset.data_page_header_v2) throw FormatError("a v2 data page without its header");
    const auto& dh = h.data_page_header_v2;
    std::size_t n = page_values(dh.num_values);
    std::int64_t rep = dh.repetition_levels_byte_length, def = dh.definition_levels_byte_length;
    if (rep < 0 || def < 0 || rep + def > static_cast<std::int64_t>(body.size()) ||
        rep + def > h.uncompressed_page_size)
      throw FormatError("a v2 data page whose level lengths do not fit it");
    if (d_.optional) decode_hybrid(body.substr(rep, def), 1, n, levels_);
    std::string_view rest = body.substr(static_cast<std::size_t>(rep + def));
    auto raw = static_cast<std::size_t>(h.uncompressed_page_size - rep - def);
    bool compressed = !dh.__isset.is_compressed || dh.is_compressed;
    std::string_view bytes = compressed ? decompress(md_.codec, rest, raw, buffer_) : rest;
    values(dh.encoding, bytes, n);
  }

  // The page's n slots: levels (when optional) say which hold a value.
  void values(int encoding, std::string_view data, std::size_t n) {
    std::size_t present = n;
    if (d_.optional) {
      present = 0;
      for (std::size_t i = 0; i < n; ++i) present += levels_[i] != 0;
    }
    if (is_dictionary_encoding(encoding)) {
      dictionary_values(data, n, present);
    } else if (present == n) {
      Values v;
      decode_values(d_, encoding, data, n, v);
      append_values(d_, v, out_);
    } else {
      Values v;
      decode_values(d_, encoding, data, present, v);
      ColumnBuilder b(d_.dtype, present);
      append_values(d_, v, b);
      Column c = b.finish();
      for (std::size_t i = 0, k = 0; i < n; ++i) {
        if (levels_[i])
          out_.append_from(c, k++);
        else
          out_.append_null();
      }
    }
    seen_ += static_cast<std::int64_t>(n);
  }

  void dictionary_values(std::string_view data, std::size_t n, std::size_t present) {
    if (!dict_) throw FormatError("dictionary-encoded values but no dictionary page before them");
    ByteReader r(data);
    int width = present ? r.byte("the dictionary index bit width") : 0;
    decode_hybrid(r.rest(), width, present, indices_);
    const std::size_t size = dict_->size();
    for (std::size_t k = 0; k < present; ++k) {
      if (indices_[k] >= size)
        throw FormatError("dictionary index " + std::to_string(indices_[k]) +
                          " of a dictionary of " + std::to_string(size));
    }
    if (present == n && dict_->null_count() == 0) {
      switch (dict_->type()) {
        case DataType::kString:
          return gather_strings(n);
        case DataType::kInt64:
        case DataType::kTimestamp:
          return gather(dict_->int64s(), n);
        case DataType::kFloat64:
          return gather(dict_->float64s(), n);
        default:
          break;
      }
    }
    for (std::size_t i = 0, k = 0; i < n; ++i) {
      if (d_.optional && !levels_[i])
        out_.append_null();
      else
        out_.append_from(*dict_, indices_[k++]);
    }
  }

  template <class T>
  void gather(std::span<const T> dict, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, double>)
        out_.append_float64(dict[indices_[i]]);
      else
        out_.append_int64(dict[indices_[i]]);
    }
  }

  // The common case of dictionary strings without nulls, without
  // append_from's per-row dispatch.
  void gather_strings(std::size_t n) {
    const StringData& s = dict_->strings();
    for (std::size_t i = 0; i < n; ++i) {
      auto at = static_cast<std::size_t>(indices_[i]);
      out_.append_string(std::string_view(s.chars).substr(
          static_cast<std::size_t>(s.offsets[at]),
          static_cast<std::size_t>(s.offsets[at + 1] - s.offsets[at])));
    }
  }

  const format::ColumnMetaData& md_;
  const ColumnDesc& d_;
  std::int64_t rows_;
  std::int64_t seen_ = 0;
  ColumnBuilder& out_;
  std::shared_ptr<const Column> dict_;
  std::vector<std::uint32_t>& levels_;
  std::vector<std::uint32_t>& indices_;
  std::string& buffer_;  // decompressed pages, one at a time
};

}  // namespace

ChunkRange chunk_range(const format::ColumnMetaData& md, std::uint64_t file_size) {
  std::int64_t start = md.data_page_offset;
  // Some writers record a dictionary offset of 0 when there is none.
  if (md.__isset.dictionary_page_offset && md.dictionary_page_offset >= 4 &&
      md.dictionary_page_offset < start)
    start = md.dictionary_page_offset;
  if (start < 4 || md.total_compressed_size <= 0 || static_cast<std::uint64_t>(start) > file_size ||
      static_cast<std::uint64_t>(md.total_compressed_size) >
          file_size - static_cast<std::uint64_t>(start)) {
    throw FormatError("the chunk's bytes (offset " + std::to_string(start) + ", " +
                      std::to_string(md.total_compressed_size) + " bytes) lie outside the file");
  }
  return {static_cast<std::uint64_t>(start), static_cast<std::uint64_t>(md.total_compressed_size)};
}

void read_column_chunk(const FileSource& file, const format::ColumnChunk& chunk,
                       const ColumnDesc& d, std::int64_t num_rows, ColumnBuilder& out,
                       ChunkScratch& scratch) {
  if (!chunk.__isset.meta_data) throw FormatError("the chunk has no metadata");
  if (chunk.__isset.file_path && !chunk.file_path.empty())
    throw FormatError("the chunk lives in another file (" + chunk.file_path +
                      "), which Shoal does not follow");
  const format::ColumnMetaData& md = chunk.meta_data;
  if (md.type != d.physical) throw FormatError("the chunk's type differs from the schema's");
  if (num_rows < 0 || num_rows > (std::int64_t{1} << 40))
    throw FormatError("a row group of " + std::to_string(num_rows) + " rows");
  ChunkRange range = chunk_range(md, file.size());
  file.read_into(range.offset, range.size, scratch.chunk);
  const std::string& bytes = scratch.chunk;
  ChunkReader reader(md, d, num_rows, out, scratch);
  std::size_t pos = 0;
  while (reader.rows_read() < num_rows) {
    if (pos >= bytes.size()) throw FormatError("the chunk ends before its row group's rows do");
    format::PageHeader h;
    std::string_view rest = std::string_view(bytes).substr(pos);
    pos += deserialize(rest, h, "page header");
    if (h.compressed_page_size < 0 ||
        static_cast<std::size_t>(h.compressed_page_size) > bytes.size() - pos)
      throw FormatError("a page of " + std::to_string(h.compressed_page_size) +
                        " bytes runs past the chunk's end");
    reader.page(
        h, std::string_view(bytes).substr(pos, static_cast<std::size_t>(h.compressed_page_size)));
    pos += static_cast<std::size_t>(h.compressed_page_size);
  }
}

}  // namespace shoal::parquet
