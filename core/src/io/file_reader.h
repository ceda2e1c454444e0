// Byte ranges of a file read into one buffer (private to core).
//
// For a pass over a file in order, a copy from the page cache into a buffer
// that stays in cache streams faster than reading mapped pages: the kernel
// copies through its own large-page map of memory, while a walk over mapped
// 4 KiB pages leaves the hardware prefetcher to stop at each page. Measured
// here on a 1 GiB file in the page cache: 0.058 s against 0.097 s.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::detail {

class FileReader {
 public:
  /// Throws shoal::Error naming the path when it cannot be opened.
  explicit FileReader(const std::string& path);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  /// Bytes [offset, offset + n) of the file, fewer where it ends; valid
  /// until the next read. Throws shoal::Error naming the path when the
  /// read fails.
  std::string_view read(std::size_t offset, std::size_t n);

 private:
  std::string path_;
  int fd_ = -1;
  std::unique_ptr<char[]> buffer_;  // not zeroed: every byte used is read first
  std::size_t capacity_ = 0;
};

}  // namespace shoal::detail
