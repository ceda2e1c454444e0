#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "shoal/column_builder.h"
#include "shoal/error.h"
#include "shoal/key.h"
#include "shoal/table_kernels.h"
#include "table/radix_sort.h"

namespace shoal {
namespace {

// Copies rows [from, to) of c's validity into a builder-like bitmap.
std::vector<std::uint8_t> slice_validity(const Column& c, std::size_t from, std::size_t n) {
  if (c.null_count() == 0) return {};
  std::vector<std::uint8_t> v((n + 7) / 8, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (c.is_valid(from + i)) v[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  }
  return v;
}

template <class T>
std::vector<T> slice_vec(std::span<const T> s, std::size_t from, std::size_t n) {
  return std::vector<T>(s.begin() + from, s.begin() + from + n);
}

std::uint64_t value_hash(const Column& c, std::size_t i) {
  if (!c.is_valid(i)) return 0x6e756c6cULL;
  switch (c.type()) {
    case DataType::kBool:
      return c.bools()[i] + 1;
    case DataType::kInt64:
    case DataType::kTimestamp:
      return mix64(static_cast<std::uint64_t>(c.int64s()[i]));
    case DataType::kFloat64: {
      double d = c.float64s()[i];
      if (d == 0) d = 0;  // -0 hashes as 0
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      std::uint64_t x;
      std::memcpy(&x, &d, sizeof x);
      return mix64(x);
    }
    case DataType::kString: {
      auto s = c.string_at(i);
      return hash_bytes(s.data(), s.size());
    }
  }
  return 0;
}

}  // namespace

Column slice(const Column& c, std::size_t offset, std::size_t length) {
  offset = std::min(offset, c.size());
  std::size_t n = std::min(length, c.size() - offset);
  auto validity = slice_validity(c, offset, n);
  switch (c.type()) {
    case DataType::kBool:
      return Column(c.type(), slice_vec(c.bools(), offset, n), std::move(validity));
    case DataType::kInt64:
    case DataType::kTimestamp:
      return Column(c.type(), slice_vec(c.int64s(), offset, n), std::move(validity));
    case DataType::kFloat64:
      return Column(c.type(), slice_vec(c.float64s(), offset, n), std::move(validity));
    case DataType::kString: {
      const StringData& s = c.strings();
      StringData out;
      std::int64_t base = s.offsets[offset];
      out.offsets.resize(n + 1);
      for (std::size_t i = 0; i <= n; ++i) out.offsets[i] = s.offsets[offset + i] - base;
      out.chars.assign(s.chars, static_cast<std::size_t>(base),
                       static_cast<std::size_t>(s.offsets[offset + n] - base));
      return Column(c.type(), std::move(out), std::move(validity));
    }
  }
  throw Error("slice: unknown column type");
}

Table slice(const Table& t, std::size_t offset, std::size_t length) {
  if (offset == 0 && length >= t.num_rows()) return t;
  std::vector<ColumnPtr> cols;
  for (std::size_t i = 0; i < t.num_columns(); ++i) {
    cols.push_back(std::make_shared<const Column>(slice(t.column(i), offset, length)));
  }
  return Table(t.names(), std::move(cols));
}

Column concat(std::span<const ColumnPtr> columns) {
  if (columns.empty()) throw Error("concat: no columns given");
  DataType type = columns[0]->type();
  std::size_t total = 0;
  for (const auto& c : columns) {
    if (c->type() != type) {
      throw Error("concat: column types differ (" + std::string(type_name(type)) + " and " +
                  std::string(type_name(c->type())) + "); cast them to one type first");
    }
    total += c->size();
  }
  if (columns.size() == 1) return *columns[0];
  ColumnBuilder b(type, total);
  for (const auto& c : columns) b.append_column(*c);
  return b.finish();
}

Table concat(std::span<const Table> tables) {
  std::vector<const Table*> parts;
  for (const Table& t : tables) {
    if (t.num_columns() > 0) parts.push_back(&t);
  }
  if (parts.empty()) return Table();
  if (parts.size() == 1) return *parts[0];
  const Table& first = *parts[0];
  std::vector<ColumnPtr> cols;
  for (std::size_t c = 0; c < first.num_columns(); ++c) {
    std::vector<ColumnPtr> pieces;
    for (const Table* t : parts) {
      if (t->names() != first.names()) {
        throw Error("concat: tables have different columns; select the same columns first");
      }
      pieces.push_back(t->column_ptr(c));
    }
    cols.push_back(std::make_shared<const Column>(concat(pieces)));
  }
  return Table(first.names(), std::move(cols));
}

Column filter(const Column& c, const Column& mask) {
  if (mask.type() != DataType::kBool || mask.size() != c.size()) {
    throw Error("filter: the mask must be a bool column of " + std::to_string(c.size()) + " rows");
  }
  auto m = mask.bools();
  std::vector<std::int64_t> idx;
  idx.reserve(c.size());
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] && mask.is_valid(i)) idx.push_back(static_cast<std::int64_t>(i));
  }
  return take(c, idx);
}

Table filter(const Table& t, const Column& mask) {
  if (mask.type() != DataType::kBool || mask.size() != t.num_rows()) {
    throw Error("filter: the mask must be a bool column of " + std::to_string(t.num_rows()) +
                " rows");
  }
  auto m = mask.bools();
  std::vector<std::int64_t> idx;
  idx.reserve(t.num_rows());
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] && mask.is_valid(i)) idx.push_back(static_cast<std::int64_t>(i));
  }
  if (idx.size() == t.num_rows()) return t;
  return take(t, idx);
}

namespace {
template <class T>
std::vector<T> gather(std::span<const T> s, std::span<const std::int64_t> idx) {
  std::vector<T> out(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) out[i] = idx[i] < 0 ? T{} : s[idx[i]];
  return out;
}
}  // namespace

Column take(const Column& c, std::span<const std::int64_t> idx) {
  bool nulls =
      c.null_count() > 0 || std::any_of(idx.begin(), idx.end(), [](auto i) { return i < 0; });
  std::vector<std::uint8_t> validity;
  if (nulls) {
    validity.assign((idx.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < idx.size(); ++i) {
      if (idx[i] >= 0 && c.is_valid(idx[i]))
        validity[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
    }
  }
  switch (c.type()) {
    case DataType::kBool:
      return Column(c.type(), gather(c.bools(), idx), std::move(validity));
    case DataType::kInt64:
    case DataType::kTimestamp:
      return Column(c.type(), gather(c.int64s(), idx), std::move(validity));
    case DataType::kFloat64:
      return Column(c.type(), gather(c.float64s(), idx), std::move(validity));
    case DataType::kString: {
      const StringData& s = c.strings();
      StringData out;
      out.offsets.resize(idx.size() + 1);
      std::size_t bytes = 0;
      for (auto i : idx) bytes += i < 0 ? 0 : s.offsets[i + 1] - s.offsets[i];
      out.chars.reserve(bytes);
      for (std::size_t k = 0; k < idx.size(); ++k) {
        if (idx[k] >= 0) {
          auto i = idx[k];
          out.chars.append(s.chars, s.offsets[i], s.offsets[i + 1] - s.offsets[i]);
        }
        out.offsets[k + 1] = static_cast<std::int64_t>(out.chars.size());
      }
      return Column(c.type(), std::move(out), std::move(validity));
    }
  }
  throw Error("take: unknown column type");
}

Table take(const Table& t, std::span<const std::int64_t> indices) {
  std::vector<ColumnPtr> cols;
  for (std::size_t i = 0; i < t.num_columns(); ++i) {
    cols.push_back(std::make_shared<const Column>(take(t.column(i), indices)));
  }
  return Table(t.names(), std::move(cols));
}

void hash_column(const Column& c, std::span<std::uint64_t> hashes) {
  for (std::size_t i = 0; i < c.size(); ++i) hashes[i] = mix64(hashes[i] * 31 + value_hash(c, i));
}

std::vector<std::uint64_t> hash_rows(const Table& t, std::span<const std::string> names) {
  std::vector<std::uint64_t> h(t.num_rows(), 0x243f6a8885a308d3ULL);
  if (names.empty()) {
    for (std::size_t i = 0; i < t.num_columns(); ++i) hash_column(t.column(i), h);
  } else {
    for (const auto& n : names) hash_column(t.column(n), h);
  }
  return h;
}

bool values_equal(const Column& a, std::size_t i, const Column& b, std::size_t j) {
  bool va = a.is_valid(i), vb = b.is_valid(j);
  if (!va || !vb) return va == vb;
  switch (a.type()) {
    case DataType::kBool:
      return a.bools()[i] == b.bools()[j];
    case DataType::kInt64:
    case DataType::kTimestamp:
      return a.int64s()[i] == b.int64s()[j];
    case DataType::kFloat64: {
      double x = a.float64s()[i], y = b.float64s()[j];
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case DataType::kString:
      return a.string_at(i) == b.string_at(j);
  }
  return false;
}

int compare_values(const Column& a, std::size_t i, const Column& b, std::size_t j) {
  bool va = a.is_valid(i), vb = b.is_valid(j);
  if (!va || !vb) return va == vb ? 0 : (va ? -1 : 1);
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (a.type()) {
    case DataType::kBool:
      return cmp(a.bools()[i], b.bools()[j]);
    case DataType::kInt64:
    case DataType::kTimestamp:
      return cmp(a.int64s()[i], b.int64s()[j]);
    case DataType::kFloat64: {
      double x = a.float64s()[i], y = b.float64s()[j];
      if (std::isnan(x) || std::isnan(y))
        return std::isnan(x) == std::isnan(y) ? 0 : (std::isnan(x) ? 1 : -1);
      return cmp(x, y);
    }
    case DataType::kString:
      return cmp(a.string_at(i), b.string_at(j));
  }
  return 0;
}

std::vector<std::int64_t> sort_indices(const Table& t, std::span<const SortKey> keys) {
  if (keys.size() == 1) {
    if (auto order = detail::radix_sort_indices(t.column(keys[0].column), keys[0].ascending))
      return std::move(*order);
  }
  std::vector<std::int64_t> idx(t.num_rows());
  std::iota(idx.begin(), idx.end(), 0);
  std::vector<const Column*> cols;
  for (const auto& k : keys) cols.push_back(&t.column(k.column));
  std::stable_sort(idx.begin(), idx.end(), [&](std::int64_t x, std::int64_t y) {
    for (std::size_t k = 0; k < cols.size(); ++k) {
      int c = compare_values(*cols[k], x, *cols[k], y);
      bool x_null = !cols[k]->is_valid(x), y_null = !cols[k]->is_valid(y);
      if (c != 0) return (x_null || y_null || keys[k].ascending) ? c < 0 : c > 0;
    }
    return false;
  });
  return idx;
}

Table select(const Table& t, std::span<const std::string> names) {
  std::vector<ColumnPtr> cols;
  for (const auto& n : names) {
    t.column(n);  // throws naming the columns that exist
    cols.push_back(t.column_ptr(static_cast<std::size_t>(t.index_of(n))));
  }
  return Table(std::vector<std::string>(names.begin(), names.end()), std::move(cols));
}

}  // namespace shoal
