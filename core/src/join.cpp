#include "shoal/join.h"

#include <algorithm>
#include <bit>

#include "shoal/error.h"
#include "shoal/table_ops.h"

namespace shoal {
namespace {

bool is_key(const JoinSpec& spec, const std::string& name) {
  return std::find(spec.on.begin(), spec.on.end(), name) != spec.on.end();
}

bool has(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

// A chained hash index over the right table's key rows.
class RightIndex {
 public:
  RightIndex(const Table& right, const JoinSpec& spec) : hashes_(hash_rows(right, spec.on)) {
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

Pairs match_rows(const Table& left, const Table& right, const JoinSpec& spec) {
  std::vector<const Column*> lk, rk;
  for (const auto& k : spec.on) lk.push_back(&left.column(k)), rk.push_back(&right.column(k));
  RightIndex index(right, spec);
  std::vector<std::uint64_t> lh = hash_rows(left, spec.on);
  std::vector<bool> right_matched(right.num_rows(), false);
  const bool keep_left = spec.how == JoinHow::kLeft || spec.how == JoinHow::kOuter;
  Pairs p;
  for (std::size_t l = 0; l < left.num_rows(); ++l) {
    bool found = false;
    for (std::int64_t r = index.first(lh[l]); r >= 0; r = index.next(r)) {
      if (index.hash(r) != lh[l]) continue;
      bool eq = true;
      for (std::size_t k = 0; k < lk.size() && eq; ++k) eq = values_equal(*lk[k], l, *rk[k], static_cast<std::size_t>(r));
      if (!eq) continue;
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
                  std::string(type_name(b)) + " on the right; cast one side with assign() (or read it with dtypes)");
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
    case JoinHow::kInner: return "inner";
    case JoinHow::kLeft: return "left";
    case JoinHow::kRight: return "right";
    case JoinHow::kOuter: return "outer";
  }
  return "inner";
}

std::vector<std::string> merged_names(const std::vector<std::string>& left, const std::vector<std::string>& right,
                                      const JoinSpec& spec) {
  std::vector<std::string> out;
  for (const auto& n : left) out.push_back(!is_key(spec, n) && has(right, n) ? n + spec.suffixes.first : n);
  for (const auto& n : right) {
    if (!is_key(spec, n)) out.push_back(has(left, n) ? n + spec.suffixes.second : n);
  }
  return out;
}

Table merge_tables(const Table& left, const Table& right, const JoinSpec& spec) {
  check_keys(left, right, spec);
  Pairs p = match_rows(left, right, spec);
  std::vector<ColumnPtr> cols;
  for (std::size_t i = 0; i < left.num_columns(); ++i) {
    const std::string& n = left.names()[i];
    cols.push_back(is_key(spec, n) ? key_column(left.column(i), right.column(n), p)
                                   : std::make_shared<const Column>(take(left.column(i), p.left)));
  }
  for (std::size_t i = 0; i < right.num_columns(); ++i) {
    if (!is_key(spec, right.names()[i])) cols.push_back(std::make_shared<const Column>(take(right.column(i), p.right)));
  }
  return Table(merged_names(left.names(), right.names(), spec), std::move(cols));
}

}  // namespace shoal
