// A file read by positioned reads (pread), counting the bytes it reads: what
// lets a test prove that a projection or a filter skipped column chunks.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace shoal::parquet {

class FileSource {
 public:
  /// Opens `path`; throws shoal::Error naming it and the system's reason.
  explicit FileSource(std::string path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::uint64_t size() const noexcept { return size_; }
  /// Bytes [offset, offset + n). Throws shoal::Error when they lie outside
  /// the file or the read fails. Thread-safe.
  std::string read(std::uint64_t offset, std::uint64_t n) const;
  /// The same, into `out` (resized), so a caller can reuse its memory.
  void read_into(std::uint64_t offset, std::uint64_t n, std::string& out) const;
  std::uint64_t bytes_read() const noexcept { return bytes_read_.load(); }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  mutable std::atomic<std::uint64_t> bytes_read_{0};
};

}  // namespace shoal::parquet
