#include "encoders.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "bit_io.h"

namespace shoal::parquet {
namespace {

template <class T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

template <class T>
std::string bytes_of(T v) {
  std::string s;
  put(s, v);
  return s;
}

void plain_bools(const Column& c, std::size_t begin, std::size_t end, std::string& out) {
  auto v = c.bools();
  std::size_t bit = 0;
  std::size_t start = out.size();
  for (std::size_t i = begin; i < end; ++i) {
    if (!c.is_valid(i)) continue;
    if (bit % 8 == 0) out.push_back('\0');
    if (v[i]) out[start + bit / 8] = static_cast<char>(out[start + bit / 8] | (1 << (bit % 8)));
    ++bit;
  }
}

}  // namespace

format::SchemaElement schema_element(const std::string& name, DataType type) {
  format::SchemaElement e;
  e.__set_name(name);
  e.__set_repetition_type(format::FieldRepetitionType::OPTIONAL);
  switch (type) {
    case DataType::kBool:
      e.__set_type(format::Type::BOOLEAN);
      break;
    case DataType::kInt64:
      e.__set_type(format::Type::INT64);
      break;
    case DataType::kFloat64:
      e.__set_type(format::Type::DOUBLE);
      break;
    case DataType::kString: {
      e.__set_type(format::Type::BYTE_ARRAY);
      e.__set_converted_type(format::ConvertedType::UTF8);
      format::LogicalType l;
      l.__set_STRING(format::StringType());
      e.__set_logicalType(l);
      break;
    }
    case DataType::kTimestamp: {
      e.__set_type(format::Type::INT64);
      format::TimestampType ts;
      ts.isAdjustedToUTC = false;  // Shoal's timestamps are naive, as pandas' datetime64[ns]
      ts.unit.__set_NANOS(format::NanoSeconds());
      format::LogicalType l;
      l.__set_TIMESTAMP(ts);
      e.__set_logicalType(l);
      break;
    }
  }
  return e;
}

std::string encode_plain(const Column& c, std::size_t begin, std::size_t end) {
  std::string out;
  switch (c.type()) {
    case DataType::kBool:
      plain_bools(c, begin, end, out);
      break;
    case DataType::kInt64:
    case DataType::kTimestamp: {
      auto v = c.int64s();
      out.reserve((end - begin) * 8);
      for (std::size_t i = begin; i < end; ++i)
        if (c.is_valid(i)) put(out, v[i]);
      break;
    }
    case DataType::kFloat64: {
      auto v = c.float64s();
      out.reserve((end - begin) * 8);
      for (std::size_t i = begin; i < end; ++i)
        if (c.is_valid(i)) put(out, v[i]);
      break;
    }
    case DataType::kString:
      for (std::size_t i = begin; i < end; ++i) {
        if (!c.is_valid(i)) continue;
        std::string_view s = c.string_at(i);
        put(out, static_cast<std::uint32_t>(s.size()));
        out.append(s);
      }
      break;
  }
  return out;
}

std::string encode_levels(const Column& c, std::size_t begin, std::size_t end) {
  std::vector<std::uint32_t> levels(end - begin);
  for (std::size_t i = begin; i < end; ++i) levels[i - begin] = c.is_valid(i) ? 1 : 0;
  std::string out;
  encode_hybrid(levels, 1, out);
  return out;
}

std::optional<Dictionary> build_dictionary(const Column& c, std::size_t begin, std::size_t end,
                                           std::size_t limit) {
  Dictionary d;
  std::unordered_map<std::string_view, std::uint32_t> index;
  d.codes.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    if (!c.is_valid(i)) continue;
    std::string_view s = c.string_at(i);
    auto [it, fresh] = index.try_emplace(s, static_cast<std::uint32_t>(d.size));
    if (fresh) {
      put(d.plain, static_cast<std::uint32_t>(s.size()));
      d.plain.append(s);
      ++d.size;
      if (d.plain.size() > limit) return std::nullopt;
    }
    d.codes.push_back(it->second);
  }
  return d;
}

std::string encode_codes(const std::vector<std::uint32_t>& codes, std::size_t begin,
                         std::size_t end, std::size_t dictionary_size) {
  int width = bit_width(dictionary_size > 0 ? dictionary_size - 1 : 0);
  std::string out(1, static_cast<char>(width));
  std::vector<std::uint32_t> part(codes.begin() + static_cast<std::ptrdiff_t>(begin),
                                  codes.begin() + static_cast<std::ptrdiff_t>(end));
  encode_hybrid(part, width, out);
  return out;
}

format::Statistics statistics(const Column& c, std::size_t begin, std::size_t end) {
  format::Statistics s;
  std::int64_t nulls = 0;
  for (std::size_t i = begin; i < end; ++i) nulls += !c.is_valid(i);
  s.__set_null_count(nulls);
  bool any = false;
  switch (c.type()) {
    case DataType::kInt64:
    case DataType::kTimestamp: {
      std::int64_t lo = 0, hi = 0;
      auto v = c.int64s();
      for (std::size_t i = begin; i < end; ++i) {
        if (!c.is_valid(i)) continue;
        if (!any || v[i] < lo) lo = v[i];
        if (!any || v[i] > hi) hi = v[i];
        any = true;
      }
      if (any) s.__set_min_value(bytes_of(lo)), s.__set_max_value(bytes_of(hi));
      if (any) s.__set_min(bytes_of(lo)), s.__set_max(bytes_of(hi));
      break;
    }
    case DataType::kFloat64: {
      double lo = 0, hi = 0;
      auto v = c.float64s();
      for (std::size_t i = begin; i < end; ++i) {
        if (!c.is_valid(i) || std::isnan(v[i])) continue;
        if (!any || v[i] < lo) lo = v[i];
        if (!any || v[i] > hi) hi = v[i];
        any = true;
      }
      if (lo == 0) lo = -0.0;
      if (hi == 0) hi = 0.0;
      if (any) s.__set_min_value(bytes_of(lo)), s.__set_max_value(bytes_of(hi));
      if (any) s.__set_min(bytes_of(lo)), s.__set_max(bytes_of(hi));
      break;
    }
    case DataType::kString: {
      std::string_view lo, hi;
      for (std::size_t i = begin; i < end; ++i) {
        if (!c.is_valid(i)) continue;
        std::string_view x = c.string_at(i);  // compared as unsigned bytes, as the format orders
        if (!any || x < lo) lo = x;
        if (!any || x > hi) hi = x;
        any = true;
      }
      if (any) s.__set_min_value(std::string(lo)), s.__set_max_value(std::string(hi));
      break;
    }
    case DataType::kBool: {
      bool lo = true, hi = false;
      auto v = c.bools();
      for (std::size_t i = begin; i < end; ++i) {
        if (!c.is_valid(i)) continue;
        lo = lo && v[i];
        hi = hi || v[i];
        any = true;
      }
      if (any) s.__set_min_value(std::string(1, lo)), s.__set_max_value(std::string(1, hi));
      break;
    }
  }
  return s;
}

}  // namespace shoal::parquet
