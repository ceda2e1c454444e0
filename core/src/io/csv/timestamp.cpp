// parse_iso_timestamp (csv.h): ISO dates and date-times as nanoseconds
// since 1970, for read_csv's parse_dates.
#include <cstdint>
#include <string_view>

#include "shoal/csv_format.h"

namespace shoal {

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
}  // namespace

bool parse_iso_timestamp(std::string_view s, std::int64_t& nanos) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return false;
  }
  std::int64_t frac = 0;
  std::size_t p = 10;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    if (!digits(s, p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(s, p + 4, 2, mi))
      return false;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, sec)) return false;
      p += 3;
      if (p < s.size() && s[p] == '.') {
        std::int64_t scale = 100000000;
        for (++p; p < s.size() && s[p] >= '0' && s[p] <= '9'; ++p, scale /= 10)
          frac += (s[p] - '0') * scale;
      }
    }
  }
  if (p < s.size() && s[p] == 'Z') ++p;
  if (p != s.size() || h > 23 || mi > 59 || sec > 60) return false;
  std::int64_t secs =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
      mi * 60 + sec;
  nanos = secs * 1000000000 + frac;
  return true;
}

}  // namespace shoal
