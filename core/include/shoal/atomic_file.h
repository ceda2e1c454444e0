// Writing a file so that readers never see half of it.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

namespace shoal {

/// Writes `bytes` to a temporary file beside `path` (unique to this process
/// and call) and renames it over `path`: a reader sees the old file or the
/// whole new one, and a failure leaves no partial file behind. Throws
/// shoal::Error naming the path and the system's reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// Writes the files `parts`, one after the other, to `path` the same way
/// (streamed: a part is never held whole), then removes the parts. On
/// failure `path` is untouched and the parts are left as they were.
void join_files_atomically(const std::filesystem::path& path,
                           std::span<const std::filesystem::path> parts);

}  // namespace shoal
