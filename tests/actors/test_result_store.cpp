// A remote worker's ResultStore: past 70% of its limit the least recently
// used results go to disk and come back equal; erase and clear leave no file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "distributed/result_store.h"
#include "shoal/tensor.h"

using namespace shoal;
using shoal::actors::ResultStore;

namespace {

Value block(double fill) {  // 80,000 bytes of float64
  return Value(Tensor({100, 100}, std::vector<double>(10000, fill)));
}

std::size_t files_in(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("shoal-store-test-" + std::to_string(::getpid()));
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("results past 70% of the limit spill, least recently used first, and read back equal") {
  TempDir dir;
  std::vector<std::string> log;
  ResultStore store(dir.path, 500'000, [&](const std::string& l) { log.push_back(l); });
  for (std::uint32_t i = 0; i < 10; ++i) store.put(1, i, block(i));
  const std::uint64_t one = block(0).nbytes();
  CHECK(store.memory_bytes() <= 350'000);
  CHECK(store.memory_bytes() + store.spilled_bytes() == 10 * one);
  CHECK(files_in(dir.path) == store.spilled_bytes() / one);
  REQUIRE(store.get(1, 0));
  const std::uint64_t spilled = store.spilled_bytes();
  CHECK(*store.get(1, 0) == block(0));  // the oldest was spilled and comes back
  CHECK(store.spilled_bytes() ==
        spilled);  // read from disk, left there: nothing else is evicted for it
  CHECK(store.memory_bytes() <= 350'000);
  for (std::uint32_t i = 0; i < 10; ++i) CHECK(*store.get(1, i) == block(i));
  CHECK_FALSE(store.get(2, 0));
  store.erase(1, 3);
  CHECK_FALSE(store.get(1, 3));
  CHECK(store.size() == 9);
  store.clear();
  CHECK(files_in(dir.path) == 0);
  CHECK(store.memory_bytes() == 0);
  CHECK(store.spilled_bytes() == 0);
  CHECK(log.empty());
}

TEST_CASE("without a limit nothing spills; a corrupt spill file is reported, not a crash") {
  TempDir dir;
  {
    ResultStore store(dir.path, 0, [](const std::string&) {});
    for (std::uint32_t i = 0; i < 20; ++i) store.put(1, i, block(i));
    CHECK(store.spilled_bytes() == 0);
    CHECK(files_in(dir.path) == 0);
  }
  std::vector<std::string> log;
  ResultStore store(dir.path, 100'000, [&](const std::string& l) { log.push_back(l); });
  store.put(7, 1, block(1));
  store.put(7, 2, block(2));  // spills 7/1
  REQUIRE(files_in(dir.path) == 1);
  for (const auto& f : std::filesystem::directory_iterator(dir.path))
    std::filesystem::resize_file(f.path(), 10);
  CHECK_FALSE(store.get(7, 1));
  REQUIRE(log.size() == 1);
  CHECK(log[0].find("recomputed") != std::string::npos);
  CHECK(*store.get(7, 2) == block(2));
}
