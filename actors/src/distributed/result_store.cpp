#include "distributed/result_store.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "shoal/atomic_file.h"
#include "shoal/error.h"
#include "shoal/value_codec.h"

namespace shoal::actors {

namespace {

// One read of the whole file (spill files are read back whole, often while
// a peer waits for them: no per-byte stream iteration).
std::vector<std::byte> read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error("cannot open it");
  std::vector<std::byte> bytes(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) {
    throw Error("cannot read it whole");
  }
  return bytes;
}

}  // namespace

ResultStore::ResultStore(std::filesystem::path spill_dir, std::uint64_t memory_limit,
                         std::function<void(const std::string&)> log)
    : dir_(std::move(spill_dir)), limit_(memory_limit), log_(std::move(log)) {}

ResultStore::~ResultStore() {
  clear();
}

std::filesystem::path ResultStore::path_of(std::uint64_t slot) const {
  return dir_ / ("result-" + std::to_string(slot >> 32) + "-" + std::to_string(slot & 0xffffffffu) +
                 ".shoal");
}

void ResultStore::put(std::uint64_t run, std::uint32_t id, Value value) {
  erase(run, id);
  std::uint64_t s = slot(run, id);
  Entry e;
  e.nbytes = value.nbytes();
  e.value = std::move(value);
  lru_.push_back(s);
  e.lru = std::prev(lru_.end());
  memory_ += e.nbytes;
  entries_.emplace(s, std::move(e));
  if (limit_)
    spill_until_below(static_cast<std::uint64_t>(kSpillFraction * static_cast<double>(limit_)));
}

std::optional<Value> ResultStore::get(std::uint64_t run, std::uint32_t id) {
  std::uint64_t s = slot(run, id);
  auto it = entries_.find(s);
  if (it == entries_.end()) return std::nullopt;
  Entry& e = it->second;
  if (!e.spilled) {
    lru_.splice(lru_.end(), lru_, e.lru);  // most recently used now
    return e.value;
  }
  std::filesystem::path path = path_of(s);
  Value value;
  try {
    std::vector<std::byte> bytes = read_whole(path);
    value = decode_value(bytes);
  } catch (const std::exception& ex) {
    log_("cannot read back spilled result " + path.string() + ": " + ex.what() +
         "; it will be recomputed");
    std::filesystem::remove(path);
    spilled_ -= e.nbytes;
    entries_.erase(it);
    return std::nullopt;
  }
  // It stays spilled: reading it back into the store would spill another
  // result in its place, and a result read back is mostly used once (a
  // task's input, a peer's fetch) before it is released.
  return value;
}

void ResultStore::erase(std::uint64_t run, std::uint32_t id) {
  std::uint64_t s = slot(run, id);
  auto it = entries_.find(s);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  if (e.spilled) {
    std::error_code ignored;
    std::filesystem::remove(path_of(s), ignored);
    spilled_ -= e.nbytes;
  } else {
    lru_.erase(e.lru);
    memory_ -= e.nbytes;
  }
  entries_.erase(it);
}

void ResultStore::clear() {
  while (!entries_.empty()) {
    std::uint64_t s = entries_.begin()->first;
    erase(s >> 32, static_cast<std::uint32_t>(s & 0xffffffffu));
  }
}

// The most recently added result stays in memory even when it alone is over
// the bound: the task that needs it next would read it back at once.
void ResultStore::spill_until_below(std::uint64_t bytes) {
  while (memory_ > bytes && lru_.size() > 1) {
    std::uint64_t s = lru_.front();
    try {
      spill(s, entries_.at(s));
    } catch (const std::exception& ex) {  // a full or unwritable disk: keep it in memory
      log_("cannot spill to " + dir_.string() + ": " + ex.what() + "; results stay in memory");
      return;
    }
  }
}

void ResultStore::spill(std::uint64_t s, Entry& e) {
  std::vector<std::byte> bytes = encode_value(e.value);
  std::filesystem::create_directories(dir_);
  write_file_atomically(path_of(s), {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  lru_.erase(e.lru);
  memory_ -= e.nbytes;
  spilled_ += e.nbytes;
  e.value = Value();
  e.spilled = true;
}

}  // namespace shoal::actors
