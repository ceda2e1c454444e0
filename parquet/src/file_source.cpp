#include "file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bit_io.h"

namespace shoal::parquet {

FileSource::FileSource(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error("read_parquet: cannot open " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw Error("read_parquet: " + path_ + " is not a regular file");
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileSource::read(std::uint64_t offset, std::uint64_t n) const {
  std::string out;
  read_into(offset, n, out);
  return out;
}

void FileSource::read_into(std::uint64_t offset, std::uint64_t n, std::string& out) const {
  if (offset > size_ || n > size_ - offset) {
    throw FormatError("bytes " + std::to_string(offset) + ".." + std::to_string(offset + n) +
                      " lie outside the file (" + std::to_string(size_) + " bytes)");
  }
  out.resize(n);
  std::uint64_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd_, out.data() + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      throw Error("read_parquet: reading " + path_ + " failed: " + std::strerror(errno));
    done += static_cast<std::uint64_t>(got);
  }
  bytes_read_ += n;
}

}  // namespace shoal::parquet
