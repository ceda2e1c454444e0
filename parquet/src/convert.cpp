#include "convert.h"

#include <cmath>
#include <limits>

#include "bit_io.h"

namespace shoal::parquet {
namespace {

using format::Type;

constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
constexpr std::int64_t kJulianEpoch = 2'440'588;  // the Julian day of 1970-01-01

// 10^s as a double: exact up to 10^22, which is what makes the division of
// an exactly held unscaled value correctly rounded (docs/parquet.md).
double pow10(int s) {
  static const double kExact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  return s <= 22 ? kExact[s] : std::pow(10.0, s);
}

std::int64_t scaled_ns(const ColumnDesc& d, std::int64_t v) {
  std::int64_t out;
  if (__builtin_mul_overflow(v, d.ns_per_unit, &out)) {
    throw FormatError("column '" + d.name + "': timestamp " + std::to_string(v) +
                      " lies outside timestamp[ns] (years 1677 to 2262)");
  }
  return out;
}

std::int64_t int96_ns(const char* p, const ColumnDesc& d) {
  auto nanos = load_le<std::int64_t>(p);
  auto day = static_cast<std::int64_t>(load_le<std::uint32_t>(p + 8));
  std::int64_t days_ns, out;
  if (__builtin_mul_overflow(day - kJulianEpoch, kNsPerDay, &days_ns) ||
      __builtin_add_overflow(days_ns, nanos, &out)) {
    throw FormatError("column '" + d.name + "': an INT96 timestamp outside timestamp[ns]");
  }
  return out;
}

double half_to_double(std::uint16_t h) {
  int exp = (h >> 10) & 0x1f;
  int mant = h & 0x3ff;
  double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (exp == 0) return sign * std::ldexp(mant, -24);
  if (exp == 31) return mant ? std::numeric_limits<double>::quiet_NaN() : sign * INFINITY;
  return sign * std::ldexp(mant + 1024, exp - 25);
}

std::string uuid_text(std::string_view b) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    auto c = static_cast<unsigned char>(b[i]);
    s.push_back(kHex[c >> 4]);
    s.push_back(kHex[c & 15]);
  }
  return s;
}

template <class T>
T fixed_at(const Values& v, std::size_t i) {
  return load_le<T>(v.fixed.data() + i * sizeof(T));
}

void append_ints(const ColumnDesc& d, const Values& v, ColumnBuilder& out) {
  const bool i32 = d.physical == Type::INT32;
  for (std::size_t i = 0; i < v.count; ++i) {
    std::int64_t x = i32 ? fixed_at<std::int32_t>(v, i) : fixed_at<std::int64_t>(v, i);
    switch (d.conversion) {
      case Conversion::kUInt32:
        x = static_cast<std::int64_t>(static_cast<std::uint32_t>(x));
        break;
      case Conversion::kUInt64:
        if (x < 0)
          throw FormatError("column '" + d.name + "': unsigned value " +
                            std::to_string(static_cast<std::uint64_t>(x)) +
                            " does not fit Shoal's int64");
        break;
      case Conversion::kDaysToNs:
        x = scaled_ns(ColumnDesc{.name = d.name, .ns_per_unit = kNsPerDay}, x);
        break;
      case Conversion::kUnitsToNs:
        x = scaled_ns(d, x);
        break;
      case Conversion::kDecimal:
        out.append_float64(static_cast<double>(x) / pow10(d.scale));
        continue;
      default:
        break;
    }
    out.append_int64(x);
  }
}

void append_binary(const ColumnDesc& d, const Values& v, ColumnBuilder& out) {
  for (std::size_t i = 0; i < v.count; ++i) {
    std::string_view b = v.binary[i];
    switch (d.conversion) {
      case Conversion::kDecimal:
        if (b.empty() || b.size() > 16)
          throw FormatError("column '" + d.name + "': a DECIMAL of " + std::to_string(b.size()) +
                            " bytes (1 to 16 are read)");
        out.append_float64(decimal_from_bytes(b, d.scale));
        break;
      case Conversion::kFloat16:
        out.append_float64(half_to_double(load_le<std::uint16_t>(b.data())));
        break;
      case Conversion::kUuid:
        out.append_string(uuid_text(b));
        break;
      default:
        out.append_string(b);
    }
  }
}

}  // namespace

double decimal_from_bytes(std::string_view be, int scale) {
  // Accumulated unsigned (shifts of negative values would be UB before
  // C++20 and are flagged by UBSan), then sign-extended from its width.
  unsigned __int128 u = 0;
  for (unsigned char c : be) u = (u << 8) | c;
  const int bits = static_cast<int>(be.size()) * 8;
  if (bits < 128 && (static_cast<unsigned char>(be[0]) & 0x80))
    u |= ~static_cast<unsigned __int128>(0) << bits;
  return static_cast<double>(static_cast<__int128>(u)) / pow10(scale);
}

void append_values(const ColumnDesc& d, const Values& v, ColumnBuilder& out) {
  switch (d.physical) {
    case Type::BOOLEAN:
      for (std::size_t i = 0; i < v.count; ++i) out.append_bool(v.fixed[i] != 0);
      return;
    case Type::INT32:
    case Type::INT64:
      if (d.conversion == Conversion::kInt && d.physical == Type::INT64) {
        // One value at a time: the page's bytes may be unaligned, and a
        // scratch vector per page costs more in page faults than it saves.
        for (std::size_t i = 0; i < v.count; ++i) out.append_int64(fixed_at<std::int64_t>(v, i));
        return;
      }
      return append_ints(d, v, out);
    case Type::INT96:
      for (std::size_t i = 0; i < v.count; ++i)
        out.append_int64(int96_ns(v.fixed.data() + i * 12, d));
      return;
    case Type::FLOAT:
      for (std::size_t i = 0; i < v.count; ++i) out.append_float64(fixed_at<float>(v, i));
      return;
    case Type::DOUBLE:
      for (std::size_t i = 0; i < v.count; ++i) out.append_float64(fixed_at<double>(v, i));
      return;
    default:
      return append_binary(d, v, out);
  }
}

}  // namespace shoal::parquet
