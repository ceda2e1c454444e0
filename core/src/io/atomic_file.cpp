#include "shoal/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "shoal/error.h"

namespace shoal {
namespace {

std::filesystem::path temporary_name(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return tmp;
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::filesystem::path& tmp,
                       const std::string& reason) {
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  throw Error("cannot write '" + path.string() + "': " + reason +
              "; check that its directory exists and is writable");
}

// Appends the whole of `from` to `to`; false on a read or write error.
bool append_file(std::FILE* to, const std::filesystem::path& from) {
  std::FILE* in = std::fopen(from.c_str(), "rb");
  if (!in) return false;
  char buf[1 << 16];
  bool ok = true;
  for (std::size_t n; ok && (n = std::fread(buf, 1, sizeof buf, in)) > 0;)
    ok = std::fwrite(buf, 1, n, to) == n;
  ok = ok && !std::ferror(in);
  std::fclose(in);
  return ok;
}

}  // namespace

void join_files_atomically(const std::filesystem::path& path,
                           std::span<const std::filesystem::path> parts) {
  const std::filesystem::path tmp = temporary_name(path);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) fail(path, tmp, std::strerror(errno));
  for (const auto& part : parts) {
    if (!append_file(f, part)) {
      int saved = errno;
      std::fclose(f);
      fail(path, tmp, "reading '" + part.string() + "': " + std::strerror(saved));
    }
  }
  if (std::fclose(f) != 0) fail(path, tmp, std::strerror(errno));
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail(path, tmp, ec.message());
  for (const auto& part : parts) std::filesystem::remove(part, ec);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path tmp = temporary_name(path);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) fail(path, tmp, std::strerror(errno));
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int saved = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) fail(path, tmp, std::strerror(saved ? saved : errno));
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail(path, tmp, ec.message());
}

}  // namespace shoal
