#include "paths.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "shoal/error.h"

namespace shoal::parquet {
namespace fs = std::filesystem;
namespace {

// Runs of digits compare as numbers.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && digit(a[ei])) ++ei;
      while (ej < b.size() && digit(b[ej])) ++ej;
      std::string x = a.substr(i, ei - i), y = b.substr(j, ej - j);
      x.erase(0, std::min(x.find_first_not_of('0'), x.size() - 1));
      y.erase(0, std::min(y.find_first_not_of('0'), y.size() - 1));
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = ei, j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

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

std::vector<std::string> glob(const std::string& pat) {
  fs::path p(pat);
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && ::fnmatch(p.filename().c_str(), e.path().filename().c_str(), 0) == 0)
      out.push_back((p.has_parent_path() ? e.path() : e.path().filename()).string());
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
      found = glob(pat);
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
