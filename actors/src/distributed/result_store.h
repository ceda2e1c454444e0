// Internal: the results a remote worker holds, with a memory limit.
//
// Results are counted by Value::nbytes(). Past `spill_fraction` of the limit
// the least recently used results are written to the spill directory in
// Shoal's columnar encoding (serialization/value_codec.h) and dropped from
// memory; get() reads a spilled result from disk each time, leaving it
// spilled. With no limit nothing is ever spilled. Not thread-safe: the
// worker actor owns it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "shoal/value.h"

namespace shoal::actors {

class ResultStore {
 public:
  static constexpr double kSpillFraction = 0.7;

  ResultStore(std::filesystem::path spill_dir, std::uint64_t memory_limit,
              std::function<void(const std::string&)> log);
  ~ResultStore();

  void put(std::uint64_t run, std::uint32_t id, Value value);
  /// The value, read from disk if it was spilled (it stays spilled);
  /// nullopt when absent (or when its spill file is unreadable, which is
  /// logged and forgets it).
  std::optional<Value> get(std::uint64_t run, std::uint32_t id);
  bool contains(std::uint64_t run, std::uint32_t id) const {
    return entries_.count(slot(run, id)) != 0;
  }
  void erase(std::uint64_t run, std::uint32_t id);
  void clear();

  std::uint64_t memory_bytes() const noexcept { return memory_; }
  std::uint64_t spilled_bytes() const noexcept { return spilled_; }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    Value value;  // null once spilled
    std::uint64_t nbytes = 0;
    bool spilled = false;
    std::list<std::uint64_t>::iterator lru;  // valid while in memory
  };
  static std::uint64_t slot(std::uint64_t run, std::uint32_t id) { return (run << 32) | id; }
  std::filesystem::path path_of(std::uint64_t slot) const;
  void spill_until_below(std::uint64_t bytes);
  void spill(std::uint64_t slot, Entry& e);

  std::filesystem::path dir_;
  std::uint64_t limit_;
  std::function<void(const std::string&)> log_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::list<std::uint64_t> lru_;  // in memory, least recently used first
  std::uint64_t memory_ = 0, spilled_ = 0;
};

}  // namespace shoal::actors
