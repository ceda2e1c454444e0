// Internal: the results a LocalCluster holds, counted against its memory
// limit, and spilled to disk when they do not fit.
//
// The supervisor owns this object. Every stored result is counted by
// Value::nbytes(). Past kSpillFraction of the limit the least recently used
// results that no dispatched task is reading ("pinned") are written to the
// spill directory in Shoal's columnar encoding and dropped from memory; a
// task reads a spilled input back from disk itself (RunState::input), and
// the result stays spilled. Past kPauseFraction of the limit in process
// memory (RSS), the supervisor dispatches nothing new while something is in
// flight: the results held can then only shrink.
//
// A slot changes (stored, spilled, released) only while no dispatched task
// reads it, which is what lets task actors read `RunState::held` without a
// lock (the supervisor's message to the worker orders the two).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <utility>

#include "local/messages.h"

namespace shoal::actors {

class HeldResults {
 public:
  static constexpr double kSpillFraction = 0.7;
  static constexpr double kPauseFraction = 0.85;

  /// `limit` 0: no limit (nothing is spilled, nothing pauses). Results
  /// under `min_spill_bytes` are counted but never spilled: a file per small
  /// result would cost more than it frees, and tracking them would cost
  /// every task of a fine-grained graph.
  HeldResults(std::uint64_t limit, std::uint64_t min_spill_bytes, std::filesystem::path spill_dir,
              std::shared_ptr<SharedCounters> counters);
  ~HeldResults();
  HeldResults(const HeldResults&) = delete;
  HeldResults& operator=(const HeldResults&) = delete;

  /// The result of `id` was just stored in `run.results`: counted, and
  /// spillable once nothing reads it.
  void add(RunState& run, Plan::Id id);
  /// A task that reads `id` was dispatched / has reported.
  void pin(RunState& run, Plan::Id id);
  void unpin(RunState& run, Plan::Id id);
  /// The result is released: uncounted, its spill file removed.
  void remove(RunState& run, Plan::Id id);
  /// Spills least recently used results until the held bytes are below the
  /// spill threshold (or nothing more can be spilled).
  void spill_if_needed();
  /// True while the process's RSS is over the pause threshold (read at
  /// most every few milliseconds; freed pages are trimmed first).
  bool over_pause_threshold();
  /// Counts a dispatch held back by the pause (LocalClusterStats).
  void count_pause() { counters_->pauses.fetch_add(1, std::memory_order_relaxed); }

  std::uint64_t limit() const noexcept { return limit_; }
  std::uint64_t held_bytes() const noexcept { return memory_; }
  /// The spill directory: this cluster's own, created at the first spill
  /// and removed with this object.
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  using Slot = std::pair<RunState*, Plan::Id>;
  void spill(RunState& run, Plan::Id id);
  void make_spillable(RunState& run, Plan::Id id);
  void make_unspillable(RunState& run, Plan::Id id);
  void unlist(RunState& run, Plan::Id id);
  void publish();

  std::uint64_t limit_, min_spill_;
  std::filesystem::path dir_;
  std::shared_ptr<SharedCounters> counters_;
  // Results in memory, each in one of two lists: spillable ones least
  // recently used first, and those a task reads (or that cannot be encoded).
  // A result moves between them by splice, so pinning allocates nothing.
  std::list<Slot> lru_, pinned_;
  std::uint64_t memory_ = 0, spilled_ = 0;
  bool warned_ = false;  // about a spill directory that cannot be written
  std::chrono::steady_clock::time_point next_rss_check_{}, next_trim_{};
  std::uint32_t calls_ = 0;  // over_pause_threshold() reads the clock every 16th call
  bool over_pause_ = false;
};

}  // namespace shoal::actors
