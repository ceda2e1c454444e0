#include "shoal/join.h"

#include <algorithm>
#include <bit>
#include <span>

#include "shoal/error.h"
#include "shoal/table_kernels.h"
#include "table/group_index.h"

namespace shoal {
namespace {

bool is_key(const JoinSpec& spec, const std::string& name) {
  return std::find(spec.on.begin(), spec.on.end(), name) != spec.on.end();
}

bool has(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

// The key columns of one side, hashed and compared for this join only (one
// string key, the common case, never gets here: see match_string_rows).
class JoinKeys {
 public:
  JoinKeys(const Table& t, const JoinSpec& spec) {
    for (const auto& k : spec.on) columns_.push_back(&t.column(k));
  }
  /// Row a of these keys equals row b of `other` (null equals null, as pandas).
  bool equal(std::size_t a, const JoinKeys& other, std::size_t b) const {
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      if (!values_equal(*columns_[k], a, *other.columns_[k], b)) return false;
    }
    return true;
  }

 private:
  std::vector<const Column*> columns_;
};

// A chained hash index over the right table's key rows.
class RightIndex {
 public:
  explicit RightIndex(std::vector<std::uint64_t> hashes) : hashes_(std::move(hashes)) {
    std::size_t slots = std::bit_ceil(std::max<std::size_t>(16, hashes_.size() * 2));
    mask_ = slots - 1;
    head_.assign(slots, -1);
    next_.assign(hashes_.size(), -1);
    // Inserted back to front so that each chain lists rows in table order.
    for (std::size_t r = hashes_.size(); r-- > 0;) {
      std::size_t s = hashes_[r] & mask_;
      next_[r] = head_[s];
      head_[s] = static_cast<std::int64_t>(r);
    }
  }
  std::int64_t first(std::uint64_t h) const { return head_[h & mask_]; }
  std::int64_t next(std::int64_t r) const { return next_[static_cast<std::size_t>(r)]; }
  std::uint64_t hash(std::int64_t r) const { return hashes_[static_cast<std::size_t>(r)]; }

 private:
  std::vector<std::uint64_t> hashes_;
  std::vector<std::int64_t> head_, next_;
  std::size_t mask_ = 0;
};

struct Pairs {
  std::vector<std::int64_t> left, right;  // -1: no row on that side
};

// The rows of one string key column, grouped by value: the right side of
// the common lookup join, where each left key is then found with one probe.
class StringRowIndex {
 public:
  explicit StringRowIndex(const Column& c) {
    std::vector<std::int32_t> group_of(c.size());
    for (std::size_t r = 0; r < c.size(); ++r) {
      group_of[r] = c.is_valid(r) ? keys_.find_or_add(string_view_at(c, r)) : kNull;
    }
    // The rows of each group (nulls last), in table order: a counting sort.
    start_.assign(keys_.size() + 2, 0);
    for (std::int32_t g : group_of) ++start_[slot(g) + 1];
    for (std::size_t g = 1; g < start_.size(); ++g) start_[g] += start_[g - 1];
    rows_.resize(c.size());
    std::vector<std::int64_t> at(start_.begin(), start_.end() - 1);
    for (std::size_t r = 0; r < c.size(); ++r)
      rows_[static_cast<std::size_t>(at[slot(group_of[r])]++)] = static_cast<std::int64_t>(r);
  }
  static constexpr std::int32_t kNull = -2;
  /// The group of row r of c, -1 when no right row has its key, kNull for a null.
  std::int32_t find(const Column& c, std::size_t r) const {
    return c.is_valid(r) ? keys_.find(string_view_at(c, r)) : kNull;
  }
  std::span<const std::int64_t> rows(std::int32_t g) const {
    std::size_t s = slot(g);
    return {rows_.data() + start_[s], static_cast<std::size_t>(start_[s + 1] - start_[s])};
  }
  std::size_t groups() const noexcept { return keys_.size() + 1; }  ///< With the null group.
  std::size_t slot(std::int32_t g) const noexcept {
    return g == kNull ? keys_.size() : static_cast<std::size_t>(g);
  }

 private:
  static std::string_view string_view_at(const Column& c, std::size_t r) {
    const StringData& s = c.strings();
    return {s.chars.data() + s.offsets[r],
            static_cast<std::size_t>(s.offsets[r + 1] - s.offsets[r])};
  }
  detail::StringGroups keys_;
  std::vector<std::int64_t> start_, rows_;
};

Pairs match_string_rows(const Column& left, const Column& right, JoinHow how) {
  StringRowIndex index(right);
  std::vector<bool> matched(index.groups(), false);
  const bool keep_left = how == JoinHow::kLeft || how == JoinHow::kOuter;
  Pairs p;
  p.left.reserve(left.size());
  p.right.reserve(left.size());
  for (std::size_t l = 0; l < left.size(); ++l) {
    const std::int32_t g = index.find(left, l);
    std::span<const std::int64_t> rows = g == -1 ? std::span<const std::int64_t>() : index.rows(g);
    if (rows.empty()) {
      if (keep_left) p.left.push_back(static_cast<std::int64_t>(l)), p.right.push_back(-1);
      continue;
    }
    matched[index.slot(g)] = true;
    for (std::int64_t r : rows)
      p.left.push_back(static_cast<std::int64_t>(l)), p.right.push_back(r);
  }
  if (how == JoinHow::kRight || how == JoinHow::kOuter) {
    for (std::size_t r = 0; r < right.size(); ++r) {
      if (!matched[index.slot(index.find(right, r))])
        p.left.push_back(-1), p.right.push_back(static_cast<std::int64_t>(r));
    }
  }
  return p;
}

Pairs match_rows(const Table& left, const Table& right, const JoinSpec& spec) {
  if (spec.on.size() == 1 && left.column(spec.on[0]).type() == DataType::kString) {
    return match_string_rows(left.column(spec.on[0]), right.column(spec.on[0]), spec.how);
  }
  JoinKeys lk(left, spec), rk(right, spec);
  RightIndex index(hash_rows(right, spec.on));
  std::vector<std::uint64_t> lh = hash_rows(left, spec.on);
  std::vector<bool> right_matched(right.num_rows(), false);
  const bool keep_left = spec.how == JoinHow::kLeft || spec.how == JoinHow::kOuter;
  Pairs p;
  p.left.reserve(left.num_rows());  // a lookup join matches each row about once
  p.right.reserve(left.num_rows());
  for (std::size_t l = 0; l < left.num_rows(); ++l) {
    bool found = false;
    for (std::int64_t r = index.first(lh[l]); r >= 0; r = index.next(r)) {
      if (index.hash(r) != lh[l]) continue;
      if (!lk.equal(l, rk, static_cast<std::size_t>(r))) continue;
      found = true;
      right_matched[static_cast<std::size_t>(r)] = true;
      p.left.push_back(static_cast<std::int64_t>(l));
      p.right.push_back(r);
    }
    if (!found && keep_left) p.left.push_back(static_cast<std::int64_t>(l)), p.right.push_back(-1);
  }
  if (spec.how == JoinHow::kRight || spec.how == JoinHow::kOuter) {
    for (std::size_t r = 0; r < right.num_rows(); ++r) {
      if (!right_matched[r]) p.left.push_back(-1), p.right.push_back(static_cast<std::int64_t>(r));
    }
  }
  return p;
}

// A key column: the left's value, or the right's where the left has no row.
ColumnPtr key_column(const Column& l, const Column& r, const Pairs& p) {
  bool any_right_only = std::find(p.left.begin(), p.left.end(), -1) != p.left.end();
  if (!any_right_only) return std::make_shared<const Column>(take(l, p.left));
  std::vector<ColumnPtr> both{std::make_shared<const Column>(l), std::make_shared<const Column>(r)};
  Column all = concat(both);
  std::vector<std::int64_t> idx(p.left.size());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    idx[i] = p.left[i] >= 0 ? p.left[i] : static_cast<std::int64_t>(l.size()) + p.right[i];
  }
  return std::make_shared<const Column>(take(all, idx));
}

void check_keys(const Table& left, const Table& right, const JoinSpec& spec) {
  if (spec.on.empty()) throw Error("merge: give the key columns (on=...)");
  for (const auto& k : spec.on) {
    if (left.index_of(k) < 0) throw Error("merge: the left side has no column '" + k + "'");
    if (right.index_of(k) < 0) throw Error("merge: the right side has no column '" + k + "'");
    DataType a = left.column(k).type(), b = right.column(k).type();
    if (a != b) {
      throw Error("merge: key '" + k + "' is " + std::string(type_name(a)) + " on the left but " +
                  std::string(type_name(b)) +
                  " on the right; cast one side with assign() (or read it with dtypes)");
    }
  }
}

}  // namespace

JoinHow parse_join_how(const std::string& how) {
  if (how == "inner") return JoinHow::kInner;
  if (how == "left") return JoinHow::kLeft;
  if (how == "right") return JoinHow::kRight;
  if (how == "outer") return JoinHow::kOuter;
  throw Error("merge: how='" + how + "' is not one of inner, left, right, outer");
}

const char* join_how_name(JoinHow how) noexcept {
  switch (how) {
    case JoinHow::kInner:
      return "inner";
    case JoinHow::kLeft:
      return "left";
    case JoinHow::kRight:
      return "right";
    case JoinHow::kOuter:
      return "outer";
  }
  return "inner";
}

std::vector<std::string> merged_names(const std::vector<std::string>& left,
                                      const std::vector<std::string>& right, const JoinSpec& spec) {
  std::vector<std::string> out;
  for (const auto& n : left)
    out.push_back(!is_key(spec, n) && has(right, n) ? n + spec.suffixes.first : n);
  for (const auto& n : right) {
    if (!is_key(spec, n)) out.push_back(has(left, n) ? n + spec.suffixes.second : n);
  }
  return out;
}

// True when the pairs take every left row once, in order (a lookup join
// where each row finds exactly one match): the left columns are then
// shared, not copied.
bool takes_left_whole(const Pairs& p, std::size_t left_rows) {
  if (p.left.size() != left_rows) return false;
  for (std::size_t i = 0; i < left_rows; ++i) {
    if (p.left[i] != static_cast<std::int64_t>(i)) return false;
  }
  return true;
}

Table merge_tables(const Table& left, const Table& right, const JoinSpec& spec) {
  check_keys(left, right, spec);
  Pairs p = match_rows(left, right, spec);
  const bool whole = takes_left_whole(p, left.num_rows());
  std::vector<ColumnPtr> cols;
  for (std::size_t i = 0; i < left.num_columns(); ++i) {
    const std::string& n = left.names()[i];
    cols.push_back(whole ? left.column_ptr(i)
                   : is_key(spec, n)
                       ? key_column(left.column(i), right.column(n), p)
                       : std::make_shared<const Column>(take(left.column(i), p.left)));
  }
  for (std::size_t i = 0; i < right.num_columns(); ++i) {
    if (!is_key(spec, right.names()[i]))
      cols.push_back(std::make_shared<const Column>(take(right.column(i), p.right)));
  }
  return Table(merged_names(left.names(), right.names(), spec), std::move(cols));
}

}  // namespace shoal
