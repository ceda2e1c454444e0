// Which files read_parquet reads: paths, globs (in the last component) and
// directories (every *.parquet file below, as Spark, Dask and DuckDB write
// datasets), in natural order so part-9 comes before part-10.
#pragma once

#include <string>
#include <vector>

namespace shoal::parquet {

/// Throws shoal::Error naming a path that does not exist or a pattern that
/// matches nothing.
std::vector<std::string> expand_parquet_paths(const std::vector<std::string>& patterns);

}  // namespace shoal::parquet
