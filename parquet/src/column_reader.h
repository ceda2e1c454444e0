// One column chunk of one row group, read into a Shoal column: its pages
// (dictionary, data v1 and v2) decompressed, levels and values decoded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "column_desc.h"
#include "file_source.h"
#include "parquet_types.h"
#include "shoal/column_builder.h"

namespace shoal::parquet {

/// Bounds that keep a hostile page from making the reader allocate without
/// limit (docs/parquet.md): bytes of one decompressed page and values of one
/// page.
inline constexpr std::int64_t kMaxPageBytes = std::int64_t{1} << 30;
inline constexpr std::int64_t kMaxPageValues = std::int64_t{1} << 26;

/// The bytes of a chunk in the file: from its dictionary page (when it has
/// one) to the end of its data pages.
struct ChunkRange {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};
ChunkRange chunk_range(const format::ColumnMetaData& md, std::uint64_t file_size);

/// Buffers a reader reuses from chunk to chunk: large allocations freed and
/// made again cost page faults (mmap / munmap) that were half of a scan.
struct ChunkScratch {
  std::string chunk, page;
  std::vector<std::uint32_t> levels, indices;
};

/// Reads the chunk of `d` in a row group of `num_rows` rows, appending its
/// rows to `out` (of type d.dtype). Throws FormatError saying what is wrong;
/// the caller adds file and row group.
void read_column_chunk(const FileSource& file, const format::ColumnChunk& chunk,
                       const ColumnDesc& d, std::int64_t num_rows, ColumnBuilder& out,
                       ChunkScratch& scratch);

}  // namespace shoal::parquet
