// GroupIndex: numbers the distinct key tuples of a table's rows (private to
// core; the heart of groupby). Open addressing on row hashes, equality
// checked on the key columns, so hash collisions never merge groups.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "local_hash.h"
#include "shoal/column.h"

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
/// field across the chunks of a block. Each slot holds the key's hash and,
/// for keys of up to 8 bytes, the bytes themselves, so finding a short key
/// touches the slots only. Not thread-safe.
class StringGroups {
 public:
  StringGroups() : slots_(1024, Slot{0, 0, -1, 0}) {}

  /// The group of v, made a new group when v is unseen.
  std::int32_t find_or_add(std::string_view v) {
    const std::uint64_t h = local_hash(v.data(), v.size());
    const std::uint64_t word = v.size() <= 8 ? short_word(v.data(), v.size()) : 0;
    for (std::size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.group < 0) return add(i, h, word, v);
      if (s.hash == h && s.size == v.size() && (v.size() <= 8 ? s.word == word : same_bytes(key(s.group), v))) {
        return s.group;
      }
    }
  }
  std::size_t size() const noexcept { return offsets_.size() - 1; }
  /// Group g's string.
  std::string_view key(std::int32_t g) const noexcept {
    return {chars_.data() + offsets_[g], static_cast<std::size_t>(offsets_[g + 1] - offsets_[g])};
  }
  /// The strings, in group order, as a string column.
  std::shared_ptr<const Column> column() const;

 private:
  struct Slot {
    std::uint64_t hash;
    std::uint64_t word;  // short_word of a key of at most 8 bytes
    std::int32_t group;  // -1: empty
    std::uint32_t size;
  };
  std::int32_t add(std::size_t slot, std::uint64_t h, std::uint64_t word, std::string_view v);

  std::vector<Slot> slots_;
  std::string chars_;
  std::vector<std::int64_t> offsets_{0};
};

/// Groups `rows` rows by the key columns; without key columns every row is
/// in group 0, and there is one group even when there are no rows.
GroupIndex group_rows(const std::vector<const Column*>& keys, std::size_t rows);

}  // namespace shoal::detail
