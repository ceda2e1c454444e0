// Params: the named parameters of a task (e.g. {"blocksize": 64 MiB}).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shoal/value.h"

namespace shoal {

/// An immutable-after-build list of named values, kept sorted by name so that
/// equal parameters tokenize and serialize identically.
class Params {
 public:
  Params() = default;
  Params(std::initializer_list<std::pair<std::string, Value>> items);

  /// Sets name to value, replacing an earlier value of the same name.
  Params& set(std::string name, Value value);
  bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }
  /// nullptr when absent.
  const Value* find(std::string_view name) const noexcept;
  /// Throws shoal::Error naming the parameter when absent.
  const Value& at(std::string_view name) const;
  Value get_or(std::string_view name, Value fallback) const;

  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  friend bool operator==(const Params&, const Params&) = default;

 private:
  std::vector<std::pair<std::string, Value>> items_;
};

}  // namespace shoal
