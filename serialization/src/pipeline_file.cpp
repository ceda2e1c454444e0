// Pipeline files on disk: written beside the target and renamed into place,
// read whole with a size cap.
#include "shoal/pipeline_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "shoal/atomic_file.h"

namespace shoal {
namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

std::string io_error(const std::filesystem::path& path, std::string_view doing) {
  return "cannot " + std::string(doing) + " '" + path.string() + "': " + std::strerror(errno);
}

}  // namespace

void save_pipeline(const std::filesystem::path& path, const Pipeline& pipeline) {
  write_file_atomically(path, encode_pipeline_json(pipeline));
}

Pipeline load_pipeline(const std::filesystem::path& path, std::vector<std::string>* notes) {
  File f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(io_error(path, "open"));
  std::string json;
  char buffer[65536];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, f.get())) {
    json.append(buffer, n);
    if (json.size() > kMaxPipelineFileBytes) {
      throw DecodeError(path.string() + ": larger than a pipeline file may be (" +
                        std::to_string(kMaxPipelineFileBytes) + " bytes)");
    }
  }
  if (std::ferror(f.get())) throw Error(io_error(path, "read"));
  return decode_pipeline_json(json, path.string(), notes);
}

}  // namespace shoal
