// Row-group pruning: a filter is checked against the chunk's min / max /
// null count. Only statistics whose order is known to be right are used:
// min_value / max_value always, the legacy min / max only for signed
// numbers (they were compared as signed bytes, wrong for strings and
// unsigned ints).
#include <cmath>
#include <optional>

#include "bit_io.h"
#include "file_impl.h"

namespace shoal {
namespace {

using parquet::ColumnDesc;
using parquet::Conversion;
using parquet::load_le;
namespace format = parquet::format;

struct Bounds {
  Value min, max;
};

std::optional<Value> decode_stat(const ColumnDesc& d, const std::string& b) {
  switch (d.physical) {
    case format::Type::INT32:
    case format::Type::INT64: {
      if (d.conversion != Conversion::kInt) return std::nullopt;
      if (d.physical == format::Type::INT32 && b.size() == 4)
        return Value(std::int64_t{load_le<std::int32_t>(b.data())});
      if (d.physical == format::Type::INT64 && b.size() == 8)
        return Value(load_le<std::int64_t>(b.data()));
      return std::nullopt;
    }
    case format::Type::FLOAT:
      if (b.size() != 4 || std::isnan(load_le<float>(b.data()))) return std::nullopt;
      return Value(static_cast<double>(load_le<float>(b.data())));
    case format::Type::DOUBLE:
      if (b.size() != 8 || std::isnan(load_le<double>(b.data()))) return std::nullopt;
      return Value(load_le<double>(b.data()));
    case format::Type::BYTE_ARRAY:
      if (d.conversion != Conversion::kBytes) return std::nullopt;
      return Value(b);
    default:
      return std::nullopt;
  }
}

std::optional<Bounds> bounds_of(const ColumnDesc& d, const format::Statistics& s) {
  std::optional<Value> lo, hi;
  if (s.__isset.min_value && s.__isset.max_value) {
    lo = decode_stat(d, s.min_value);
    hi = decode_stat(d, s.max_value);
  } else if (s.__isset.min && s.__isset.max && d.physical != format::Type::BYTE_ARRAY) {
    lo = decode_stat(d, s.min);
    hi = decode_stat(d, s.max);
  }
  if (!lo || !hi) return std::nullopt;
  return Bounds{*lo, *hi};
}

// -1, 0, 1; nullopt when the kinds cannot be compared.
std::optional<int> compare(const Value& a, const Value& b) {
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return (c > 0) - (c < 0);
  }
  if (a.is_int() && b.is_int()) return (a.as_int() > b.as_int()) - (a.as_int() < b.as_int());
  if (a.is_number() && b.is_number()) {
    double x = a.as_float(), y = b.as_float();
    return (x > y) - (x < y);
  }
  return std::nullopt;
}

bool may_match_bounds(const Bounds& b, const ParquetFilter& f) {
  auto lo = compare(b.min, f.value), hi = compare(b.max, f.value);
  if (!lo || !hi) return true;
  if (f.op == "==") return *lo <= 0 && *hi >= 0;
  if (f.op == "!=") return !(*lo == 0 && *hi == 0);
  if (f.op == "<") return *lo < 0;
  if (f.op == "<=") return *lo <= 0;
  if (f.op == ">") return *hi > 0;
  if (f.op == ">=") return *hi >= 0;
  return true;
}

}  // namespace

bool ParquetFile::may_match(int rg, const std::vector<ParquetFilter>& filters) const {
  for (const ParquetFilter& f : filters) {
    const ColumnDesc& d = impl_->column(f.column);
    const auto& chunk = impl_->chunk(rg, d);
    if (!chunk.__isset.meta_data || !chunk.meta_data.__isset.statistics) continue;
    const format::Statistics& s = chunk.meta_data.statistics;
    std::int64_t rows = impl_->meta.row_groups[static_cast<std::size_t>(rg)].num_rows;
    // A comparison with null is never true: an all-null chunk matches nothing.
    if (s.__isset.null_count && rows > 0 && s.null_count == rows) return false;
    if (auto b = bounds_of(d, s); b && !may_match_bounds(*b, f)) return false;
  }
  return true;
}

}  // namespace shoal
