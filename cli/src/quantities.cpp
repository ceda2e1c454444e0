// parse_bytes, format_bytes and parse_duration: the amounts options take
// ("2GiB", "30s") and the amounts reports print.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "commands.h"
#include "shoal/error.h"

namespace shoal::cli {
namespace {

using Unit = std::pair<const char*, double>;

// A non-negative number followed by one of `units` (case-insensitive),
// times that unit's scale; nullopt when `text` is not that.
std::optional<double> scaled(const std::string& text, std::span<const Unit> units) {
  std::size_t end = 0;
  double number = -1;
  try {
    number = std::stod(text, &end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = text.substr(end);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto [name, scale] : units) {
    if (end > 0 && unit == name && number >= 0 && std::isfinite(number)) return number * scale;
  }
  return std::nullopt;
}

}  // namespace

std::uint64_t parse_bytes(const std::string& text) {
  static const Unit kUnits[] = {
      {"", 1},      {"b", 1},      {"kb", 1e3},      {"mb", 1e6},      {"gb", 1e9},
      {"tb", 1e12}, {"kib", 1024}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1099511627776.0}};
  if (auto bytes = scaled(text, kUnits)) return static_cast<std::uint64_t>(*bytes);
  throw Error("'" + text +
              "' is not an amount of memory; write e.g. 2GiB, 512MiB, 800MB or 1000000");
}

std::string format_bytes(std::uint64_t bytes) {
  static const char* kNames[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kNames)) {
    value /= 1024;
    unit++;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kNames[unit]);
  return text;
}

std::chrono::milliseconds parse_duration(const std::string& text) {
  // A bare number is seconds, as Dask's --death-timeout takes it.
  static const Unit kUnits[] = {{"", 1000},   {"ms", 1},      {"s", 1000},
                                {"m", 60000}, {"min", 60000}, {"h", 3600000}};
  if (auto ms = scaled(text, kUnits); ms && *ms < 1e15)
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(*ms)));
  throw Error("'" + text + "' is not a duration; write e.g. 30s, 500ms, 2m or 60 (seconds)");
}

}  // namespace shoal::cli
