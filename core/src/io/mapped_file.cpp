#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "shoal/error.h"

namespace shoal::detail {

MappedFile::MappedFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot open '" + path + "': " + std::strerror(errno) + "; check the path");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw Error("cannot stat '" + path + "': " + std::strerror(e));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      throw Error("cannot map '" + path + "': " + std::strerror(e));
    }
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);  // the mapping keeps the file alive
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

void MappedFile::advise_sequential(std::size_t offset, std::size_t n) const noexcept {
  if (!data_ || offset >= size_) return;
  std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::size_t start = offset / page * page;
  std::size_t len = std::min(size_, offset + n) - start;
  ::madvise(const_cast<char*>(data_) + start, len, MADV_SEQUENTIAL);
#ifdef MADV_POPULATE_READ
  // One call maps every page of the range (they are in the page cache, or
  // read now) instead of one minor fault per 4 KiB page as the parser walks
  // it: a tenth of read_csv's time went to those faults. Older kernels
  // refuse the advice (EINVAL), and the pages then fault in as before.
  ::madvise(const_cast<char*>(data_) + start, len, MADV_POPULATE_READ);
#else
  ::madvise(const_cast<char*>(data_) + start, len, MADV_WILLNEED);
#endif
}

void MappedFile::release(std::size_t offset, std::size_t n) const noexcept {
  if (!data_ || offset >= size_) return;
  std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::size_t start = offset / page * page;
  std::size_t stop = std::min(size_, offset + n) / page * page;
  if (stop > start) ::madvise(const_cast<char*>(data_) + start, stop - start, MADV_DONTNEED);
}

}  // namespace shoal::detail
