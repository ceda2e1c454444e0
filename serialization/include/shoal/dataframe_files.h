// DataFrames in .shoal columnar files (shoal/data_file.h): one file per
// partition, types and nulls stored exactly, read back without parsing.
//
//   df.to_shoal("trips-*.shoal");
//   shoal::DataFrame again = shoal::read_shoal("trips-*.shoal");
//
// The ops these name ("dataframe.read_shoal", "dataframe.to_shoal") are
// registered when this library is loaded, so every process that links
// Shoal::serialization — workers included — can run the graphs.
#pragma once

#include <string>
#include <vector>

#include "shoal/dataframe.h"
#include "shoal/executor.h"

namespace shoal {

/// Writes partition i to `pattern` with `*` replaced by i (a `*` is
/// required when there are several partitions), each file written to a
/// temporary name and renamed. Returns the paths written.
std::vector<std::string> to_shoal(const DataFrame& frame, const std::string& pattern,
                                  Executor& executor);
std::vector<std::string> to_shoal(const DataFrame& frame, const std::string& pattern);

/// A lazy DataFrame of the files (paths or globs; files in name order,
/// numbers sorted numerically so part-10 follows part-9), one partition
/// each. Reads the first file now, for the schema; every file must hold one
/// table with that schema (a task reading another fails naming the file).
DataFrame read_shoal(const std::vector<std::string>& paths_or_globs);
DataFrame read_shoal(const std::string& path_or_glob);

}  // namespace shoal
