#include "distributed/path_guard.h"

#include <algorithm>

#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal::actors {
namespace {

namespace fs = std::filesystem;

// `a` is `dir` or lies under it (both canonical): compared element by
// element, so /data2 is not inside /data.
bool inside(const fs::path& a, const fs::path& dir) {
  return std::mismatch(dir.begin(), dir.end(), a.begin(), a.end()).first == dir.end();
}

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::absolute(p).lexically_normal() : c;
}

bool declared_as_path(const Task& task, const std::string& name) {
  OpPtr op = task.op ? task.op : OpRegistry::global().find(task.op_name());
  if (!op) return false;
  for (const ParamSpec& spec : op->params) {
    if (spec.name == name) return spec.type == ParamSpec::Type::kPath;
  }
  return false;
}

// The strings of one path parameter: a string, or a list of them.
void strings_of(const Value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.as_string());
  } else if (v.is_list()) {
    for (const Value& item : v.as_list())
      if (item.is_string()) out.push_back(item.as_string());
  }
}

// (parameter, path) for every path among the task's own parameters.
std::vector<std::pair<std::string, std::string>> paths_of(const Task& task) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!task.params) return out;
  for (const auto& [name, value] : *task.params) {
    std::vector<std::string> strings;
    if (name == "path" || name == "paths" || declared_as_path(task, name)) {
      strings_of(value, strings);
    } else if (name == "text" && value.is_list() && !value.as_list().empty()) {
      strings_of(value.as_list()[0], strings);  // a text block: [path, start, end, ...]
    }
    for (std::string& s : strings) out.emplace_back(name, std::move(s));
  }
  return out;
}

}  // namespace

PathGuard::PathGuard(const std::vector<std::string>& allowed_dirs) {
  for (const std::string& dir : allowed_dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      throw Error("--allow-path " + dir + ": not a directory; create it or pass another");
    }
    allowed_.push_back(fs::canonical(dir));
  }
}

bool PathGuard::allowed(const std::string& path) const {
  fs::path p = canonical_or_self(path);
  return std::any_of(allowed_.begin(), allowed_.end(),
                     [&](const fs::path& dir) { return inside(p, dir); });
}

std::string PathGuard::allowed_list() const {
  std::string out;
  for (const fs::path& dir : allowed_) out += (out.empty() ? "" : ", ") + dir.string();
  return out;
}

std::optional<std::string> PathGuard::check_one(const Task& task) const {
  for (const auto& [param, path] : paths_of(task)) {
    if (allowed(path)) continue;
    return "path '" + path + "' (parameter '" + param + "' of " + task.op_name() +
           ") is outside the directories this worker may use (--allow-path " + allowed_list() +
           "); move the data there or start the worker with --allow-path for its directory";
  }
  return std::nullopt;
}

std::optional<std::string> PathGuard::refusal(const Task& task) const {
  if (!confined()) return std::nullopt;
  if (task.prelude) {
    for (const Task& t : *task.prelude)
      if (auto why = check_one(t)) return why;
  }
  return check_one(task);
}

}  // namespace shoal::actors
