// Internal: PathGuard, what confines a worker's tasks to the directories
// given with --allow-path. No CAF.
//
// Anyone who can reach a scheduler can submit graphs, and ops read and
// write files (table.read_csv, table.to_csv, list.read_text, a bag's
// to_textfiles). A confined worker refuses, before running it, a task whose
// path parameters name anything outside its allowed directories.
//
// Which parameters are paths: those an op declares as ParamSpec::kPath (the
// pipeline node ops, plugins), those named "path" or "paths" (the task ops
// of read_csv, to_csv and Bag sinks declare no schema), and the file of a
// text block (bag.apply's "text": [path, start, end, gzip, mtime]).
//
// Paths are compared after std::filesystem::weakly_canonical: "..", "." and
// the symbolic links of the part that exists are resolved first, so neither
// "allowed/../etc/passwd" nor a link inside an allowed directory pointing
// out of it gets through. A relative path is taken from the worker's
// working directory, where the op would open it.
//
// Thread-safety: const after construction; refusal() may be called from any
// number of threads.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "shoal/task.h"

namespace shoal::actors {

class PathGuard {
 public:
  /// No directories: every path is allowed (an unconfined worker).
  PathGuard() = default;
  /// Throws shoal::Error naming a directory that does not exist.
  explicit PathGuard(const std::vector<std::string>& allowed_dirs);

  bool confined() const noexcept { return !allowed_.empty(); }
  /// Why `task` (or a task fused into it) may not run here, naming the path
  /// and the parameter; nullopt when it may.
  std::optional<std::string> refusal(const Task& task) const;

 private:
  bool allowed(const std::string& path) const;
  std::optional<std::string> check_one(const Task& task) const;
  std::string allowed_list() const;

  std::vector<std::filesystem::path> allowed_;
};

}  // namespace shoal::actors
