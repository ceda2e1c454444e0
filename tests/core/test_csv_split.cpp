// The CSV record splitter (core/src/csv_split.h) against a naive splitter
// that states its contract a record at a time, on every instruction set
// the CPU has.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "csv_split.h"

namespace {

using shoal::detail::RecordBatch;
using shoal::detail::SplitDialect;
using shoal::detail::SplitIsa;

constexpr SplitDialect kDialect{',', '"'};

/// Text placed so that its end is the start of an inaccessible page: a
/// splitter that reads past `end` crashes instead of passing.
class Guarded {
 public:
  explicit Guarded(std::string_view text) {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    size_ = (text.size() + page - 1) / page * page + page;
    void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(m != MAP_FAILED);
    base_ = static_cast<char*>(m);
    REQUIRE(mprotect(base_ + size_ - page, page, PROT_NONE) == 0);
    end_ = base_ + size_ - page;
    std::memcpy(end_ - text.size(), text.data(), text.size());
  }
  ~Guarded() { munmap(base_, size_); }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;
  const char* end() const { return end_; }

 private:
  char* base_ = nullptr;
  char* end_ = nullptr;
  std::size_t size_ = 0;
};

struct Split {
  std::vector<std::vector<std::string>> records;
  const char* next = nullptr;
};

// The contract, a record at a time: windows of 64 bytes from p, fully
// readable, must hold the record up to its '\n'; no quote, no '\r', not
// blank, exactly `columns` fields, starting before stop; `room` at most.
Split naive(const char* p, const char* end, const char* stop, std::size_t columns, std::size_t room) {
  const char* readable = p + (end - p) / 64 * 64;
  Split s;
  const char* r = p;
  while (s.records.size() < room && r < stop && r < end) {
    const char* nl = std::find(r, end, '\n');
    if (nl >= readable) break;
    std::string_view text(r, static_cast<std::size_t>(nl - r));
    if (text.empty() || text.find_first_of("\"\r") != std::string_view::npos) break;
    std::vector<std::string> fields;
    for (std::size_t b = 0;;) {
      std::size_t e = std::min(text.find(',', b), text.size());
      fields.emplace_back(text.substr(b, e - b));
      if (e == text.size()) break;
      b = e + 1;
    }
    if (fields.size() != columns) break;
    s.records.push_back(std::move(fields));
    r = nl + 1;
  }
  s.next = r;
  return s;
}

// Runs split_records on a batch already holding `filled` records and
// checks everything it promises against the naive splitter.
void check(const char* p, const char* end, const char* stop, std::size_t columns, std::size_t filled) {
  RecordBatch batch;
  batch.size = filled;
  std::int64_t line = 1000;
  const char* next = shoal::detail::split_records(p, end, stop, kDialect, columns, batch, line);
  Split want = naive(p, end, stop, columns, RecordBatch::kMaxRecords - filled);
  INFO("bytes ", end - p, " stop ", stop - p, " columns ", columns, " filled ", filled);
  REQUIRE(batch.size - filled == want.records.size());
  CHECK(next - p == want.next - p);
  CHECK(line == 1000 + static_cast<std::int64_t>(want.records.size()));
  for (std::size_t i = 0; i < want.records.size(); ++i) {
    const std::size_t r = filled + i;
    CHECK(batch.lines[r] == 1000 + static_cast<std::int64_t>(i));
    for (std::size_t c = 0; c < columns; ++c) REQUIRE(batch.field(r, c) == want.records[i][c]);
  }
}

// Records of mostly `columns` fields, some short, long, empty, blank or
// holding a quote or '\r'.
std::string random_csv(std::mt19937& rng, std::size_t columns, std::size_t bytes) {
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  std::string s;
  while (s.size() < bytes) {
    std::size_t fields = columns;
    if (chance(3)) fields = 1 + rng() % (columns + 2);
    if (chance(2)) {
      s += '\n';  // a blank line
      continue;
    }
    for (std::size_t f = 0; f < fields; ++f) {
      if (f) s += ',';
      std::size_t len = chance(10) ? 0 : chance(5) ? 60 + rng() % 260 : 1 + rng() % 12;
      for (std::size_t i = 0; i < len; ++i) s += static_cast<char>('a' + rng() % 26);
      if (chance(1)) s += chance(50) ? '"' : '\r';
    }
    s += '\n';
  }
  return s;
}

// Every instruction set the CPU has, and back to the best afterwards.
template <class F>
void for_each_isa(F f) {
  for (SplitIsa isa : {SplitIsa::kPortable, SplitIsa::kAvx2, SplitIsa::kAvx512}) {
    if (!shoal::detail::use_split_isa(isa)) continue;
    INFO("isa ", static_cast<int>(isa));
    f();
  }
  shoal::detail::use_split_isa(SplitIsa::kBest);
}

}  // namespace

TEST_CASE("split_records agrees with a naive splitter on random records") {
  for_each_isa([] {
    std::mt19937 rng(7);
    for (int round = 0; round < 400; ++round) {
      const std::size_t columns = round % 5 == 0 ? 1 + rng() % 64 : 1 + rng() % 8;
      const std::string csv = random_csv(rng, columns, 64 + rng() % 4000);
      Guarded g(csv);
      const char* text = g.end() - csv.size();
      // Start at the text, after a random '\n' or anywhere; end at the text's
      // end or before it; stop at the end or anywhere; the batch part full.
      for (int k = 0; k < 8; ++k) {
        const char* p = text;
        if (k % 4 == 1) p = text + rng() % csv.size();
        if (k % 4 == 2) p = std::find(text + rng() % csv.size(), g.end() - 1, '\n') + 1;
        const char* end = g.end() - (k % 2 ? 0 : rng() % 200);
        if (p >= end) continue;
        const char* stop = k % 3 ? end : p + rng() % static_cast<std::size_t>(end - p + 1);
        check(p, end, stop, columns, k % 4 == 3 ? rng() % 32 : 0);
      }
    }
  });
}

TEST_CASE("split_records declines at a quote or '\\r' anywhere in a window") {
  std::string csv;
  for (int i = 0; csv.size() < 320; ++i) csv += std::to_string(i * 7919) + ",key_" + std::to_string(i) + ",0.5\n";
  for_each_isa([&] {
    for (char special : {'"', '\r'}) {
      for (std::size_t at = 0; at < 256; ++at) {
        std::string s = csv;
        s[at] = special;
        Guarded g(s);
        const char* p = g.end() - s.size();
        check(p, g.end(), g.end(), 3, 0);
        check(p, g.end(), g.end(), 3, 30);
      }
    }
  });
}

TEST_CASE("split_records fills a batch, stops at stop, and keeps records across windows") {
  // 40 records of 70 bytes: each spans two windows, and the batch fills at 32.
  std::string csv;
  for (int i = 0; i < 40; ++i) csv += std::string(30, 'a' + i % 26) + "," + std::string(37, 'z') + ",\n";
  for_each_isa([&] {
    Guarded g(csv);
    const char* p = g.end() - csv.size();
    RecordBatch batch;
    std::int64_t line = 1;
    const char* next = shoal::detail::split_records(p, g.end(), g.end(), kDialect, 3, batch, line);
    CHECK(batch.size == 32);
    CHECK(next == p + 32 * 70);
    CHECK(line == 33);
    CHECK(batch.field(31, 1) == std::string(37, 'z'));
    CHECK(batch.field(31, 2).empty());
    // A stop inside the third record: three records are taken.
    for (std::size_t stop = 141; stop < 210; stop += 17) check(p, g.end(), p + stop, 3, 0);
    // The end not a whole number of windows away: the last ones are left.
    check(p, g.end() - 5, g.end() - 5, 3, 0);
    check(p + 3, g.end(), g.end(), 3, 0);
  });
}
