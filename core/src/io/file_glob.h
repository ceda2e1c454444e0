// Paths and globs to file lists, for the readers (private to core).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shoal::detail {

/// The files `patterns` name: a plain path must be a file; `*`, `?` and
/// `[...]` in the last component match the files of its directory, in
/// natural order (digits compare as numbers: part-9 before part-10).
/// Throws shoal::Error, starting with `who` ("read_csv"), for a missing
/// file, a pattern that matches nothing, or no patterns.
std::vector<std::string> expand_paths(const std::vector<std::string>& patterns,
                                      std::string_view who);

}  // namespace shoal::detail
