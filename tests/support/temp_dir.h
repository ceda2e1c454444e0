// TempDir: a directory of a test's own under the system's temporary
// directory, removed with everything in it when the test is done.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

namespace shoal::testing {

/// A fresh directory, removed with everything in it when destroyed. Those
/// of earlier test processes that were killed (a ctest timeout skips
/// destructors) are removed when the next one with the same tag is made.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    remove_orphans("shoal-" + tag + "-");
    path_ = std::filesystem::temp_directory_path() /
            ("shoal-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  // Directories "<prefix><pid>" whose process is gone.
  static void remove_orphans(const std::string& prefix) {
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
      const std::string pid = name.substr(prefix.size());
      if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
      if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH)
        std::filesystem::remove_all(entry.path(), ec);
    }
  }

  std::filesystem::path path_;
};

}  // namespace shoal::testing
