// GroupIndex: numbers the distinct key tuples of a table's rows (private to
// core; the heart of groupby). Open addressing on row hashes, equality
// checked on the key columns, so hash collisions never merge groups.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/column.h"
#include "table/local_hash.h"

namespace shoal::detail {

struct GroupIndex {
  /// Per row: its group, or -1 when a key is null (such rows are dropped).
  std::vector<std::int32_t> group_of_row;
  /// Per group: its first row.
  std::vector<std::int64_t> first_row;
  std::size_t groups() const noexcept { return first_row.size(); }
};

/// Numbers distinct strings in order of first appearance: the hash table of
/// grouping by one string column, which a parser can also feed field by
/// field across the chunks of a block. Not thread-safe.
///
/// A slot is 16 bytes: the key's size and its first eight bytes (all of a
/// short key's, as short_word), so finding a short key touches one slot and
/// nothing else. A lookup that needs a second probe costs a mispredicted
/// branch, which costs more than a slot out of the first-level cache: while
/// the table is at most 1 MiB (the usual groupby, of few distinct keys) it
/// is kept an eighth full, and half full beyond (measured on the dataframe
/// benchmark: half full 0.78 s, a quarter 0.61 s, an eighth 0.60 s).
class StringGroups {
 public:
  StringGroups() : slots_(kInitialSlots, Slot{0, -1, 0}) {}

  /// The group of v, made a new group when v is unseen.
  std::int32_t find_or_add(std::string_view v) {
    const std::uint64_t word = head_word(v);
    const std::size_t i = probe(v, word);
    return slots_[i].group >= 0 ? slots_[i].group : add(i, word, v);
  }
  /// The group of v, or -1 when v is unseen.
  std::int32_t find(std::string_view v) const { return slots_[probe(v, head_word(v))].group; }
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  /// Group g's string.
  std::string_view key(std::int32_t g) const noexcept {
    return {chars_.data() + offsets_[g], static_cast<std::size_t>(offsets_[g + 1] - offsets_[g])};
  }
  /// The strings, in group order, as a string column.
  std::shared_ptr<const Column> column() const;
  /// Forgets the groups numbered n and above (a parse that is redone).
  void truncate(std::size_t n);

 private:
  static constexpr std::size_t kInitialSlots = 1024;  // 1 << (64 - shift_)
  std::size_t max_load_inverse() const noexcept {
    return slots_.size() < (std::size_t{1} << 16) ? 8 : 2;
  }
  struct Slot {
    std::uint64_t word;  // head_word of the key
    std::int32_t group;  // -1: empty
    std::uint32_t size;
  };
  // A short key's bytes (short_word), or a long key's first eight.
  static std::uint64_t head_word(std::string_view v) noexcept {
    if (v.size() <= 8) return short_word(v.data(), v.size());
    std::uint64_t w;
    std::memcpy(&w, v.data(), 8);
    return w;
  }
  // One multiply for a short key (its word and size are the whole key);
  // slots are chosen by the top bits, which every bit of the key reaches.
  static std::uint64_t slot_hash(std::string_view v, std::uint64_t word) noexcept {
    if (v.size() > 8) return local_hash(v.data(), v.size());
    return (word ^ (std::uint64_t{v.size()} << 59)) * 0x9e3779b97f4a7c15ULL;
  }
  // The slot holding v, or the empty slot where it would go.
  std::size_t probe(std::string_view v, std::uint64_t word) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = slot_hash(v, word) >> shift_;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.group < 0 ||
          (s.word == word && s.size == v.size() && (v.size() <= 8 || same_tail(s.group, v))))
        return i;
    }
  }
  bool same_tail(std::int32_t g, std::string_view v) const noexcept {
    return std::memcmp(chars_.data() + offsets_[g] + 8, v.data() + 8, v.size() - 8) == 0;
  }
  std::int32_t add(std::size_t slot, std::uint64_t word, std::string_view v);
  void place(const Slot& s);  // into the first empty slot from its hash's

  std::vector<Slot> slots_;
  int shift_ = 64 - 10;  ///< 64 - log2(slots)
  std::string chars_;
  std::vector<std::int64_t> offsets_{0};
};

/// Groups `rows` rows by the key columns; without key columns every row is
/// in group 0, and there is one group even when there are no rows.
GroupIndex group_rows(const std::vector<const Column*>& keys, std::size_t rows);

}  // namespace shoal::detail
