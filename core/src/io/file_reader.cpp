#include "io/file_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "shoal/error.h"

namespace shoal::detail {

FileReader::FileReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw Error("cannot open '" + path + "': " + std::strerror(errno) + "; check the path");
}

FileReader::~FileReader() {
  ::close(fd_);
}

std::string_view FileReader::read(std::size_t offset, std::size_t n) {
  if (n > capacity_) {
    buffer_.reset(new char[n]);
    capacity_ = n;
  }
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd_, buffer_.get() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw Error("cannot read '" + path_ + "': " + std::strerror(errno));
    if (r == 0) break;  // the end of the file
    got += static_cast<std::size_t>(r);
  }
  return {buffer_.get(), got};
}

}  // namespace shoal::detail
