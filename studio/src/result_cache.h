// ResultCache: the partition results a studio session keeps between runs,
// by key, within a byte budget, least recently used out first.
//
// Keys are tokens of op, parameters and inputs, so a key computed in an
// earlier run names the same value now: when the user edits a later node
// and runs again, the tasks of unchanged nodes are served from here
// instead of running (RunController substitutes them). GUI thread only.
#pragma once

#include <cstddef>
#include <list>
#include <unordered_map>

#include "shoal/key.h"
#include "shoal/value.h"

namespace shoal::studio {

class ResultCache {
 public:
  explicit ResultCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

  /// Keeps `value` under `key` (replacing an older one), then evicts the
  /// least recently used entries until the total fits the budget. A value
  /// larger than the whole budget is not kept.
  void put(const Key& key, Value value);
  /// The value of `key`, marked as just used; nullptr when not kept.
  const Value* get(const Key& key);
  bool contains(const Key& key) const { return index_.count(key) != 0; }
  void clear();

  std::size_t size() const { return index_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t budget() const { return budget_; }

 private:
  struct Entry {
    Key key;
    Value value;
    std::size_t bytes;
  };
  void evict();

  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
};

}  // namespace shoal::studio
