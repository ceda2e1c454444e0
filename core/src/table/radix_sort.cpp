#include "table/radix_sort.h"

#include <array>
#include <bit>
#include <cmath>
#include <span>
#include <type_traits>
#include <utility>

namespace shoal::detail {
namespace {

struct Entry {
  std::uint64_t key;  // ordered as unsigned integers as the values are
  std::int64_t row;
};

// Keys whose unsigned order is the values' order.
std::uint64_t ordered(std::int64_t v) {
  return static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63);
}
std::uint64_t ordered(double v) {
  if (std::isnan(v)) return ~std::uint64_t{0};        // after every number, all NaNs equal
  auto bits = std::bit_cast<std::uint64_t>(v + 0.0);  // -0.0 + 0.0 is 0.0
  return bits >> 63 ? ~bits : bits | (std::uint64_t{1} << 63);
}

// The valid rows as entries, in row order, and the null rows after them.
template <class T>
void collect(const Column& c, std::span<const T> values, bool ascending,
             std::vector<Entry>& entries, std::vector<std::int64_t>& nulls) {
  const bool all_valid = c.null_count() == 0;
  for (std::size_t r = 0; r < values.size(); ++r) {
    if (!all_valid && !c.is_valid(r)) {
      nulls.push_back(static_cast<std::int64_t>(r));
      continue;
    }
    std::uint64_t k;
    if constexpr (std::is_same_v<T, std::uint8_t>)
      k = values[r] != 0;
    else
      k = ordered(values[r]);
    entries.push_back({ascending ? k : ~k, static_cast<std::int64_t>(r)});
  }
}

// LSD radix sort, 11 bits a pass (six passes cover 64), stable. A pass
// whose digit is the same for every key is skipped: keys of a narrow range
// (floats of one exponent, small integers) skip most of them.
void radix_sort(std::vector<Entry>& a) {
  constexpr int kBits = 11, kPasses = 6;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  std::vector<std::array<std::uint32_t, kBuckets>> count(kPasses);
  for (auto& h : count) h.fill(0);
  for (const Entry& e : a) {
    for (int p = 0; p < kPasses; ++p) ++count[p][(e.key >> (p * kBits)) & (kBuckets - 1)];
  }
  std::vector<Entry> b(a.size());
  for (int p = 0; p < kPasses; ++p) {
    auto& h = count[p];
    if (h[(a.empty() ? 0 : a[0].key >> (p * kBits)) & (kBuckets - 1)] == a.size()) continue;
    std::uint32_t sum = 0;
    for (auto& n : h) sum += std::exchange(n, sum);  // bucket starts
    for (const Entry& e : a) b[h[(e.key >> (p * kBits)) & (kBuckets - 1)]++] = e;
    a.swap(b);
  }
}

}  // namespace

std::optional<std::vector<std::uint64_t>> order_keys(const Column& c) {
  std::vector<std::uint64_t> keys(c.size());
  switch (c.type()) {
    case DataType::kFloat64:
      for (std::size_t r = 0; r < keys.size(); ++r) keys[r] = ordered(c.float64s()[r]);
      break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      for (std::size_t r = 0; r < keys.size(); ++r) keys[r] = ordered(c.int64s()[r]);
      break;
    case DataType::kBool:
      for (std::size_t r = 0; r < keys.size(); ++r) keys[r] = c.bools()[r] != 0;
      break;
    case DataType::kString:
      return std::nullopt;
  }
  return keys;
}

std::optional<std::vector<std::int64_t>> radix_sort_indices(const Column& c, bool ascending) {
  std::vector<Entry> entries;
  std::vector<std::int64_t> nulls;
  entries.reserve(c.size());
  switch (c.type()) {
    case DataType::kFloat64:
      collect(c, c.float64s(), ascending, entries, nulls);
      break;
    case DataType::kInt64:
    case DataType::kTimestamp:
      collect(c, c.int64s(), ascending, entries, nulls);
      break;
    case DataType::kBool:
      collect(c, c.bools(), ascending, entries, nulls);
      break;
    case DataType::kString:
      return std::nullopt;
  }
  radix_sort(entries);
  std::vector<std::int64_t> order;
  order.reserve(c.size());
  for (const Entry& e : entries) order.push_back(e.row);
  order.insert(order.end(), nulls.begin(), nulls.end());
  return order;
}

}  // namespace shoal::detail
