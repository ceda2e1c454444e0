// Helpers of the deployment tests: the `shoal` binary, a port nothing
// listens on, and `shoal run` of an example pipeline copied into a
// directory of the test's own.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace shoal::testing {

inline const std::string kShoalExe = SHOAL_EXE;

/// A port of 127.0.0.1 that was free a moment ago and that nothing listens
/// on now (the kernel gave it out, we closed it).
inline std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Copies examples/pipelines/NAME.shoal.json and examples/data into `dir`
/// (as pipelines/ and data/, so the pipeline's relative paths hold) and
/// returns the copied pipeline's path.
inline std::filesystem::path copy_example(const std::filesystem::path& dir,
                                          const std::string& name) {
  const std::filesystem::path examples =
      std::filesystem::path(SHOAL_EXAMPLE_PIPELINES).parent_path();
  std::filesystem::create_directories(dir / "pipelines");
  if (!std::filesystem::exists(dir / "data"))
    std::filesystem::copy(examples / "data", dir / "data");
  std::filesystem::path file = dir / "pipelines" / (name + ".shoal.json");
  std::filesystem::copy_file(examples / "pipelines" / (name + ".shoal.json"), file,
                             std::filesystem::copy_options::overwrite_existing);
  return file;
}

/// Runs `shoal ARGS...`; its exit status and what it printed on stdout (and,
/// when it failed, the tail of both streams).
inline std::pair<ExitStatus, std::string> run_shoal(const std::vector<std::string>& args,
                                                    Clock::duration timeout = 120s) {
  Process p(kShoalExe, args);
  ExitStatus s = p.wait_exit(timeout);
  std::string out;
  for (const Line& l : p.lines(Stream::kStdout)) out += l.text + "\n";
  if (!s.clean()) out += p.tail();
  return {s, out};
}

}  // namespace shoal::testing
