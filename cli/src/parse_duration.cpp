// parse_duration: the durations options take ("30s", "500ms", "2m").
#include <cctype>
#include <cmath>
#include <string>

#include "commands.h"
#include "shoal/error.h"

namespace shoal::cli {

std::chrono::milliseconds parse_duration(const std::string& text) {
  std::size_t end = 0;
  double number = -1;
  try {
    number = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  std::string unit = text.substr(end);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // A bare number is seconds, as Dask's --death-timeout takes it.
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000}};
  for (auto [name, scale] : kUnits) {
    if (end > 0 && unit == name && number >= 0 && std::isfinite(number) && number * scale < 1e15) {
      return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(number * scale)));
    }
  }
  throw Error("'" + text + "' is not a duration; write e.g. 30s, 500ms, 2m or 60 (seconds)");
}

}  // namespace shoal::cli
