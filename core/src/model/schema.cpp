#include "shoal/schema.h"

#include "shoal/error.h"

namespace shoal {

int Schema::index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

DataType Schema::type_of(std::string_view name) const {
  int i = index_of(name);
  if (i < 0) {
    std::string have;
    for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
    throw Error("no column '" + std::string(name) + "'; columns are: " + have);
  }
  return types[static_cast<std::size_t>(i)];
}

std::string Schema::str() const {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    s += (i ? ", " : "") + names[i] + ": " + std::string(type_name(types[i]));
  }
  return s;
}

DataType parse_type_name(std::string_view n) {
  if (n == "bool") return DataType::kBool;
  if (n == "int64" || n == "int") return DataType::kInt64;
  if (n == "float64" || n == "float" || n == "double") return DataType::kFloat64;
  if (n == "string" || n == "str" || n == "object") return DataType::kString;
  if (n == "timestamp[ns]" || n == "timestamp" || n == "datetime64[ns]")
    return DataType::kTimestamp;
  throw Error("unknown type '" + std::string(n) +
              "'; use bool, int64, float64, string or timestamp[ns]");
}

}  // namespace shoal
