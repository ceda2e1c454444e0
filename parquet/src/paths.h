// Which files read_parquet reads: paths, globs (in the last component) and
// directories (every *.parquet file below, as Spark, Dask and DuckDB write
// datasets), in natural order so part-9 comes before part-10.
#pragma once

#include <string>
#include <vector>

namespace shoal::parquet {

struct ParquetPath {
  std::string path;
  std::string root;  ///< The directory it was found in, "" when named or globbed.
};

/// Throws shoal::Error naming a path that does not exist or a pattern that
/// matches nothing.
std::vector<ParquetPath> expand_parquet_paths(const std::vector<std::string>& patterns);

}  // namespace shoal::parquet
