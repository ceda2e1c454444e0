#include "table/group_index.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>

#include "shoal/key.h"
#include "shoal/table_kernels.h"
#include "table/local_hash.h"

namespace shoal::detail {
namespace {

// Groups by one string column: the benchmark's and the common case, kept
// free of per-row type dispatch.
GroupIndex group_strings(const Column& c, std::size_t rows) {
  GroupIndex g;
  g.group_of_row.resize(rows);
  const StringData& s = c.strings();
  StringGroups groups;
  for (std::size_t r = 0; r < rows; ++r) {
    if (!c.is_valid(r)) {
      g.group_of_row[r] = -1;
      continue;
    }
    std::string_view v(s.chars.data() + s.offsets[r],
                       static_cast<std::size_t>(s.offsets[r + 1] - s.offsets[r]));
    std::int32_t k = groups.find_or_add(v);
    if (static_cast<std::size_t>(k) == g.first_row.size())
      g.first_row.push_back(static_cast<std::int64_t>(r));
    g.group_of_row[r] = k;
  }
  return g;
}

}  // namespace

std::int32_t StringGroups::add(std::size_t slot, std::uint64_t word, std::string_view v) {
  auto g = static_cast<std::int32_t>(size());
  slots_[slot] = Slot{word, g, static_cast<std::uint32_t>(v.size())};
  chars_.append(v.data(), v.size());
  offsets_.push_back(static_cast<std::int64_t>(chars_.size()));
  if (size() * max_load_inverse() > slots_.size()) {  // grow: rehash the groups
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{0, -1, 0});
    --shift_;
    for (const Slot& o : old) {
      if (o.group >= 0) place(o);
    }
  }
  return g;
}

void StringGroups::place(const Slot& s) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t j = slot_hash(key(s.group), s.word) >> shift_;
  while (slots_[j].group >= 0) j = (j + 1) & mask;
  slots_[j] = s;
}

void StringGroups::truncate(std::size_t n) {
  if (n >= size()) return;
  chars_.resize(static_cast<std::size_t>(offsets_[n]));
  offsets_.resize(n + 1);
  // Emptying slots would cut probe chains: the kept groups are placed anew.
  std::vector<Slot> kept;
  for (const Slot& s : slots_) {
    if (s.group >= 0 && static_cast<std::size_t>(s.group) < n) kept.push_back(s);
  }
  std::fill(slots_.begin(), slots_.end(), Slot{0, -1, 0});
  for (const Slot& s : kept) place(s);
}

std::shared_ptr<const Column> StringGroups::column() const {
  return std::make_shared<const Column>(DataType::kString, StringData{offsets_, chars_});
}

GroupIndex group_rows(const std::vector<const Column*>& keys, std::size_t rows) {
  if (keys.empty()) {
    GroupIndex g;
    g.group_of_row.assign(rows, 0);
    g.first_row.push_back(0);
    return g;
  }
  if (keys.size() == 1 && keys[0]->type() == DataType::kString)
    return group_strings(*keys[0], rows);
  GroupIndex g;
  g.group_of_row.resize(rows);
  std::vector<std::uint64_t> h(rows, 0x243f6a8885a308d3ULL);
  for (const Column* c : keys) hash_column(*c, h);
  std::size_t cap = 1024;
  std::vector<std::int32_t> slots(cap, -1);
  auto equal = [&](std::int64_t a, std::int64_t b) {
    for (const Column* c : keys) {
      if (!values_equal(*c, a, *c, b)) return false;
    }
    return true;
  };
  for (std::size_t r = 0; r < rows; ++r) {
    bool null_key = false;
    for (const Column* c : keys) null_key |= !c->is_valid(r);
    if (null_key) {
      g.group_of_row[r] = -1;
      continue;
    }
    std::size_t i = h[r] & (cap - 1);
    for (;; i = (i + 1) & (cap - 1)) {
      std::int32_t k = slots[i];
      if (k < 0) {
        k = static_cast<std::int32_t>(g.first_row.size());
        slots[i] = k;
        g.first_row.push_back(static_cast<std::int64_t>(r));
        g.group_of_row[r] = k;
        break;
      }
      std::int64_t f = g.first_row[k];
      if (h[f] == h[r] && equal(f, static_cast<std::int64_t>(r))) {
        g.group_of_row[r] = k;
        break;
      }
    }
    if (g.first_row.size() * 2 > cap) {
      cap *= 2;
      slots.assign(cap, -1);
      for (std::size_t k = 0; k < g.first_row.size(); ++k) {
        std::size_t j = h[g.first_row[k]] & (cap - 1);
        while (slots[j] >= 0) j = (j + 1) & (cap - 1);
        slots[j] = static_cast<std::int32_t>(k);
      }
    }
  }
  return g;
}

}  // namespace shoal::detail
