// A read-only memory map of a whole file (private to core). Pages are read
// lazily by the kernel, so mapping a large file to parse one block of it
// costs only that block's pages.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace shoal::detail {

class MappedFile {
 public:
  /// Throws shoal::Error naming the path when it cannot be opened.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  /// Hints that [offset, offset + n) will be read in order, and maps its
  /// pages now, in one call.
  void advise_sequential(std::size_t offset, std::size_t n) const noexcept;
  /// Unmaps from this process the pages from the one holding `offset` up
  /// to the one holding offset + n, exclusive (the page cache keeps them;
  /// reading them again maps them again): a reader that walks a file in
  /// chunks releases what it has read, so its resident set stays one
  /// chunk, not the whole range.
  void release(std::size_t offset, std::size_t n) const noexcept;

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace shoal::detail
