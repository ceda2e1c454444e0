#include <algorithm>

#include "bit_io.h"
#include "column_reader.h"
#include "file_impl.h"
#include "footer.h"
#include "shoal/column_builder.h"

namespace shoal {

using parquet::ColumnDesc;
using parquet::FormatError;

std::string ParquetFile::Impl::where(int rg, const std::string& column) const {
  std::string s = "read_parquet: " + info.path;
  if (rg >= 0) s += ", row group " + std::to_string(rg);
  if (!column.empty()) s += ", column '" + column + "'";
  return s + ": ";
}

const ColumnDesc& ParquetFile::Impl::column(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name != name) continue;
    if (!c.nested.empty())
      throw Error(where(-1, name) + "it is " + c.nested +
                  ", which Shoal does not read (flat schemas only); leave it out of columns=");
    return c;
  }
  throw Error(where() + "no column '" + name + "'; it has " + info.schema.str());
}

std::vector<const ColumnDesc*> ParquetFile::Impl::select(
    const std::vector<std::string>& names) const {
  std::vector<const ColumnDesc*> out;
  if (names.empty()) {
    for (const auto& c : columns) out.push_back(&column(c.name));
  } else {
    for (const auto& n : names) out.push_back(&column(n));
  }
  return out;
}

const parquet::format::ColumnChunk& ParquetFile::Impl::chunk(int rg, const ColumnDesc& d) const {
  if (rg < 0 || static_cast<std::size_t>(rg) >= meta.row_groups.size())
    throw Error(where() + "no row group " + std::to_string(rg) + " (it has " +
                std::to_string(meta.row_groups.size()) + ")");
  const auto& cols = meta.row_groups[static_cast<std::size_t>(rg)].columns;
  if (static_cast<std::size_t>(d.chunk) >= cols.size())
    throw Error(where(rg, d.name) + "the row group has only " + std::to_string(cols.size()) +
                " column chunks");
  return cols[static_cast<std::size_t>(d.chunk)];
}

ParquetFile::ParquetFile(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->info.path = path;
  impl_->source = std::make_unique<parquet::FileSource>(path);
  try {
    impl_->meta = parquet::read_footer(*impl_->source);
    impl_->columns = parquet::describe_columns(impl_->meta.schema);
  } catch (const FormatError& e) {
    throw Error(impl_->where() + e.what());
  }
  ParquetFileInfo& info = impl_->info;
  for (const auto& c : impl_->columns) {
    if (!c.nested.empty()) continue;
    info.schema.names.push_back(c.name);
    info.schema.types.push_back(c.dtype);
  }
  info.num_rows = impl_->meta.num_rows;
  for (const auto& rg : impl_->meta.row_groups) info.row_group_rows.push_back(rg.num_rows);
  info.created_by = impl_->meta.created_by;
}

ParquetFile::~ParquetFile() = default;
ParquetFile::ParquetFile(ParquetFile&&) noexcept = default;
ParquetFile& ParquetFile::operator=(ParquetFile&&) noexcept = default;

const ParquetFileInfo& ParquetFile::info() const noexcept {
  return impl_->info;
}

std::int64_t ParquetFile::bytes_read() const noexcept {
  return static_cast<std::int64_t>(impl_->source->bytes_read());
}

Table ParquetFile::read(const std::vector<int>& row_groups,
                        const std::vector<std::string>& columns) const {
  std::vector<const ColumnDesc*> want = impl_->select(columns);
  std::vector<std::string> names;
  std::vector<std::shared_ptr<const Column>> out;
  std::int64_t rows = 0;
  const auto& groups = impl_->meta.row_groups;
  for (int rg : row_groups) {
    if (rg < 0 || static_cast<std::size_t>(rg) >= groups.size())
      throw Error(impl_->where() + "no row group " + std::to_string(rg) + " (it has " +
                  std::to_string(groups.size()) + ")");
    rows += groups[static_cast<std::size_t>(rg)].num_rows;
  }
  parquet::ChunkScratch scratch;
  for (const ColumnDesc* d : want) {
    names.push_back(d->name);
    // One builder across row groups: rows are appended once, never copied.
    ColumnBuilder b(d->dtype, static_cast<std::size_t>(std::clamp<std::int64_t>(rows, 0, 1 << 24)));
    for (int rg : row_groups) {
      const auto& chunk = impl_->chunk(rg, *d);
      std::int64_t n = impl_->meta.row_groups[static_cast<std::size_t>(rg)].num_rows;
      try {
        parquet::read_column_chunk(*impl_->source, chunk, *d, n, b, scratch);
      } catch (const FormatError& e) {
        throw Error(impl_->where(rg, d->name) + e.what());
      }
    }
    out.push_back(b.finish_shared());
  }
  return Table(std::move(names), std::move(out));
}

std::int64_t ParquetFile::uncompressed_bytes(int rg,
                                             const std::vector<std::string>& columns) const {
  std::int64_t n = 0;
  for (const ColumnDesc* d : impl_->select(columns)) {
    const auto& c = impl_->chunk(rg, *d);
    if (c.__isset.meta_data) n += c.meta_data.total_uncompressed_size;
  }
  return n;
}

std::int64_t ParquetFile::compressed_bytes(int rg, const std::vector<std::string>& columns) const {
  std::int64_t n = 0;
  for (const ColumnDesc* d : impl_->select(columns)) {
    const auto& c = impl_->chunk(rg, *d);
    if (c.__isset.meta_data) n += c.meta_data.total_compressed_size;
  }
  return n;
}

Table read_parquet_table(const std::string& path, const std::vector<std::string>& columns) {
  ParquetFile f(path);
  std::vector<int> all(f.info().row_group_rows.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  return f.read(all, columns);
}

}  // namespace shoal
