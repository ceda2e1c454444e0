// The kernels under shuffles and sorting: splitting a table by hash or by
// value range, and sorting one.
#include <algorithm>
#include <numeric>
#include <optional>

#include "shoal/error.h"
#include "shoal/table_kernels.h"
#include "table/radix_sort.h"

namespace shoal {
namespace {

// Rows of t by piece, in one pass over `piece_of` and one take per piece.
std::vector<Table> split_by(const Table& t, std::span<const std::uint32_t> piece_of,
                            std::size_t n) {
  std::vector<std::vector<std::int64_t>> rows(n);
  for (std::size_t r = 0; r < piece_of.size(); ++r)
    rows[piece_of[r]].push_back(static_cast<std::int64_t>(r));
  std::vector<Table> out;
  out.reserve(n);
  for (const auto& idx : rows) {
    out.push_back(idx.size() == t.num_rows() ? t : take(t, idx));
  }
  return out;
}

// The number of divisions <= row `r` of c: upper bound by binary search.
std::size_t count_le(const Column& divisions, const Column& c, std::size_t r) {
  std::size_t lo = 0, hi = divisions.size();
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    if (compare_values(divisions, mid, c, r) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

// count_le on order_keys (radix_sort.h) for numeric and bool columns: a
// binary search over integers instead of one through compare_values.
class KeyCounts {
 public:
  static std::optional<KeyCounts> of(const Column& divisions, const Column& c) {
    if (divisions.null_count() > 0) return std::nullopt;
    auto d = detail::order_keys(divisions);
    auto k = detail::order_keys(c);
    if (!d || !k) return std::nullopt;
    return KeyCounts(std::move(*d), std::move(*k));
  }
  /// upper_bound without a branch on the data (a select per halving):
  /// rows come in no order, and a mispredicted step costs more than a
  /// wasted comparison.
  std::size_t le(std::size_t r) const {
    const std::uint64_t k = keys_[r];
    const std::uint64_t* base = divisions_.data();
    std::size_t n = divisions_.size();
    if (n == 0) return 0;
    while (n > 1) {
      const std::size_t half = n / 2;
      base = base[half] <= k ? base + half : base;
      n -= half;
    }
    return static_cast<std::size_t>(base - divisions_.data()) + (*base <= k);
  }

 private:
  KeyCounts(std::vector<std::uint64_t> d, std::vector<std::uint64_t> k)
      : divisions_(std::move(d)), keys_(std::move(k)) {}
  std::vector<std::uint64_t> divisions_, keys_;
};

}  // namespace

std::vector<Table> hash_partition(const Table& t, std::span<const std::string> names,
                                  std::size_t n) {
  if (n == 0) throw Error("hash_partition: the number of pieces must be at least 1");
  std::vector<std::uint64_t> h = hash_rows(t, names);
  std::vector<std::uint32_t> piece(h.size());
  // The high bits: the low ones already chose hash-table slots downstream.
  for (std::size_t r = 0; r < h.size(); ++r)
    piece[r] = static_cast<std::uint32_t>((h[r] >> 32) % n);
  return split_by(t, piece, n);
}

std::vector<Table> range_partition(const Table& t, const std::string& column,
                                   const Column& divisions, bool ascending) {
  const Column& c = t.column(column);
  if (divisions.size() > 0 && divisions.type() != c.type()) {
    throw Error("range_partition: divisions are " + std::string(type_name(divisions.type())) +
                " but column '" + column + "' is " + std::string(type_name(c.type())));
  }
  const std::size_t n = divisions.size() + 1;
  const std::optional<KeyCounts> counts = KeyCounts::of(divisions, c);
  std::vector<std::uint32_t> piece(c.size());
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (!c.is_valid(r)) {
      piece[r] = static_cast<std::uint32_t>(n - 1);
      continue;
    }
    std::size_t k = counts ? counts->le(r) : count_le(divisions, c, r);
    piece[r] = static_cast<std::uint32_t>(ascending ? k : n - 1 - k);
  }
  return split_by(t, piece, n);
}

Table sort_table(const Table& t, std::span<const SortKey> keys) {
  for (const auto& k : keys) t.column(k.column);  // throws naming the columns
  std::vector<std::int64_t> idx = sort_indices(t, keys);
  return take(t, idx);
}

}  // namespace shoal
