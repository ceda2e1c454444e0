#include "shoal/params.h"

#include <algorithm>

#include "shoal/error.h"

namespace shoal {

Params::Params(std::initializer_list<std::pair<std::string, Value>> items) {
  for (const auto& [name, value] : items) set(name, value);
}

Params& Params::set(std::string name, Value value) {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const auto& item, const std::string& n) { return item.first < n; });
  if (it != items_.end() && it->first == name) {
    it->second = std::move(value);
  } else {
    items_.emplace(it, std::move(name), std::move(value));
  }
  return *this;
}

const Value* Params::find(std::string_view name) const noexcept {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const auto& item, std::string_view n) { return item.first < n; });
  return it != items_.end() && it->first == name ? &it->second : nullptr;
}

const Value& Params::at(std::string_view name) const {
  if (const Value* v = find(name)) return *v;
  throw Error("missing parameter '" + std::string(name) + "'");
}

Value Params::get_or(std::string_view name, Value fallback) const {
  const Value* v = find(name);
  return v ? *v : fallback;
}

}  // namespace shoal
