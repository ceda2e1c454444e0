#include "io/file_glob.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "shoal/error.h"
#include "shoal/file_glob.h"

namespace shoal {
namespace fs = std::filesystem;

bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string_view x = std::string_view(a).substr(i, ei - i),
                       y = std::string_view(b).substr(j, ej - j);
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = ei, j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;
}

std::vector<std::string> glob_files(const std::string& pattern) {
  fs::path p(pattern);
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() &&
        ::fnmatch(p.filename().c_str(), e.path().filename().c_str(), 0) == 0) {
      found.push_back((p.has_parent_path() ? e.path() : e.path().filename()).string());
    }
  }
  std::sort(found.begin(), found.end(), natural_less);
  return found;
}

namespace detail {

std::vector<std::string> expand_paths(const std::vector<std::string>& patterns,
                                      std::string_view who) {
  const std::string w(who);
  std::vector<std::string> out;
  for (const auto& pat : patterns) {
    if (pat.find_first_of("*?[") == std::string::npos) {
      if (!fs::is_regular_file(pat))
        throw Error(w + ": no such file '" + pat + "'; check the path");
      out.push_back(pat);
      continue;
    }
    std::vector<std::string> found = glob_files(pat);
    if (found.empty()) throw Error(w + ": no file matches '" + pat + "'; check the pattern");
    out.insert(out.end(), found.begin(), found.end());
  }
  if (out.empty()) throw Error(w + ": give at least one path");
  return out;
}

}  // namespace detail
}  // namespace shoal
