#include "paths.h"

#include <algorithm>
#include <filesystem>

#include "shoal/error.h"
#include "shoal/file_glob.h"

namespace shoal::parquet {
namespace fs = std::filesystem;
namespace {

// Spark's _SUCCESS, checksum files and hidden files are not data.
bool is_data_file(const fs::path& p) {
  std::string n = p.filename().string();
  return !n.empty() && n[0] != '_' && n[0] != '.' && p.extension() == ".parquet";
}

std::vector<std::string> walk(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && is_data_file(e.path())) out.push_back(e.path().string());
  }
  return out;
}

}  // namespace

std::vector<ParquetPath> expand_parquet_paths(const std::vector<std::string>& patterns) {
  std::vector<ParquetPath> out;
  for (const auto& pat : patterns) {
    std::vector<std::string> found;
    std::string root;
    if (pat.find_first_of("*?[") != std::string::npos) {
      found = glob_files(pat);
      if (found.empty())
        throw Error("read_parquet: no file matches '" + pat + "'; check the pattern");
    } else if (fs::is_directory(pat)) {
      found = walk(pat);
      root = pat;
      if (found.empty()) throw Error("read_parquet: no *.parquet file under '" + pat + "'");
    } else if (fs::is_regular_file(pat)) {
      found = {pat};
    } else {
      throw Error("read_parquet: no such file or directory '" + pat + "'; check the path");
    }
    std::sort(found.begin(), found.end(), natural_less);
    for (auto& f : found) out.push_back({std::move(f), root});
  }
  if (out.empty()) throw Error("read_parquet: give at least one path");
  return out;
}

}  // namespace shoal::parquet
