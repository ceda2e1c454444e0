#include "result_cache.h"

namespace shoal::studio {

void ResultCache::put(const Key& key, Value value) {
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  const std::size_t bytes = value.nbytes();
  if (bytes > budget_) return;
  lru_.push_front({key, std::move(value), bytes});
  index_.emplace(key, lru_.begin());
  bytes_ += bytes;
  evict();
}

const Value* ResultCache::get(const Key& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);  // iterators stay valid
  return &it->second->value;
}

void ResultCache::clear() {
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

void ResultCache::evict() {
  while (bytes_ > budget_ && !lru_.empty()) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace shoal::studio
