// ParquetFile's state, shared by parquet_file.cpp and statistics.cpp.
#pragma once

#include <memory>

#include "column_desc.h"
#include "file_source.h"
#include "parquet_types.h"
#include "shoal/parquet.h"

namespace shoal {

struct ParquetFile::Impl {
  std::unique_ptr<parquet::FileSource> source;
  parquet::format::FileMetaData meta;
  std::vector<parquet::ColumnDesc> columns;  // top level, nested ones included
  ParquetFileInfo info;

  /// The readable column named `name`; throws shoal::Error naming the file
  /// and the columns there are, or why a nested one cannot be read.
  const parquet::ColumnDesc& column(const std::string& name) const;
  /// `names`, or every column when empty.
  std::vector<const parquet::ColumnDesc*> select(const std::vector<std::string>& names) const;
  /// The chunk of `d` in row group `rg`; throws naming file, group, column.
  const parquet::format::ColumnChunk& chunk(int rg, const parquet::ColumnDesc& d) const;
  /// "read_parquet: FILE, row group RG, column 'C': "
  std::string where(int rg = -1, const std::string& column = "") const;
};

}  // namespace shoal
