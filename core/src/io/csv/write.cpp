// format_csv: tables to CSV text that pandas and read_csv read back exactly.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "shoal/csv_format.h"
#include "shoal/error.h"

namespace shoal {
namespace {

// Python's repr of a double: the shortest digits that round-trip, fixed
// notation for decimal exponents in [-4, 16), scientific otherwise, and a
// ".0" on integral fixed values.
void append_python_float(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));  // "-d.ddde+XX"
  bool neg = sci.front() == '-';
  if (neg) sci.remove_prefix(1);
  std::size_t e_at = sci.find('e');
  int exp = std::atoi(std::string(sci.substr(e_at + 1)).c_str());
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits += c;
  }
  if (neg) out += '-';
  if (exp < -4 || exp >= 16) {
    out += digits[0];
    if (digits.size() > 1) out += '.', out.append(digits, 1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += e;
  } else if (exp < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exp - 1), '0');
    out += digits;
  } else {
    auto int_digits = static_cast<std::size_t>(exp) + 1;
    if (digits.size() <= int_digits) {
      out += digits;
      out.append(int_digits - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, int_digits);
      out += '.';
      out.append(digits, int_digits);
    }
  }
}

void append_timestamp(std::string& out, std::int64_t nanos) {
  std::int64_t secs = nanos / 1'000'000'000, frac = nanos % 1'000'000'000;
  if (frac < 0) frac += 1'000'000'000, --secs;
  std::int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) rem += 86400, --days;
  // Civil date from days since 1970 (Howard Hinnant's algorithm).
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t y = yoe + era * 400 + (m <= 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  out += buf;
  if (frac) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
}

void append_field(std::string& out, std::string_view s, char delimiter) {
  bool quote = s.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_cell(std::string& out, const Column& c, std::size_t r, char delimiter) {
  if (!c.is_valid(r)) return;
  switch (c.type()) {
    case DataType::kBool:
      out += c.bools()[r] ? "True" : "False";
      return;
    case DataType::kInt64: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, c.int64s()[r]);
      out.append(buf, end);
      return;
    }
    case DataType::kFloat64:
      append_python_float(out, c.float64s()[r]);
      return;
    case DataType::kString:
      append_field(out, c.string_at(r), delimiter);
      return;
    case DataType::kTimestamp:
      append_timestamp(out, c.int64s()[r]);
      return;
  }
}

}  // namespace

std::string format_csv(const Table& table, char delimiter, bool header) {
  std::string out;
  for (std::size_t i = 0; header && i < table.num_columns(); ++i) {
    if (i) out += delimiter;
    append_field(out, table.names()[i], delimiter);
  }
  if (header) out += '\n';
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    for (std::size_t i = 0; i < table.num_columns(); ++i) {
      if (i) out += delimiter;
      append_cell(out, table.column(i), r, delimiter);
    }
    out += '\n';
  }
  return out;
}

}  // namespace shoal
