// File patterns, for the readers of every layer (read_csv, read_text,
// read_parquet): one matching rule and one order, so that the files a frame
// wrote as part-*.ext come back in partition order whichever reader reads
// them.
#pragma once

#include <string>
#include <vector>

namespace shoal {

/// The regular files whose names match the last component of `pattern`
/// (`*`, `?`, `[...]`, as fnmatch) in its directory (the current one when it
/// has none), in natural order. Paths keep the pattern's directory prefix.
/// An unreadable or missing directory matches nothing.
std::vector<std::string> glob_files(const std::string& pattern);

/// Natural order: runs of digits compare as numbers ("part-9" before
/// "part-10"); ties (such as "01" and "1") fall back to plain order.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace shoal
