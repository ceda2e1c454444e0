#include "pipeline/node_spec.h"

namespace shoal::detail {

std::vector<std::string> string_list(const NodeLowering& n, const char* name) {
  const Value* v = n.params().find(name);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return {v->as_string()};
  std::vector<std::string> out;
  for (const Value& item : v->as_list()) {
    if (!item.is_string()) n.fail(name, "every item must be a string, not " + item.repr());
    out.push_back(item.as_string());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> colon_pairs(const NodeLowering& n,
                                                             const char* name) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& s : string_list(n, name)) {
    auto colon = s.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
      n.fail(name, "'" + s + "' is not column:value (e.g. x:mean)");
    out.emplace_back(s.substr(0, colon), s.substr(colon + 1));
  }
  return out;
}

}  // namespace shoal::detail
