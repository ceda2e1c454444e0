#include "local/held_results.h"

#include <malloc.h>

#include <fstream>
#include <iostream>
#include <system_error>
#include <vector>

#include "common/process_memory.h"
#include "shoal/atomic_file.h"
#include "shoal/value_codec.h"

namespace shoal::actors {

namespace {

// RSS moves slowly next to the supervisor's message rate: reading
// /proc/self/statm on every dispatch would cost more than a task.
constexpr auto kRssInterval = std::chrono::milliseconds(5);
// malloc_trim walks the heap; while paused, give freed pages back to the
// system at most this often (glibc keeps them otherwise, and RSS would stay
// over the threshold long after the results are gone).
constexpr auto kTrimInterval = std::chrono::milliseconds(100);

std::vector<std::byte> read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error("it cannot be opened");
  std::vector<std::byte> bytes(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) {
    throw Error("it cannot be read whole");
  }
  return bytes;
}

}  // namespace

Value RunState::read_spilled(Plan::Id id) const {
  const std::filesystem::path path = spill_file(id);
  try {
    std::vector<std::byte> bytes = read_whole(path);
    return decode_value(bytes);
  } catch (const std::exception& e) {
    throw Error("cannot read back the spilled result of task '" + plan.task(id).key.str() +
                "' from " + path.string() + ": " + e.what() +
                "; the spill directory must stay in place, writable and unmodified while the "
                "LocalCluster runs");
  }
}

HeldResults::HeldResults(std::uint64_t limit, std::uint64_t min_spill_bytes,
                         std::filesystem::path spill_dir, std::shared_ptr<SharedCounters> counters)
    : limit_(limit),
      min_spill_(min_spill_bytes),
      dir_(std::move(spill_dir)),
      counters_(std::move(counters)) {}

HeldResults::~HeldResults() {
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

void HeldResults::add(RunState& run, Plan::Id id) {
  if (run.held.size() != run.plan.size()) run.held.resize(run.plan.size());
  HeldSlot& h = run.held[id];
  h.nbytes = run.results[id].nbytes();
  h.stored = true;
  h.unspillable = h.nbytes < min_spill_;
  memory_ += h.nbytes;
  if (h.pins == 0) make_spillable(run, id);
  run.peak_held = std::max(run.peak_held, memory_);
  spill_if_needed();
  publish();
}

void HeldResults::pin(RunState& run, Plan::Id id) {
  if (run.held.size() != run.plan.size()) run.held.resize(run.plan.size());
  HeldSlot& h = run.held[id];
  if (h.pins++ == 0) make_unspillable(run, id);
}

void HeldResults::unpin(RunState& run, Plan::Id id) {
  HeldSlot& h = run.held[id];
  if (--h.pins == 0 && h.stored && !h.spilled) make_spillable(run, id);
}

void HeldResults::remove(RunState& run, Plan::Id id) {
  if (run.held.empty()) return;
  HeldSlot& h = run.held[id];
  if (!h.stored) return;
  unlist(run, id);
  if (h.spilled) {
    std::error_code ignored;
    std::filesystem::remove(run.spill_file(id), ignored);
    spilled_ -= h.nbytes;
  } else {
    memory_ -= h.nbytes;
  }
  h = HeldSlot{};
  publish();
}

void HeldResults::spill_if_needed() {
  if (limit_ == 0) return;
  const auto bound = static_cast<std::uint64_t>(kSpillFraction * static_cast<double>(limit_));
  while (memory_ > bound && !lru_.empty()) {
    auto [run, id] = lru_.front();
    spill(*run, id);
  }
}

// Spilling runs on the supervisor's thread: it holds up scheduling for the
// time of one write, which only happens once memory is short anyway, and it
// keeps the rule that a slot changes only while nothing reads it.
void HeldResults::spill(RunState& run, Plan::Id id) {
  HeldSlot& h = run.held[id];
  make_unspillable(run, id);  // on failure it stays pinned for good
  try {
    std::vector<std::byte> bytes = encode_value(run.results[id]);
    std::filesystem::create_directories(dir_);
    write_file_atomically(run.spill_file(id),
                          {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  } catch (const std::exception& e) {
    h.unspillable = true;  // a custom value, a full disk: it stays in memory
    if (!warned_ && dynamic_cast<const EncodeError*>(&e) == nullptr) {
      warned_ = true;
      std::cerr << "shoal: LocalCluster cannot spill to " << dir_.string() << ": " << e.what()
                << "; results stay in memory (give LocalClusterOptions::spill_dir a writable "
                   "directory with free space)\n";
    }
    return;
  }
  unlist(run, id);
  h.spilled = true;
  run.results[id] = Value();
  if (run.partitions[id]) {  // the partition actor's copy must go too
    caf::anon_send(run.partitions[id], spill_atom::value);
  }
  memory_ -= h.nbytes;
  spilled_ += h.nbytes;
  counters_->spills.fetch_add(1, std::memory_order_relaxed);
  counters_->spilled_total.fetch_add(h.nbytes, std::memory_order_relaxed);
}

void HeldResults::make_spillable(RunState& run, Plan::Id id) {
  HeldSlot& h = run.held[id];
  if (limit_ == 0 || h.in_lru || h.unspillable) return;
  if (h.listed) {
    lru_.splice(lru_.end(), pinned_, h.node);
  } else {
    h.node = lru_.emplace(lru_.end(), &run, id);
    h.listed = true;
  }
  h.in_lru = true;
}

void HeldResults::make_unspillable(RunState& run, Plan::Id id) {
  HeldSlot& h = run.held[id];
  if (!h.in_lru) return;
  pinned_.splice(pinned_.end(), lru_, h.node);
  h.in_lru = false;
}

void HeldResults::unlist(RunState& run, Plan::Id id) {
  HeldSlot& h = run.held[id];
  if (!h.listed) return;
  (h.in_lru ? lru_ : pinned_).erase(h.node);
  h.listed = h.in_lru = false;
}

bool HeldResults::over_pause_threshold() {
  if (limit_ == 0 || (calls_++ & 15) != 0) return over_pause_;
  const auto now = std::chrono::steady_clock::now();
  if (now >= next_rss_check_) {
    next_rss_check_ = now + kRssInterval;
    const auto bound = static_cast<std::uint64_t>(kPauseFraction * static_cast<double>(limit_));
    over_pause_ = resident_bytes() > bound;
    if (over_pause_ && now >= next_trim_) {
      next_trim_ = now + kTrimInterval;
      malloc_trim(0);
      over_pause_ = resident_bytes() > bound;
    }
  }
  return over_pause_;
}

void HeldResults::publish() {
  counters_->held_bytes.store(memory_, std::memory_order_relaxed);
  counters_->spilled_bytes.store(spilled_, std::memory_order_relaxed);
}

}  // namespace shoal::actors
