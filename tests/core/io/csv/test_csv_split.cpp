// The CSV record splitter (core/src/io/csv/split.h) against a naive splitter
// that states its contract a record at a time, on every instruction set
// the CPU has.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv/split.h"

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

// One record at r as the byte-wise scanner reads it, if the splitter takes
// it: fields free of quotes and '\r', or quoted whole with neither a quote,
// '\n' nor '\r' inside, ended by "\n" or "\r\n" before `readable`. Sets
// *next past its line end.
std::optional<std::vector<std::string>> take(const char* r, const char* readable,
                                             const char** next) {
  std::vector<std::string> fields;
  for (const char* s = r;;) {
    const char* e;
    if (s < readable && *s == '"') {
      const char* q = std::find(s + 1, readable, '"');
      if (q == readable) return std::nullopt;
      fields.emplace_back(s + 1, q);
      e = q + 1;
    } else {
      e = std::find_if(s, readable, [](char c) { return c == ',' || c == '\n' || c == '\r'; });
      fields.emplace_back(s, e);
    }
    if (fields.back().find_first_of("\"\r\n") != std::string::npos || e == readable)
      return std::nullopt;
    if (*e == ',') {
      s = e + 1;
      continue;
    }
    if (*e == '\r' && e + 1 < readable && e[1] == '\n') ++e;
    if (*e != '\n') return std::nullopt;  // text after a closing quote, a lone '\r'
    *next = e + 1;
    return fields;
  }
}

// The contract, a record at a time: windows of 64 bytes from p, fully
// readable, must hold the record up to its '\n'; taken as take() says, not
// blank, exactly `columns` fields, starting before stop; `room` at most.
Split naive(const char* p, const char* end, const char* stop, std::size_t columns,
            std::size_t room) {
  const char* readable = p + (end - p) / 64 * 64;
  Split s;
  const char* r = p;
  while (s.records.size() < room && r < stop && r < end) {
    if (*r == '\n' || *r == '\r') break;  // blank, or a lone '\r'
    const char* next = nullptr;
    auto fields = take(r, readable, &next);
    if (!fields || fields->size() != columns) break;
    s.records.push_back(std::move(*fields));
    r = next;
  }
  s.next = r;
  return s;
}

// Runs split_records on a batch already holding `filled` records and
// checks everything it promises against the naive splitter.
void check(const char* p, const char* end, const char* stop, std::size_t columns,
           std::size_t filled) {
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

// A field that breaks the splitter's quote and '\r' rules (all but the
// last are still read by the byte-wise scanner).
constexpr const char* kHazards[] = {"\"a\"\"b\"", "\"ab\"c",  "a\"b",     "\"a\nb\"",
                                    "\"a\rb\"",   "a\rb",     "\"\"\"\"", "\"",
                                    "\"a\"\r",    "\"a\"b\"", "a\r"};
std::string hazard(std::mt19937& rng) {
  return kHazards[rng() % std::size(kHazards)];
}

// Records of mostly `columns` fields, some short, long, empty, blank,
// quoted (holding delimiters), ended by CRLF, or holding a hazard().
// `quotes` is the percentage of fields quoted.
std::string random_csv(std::mt19937& rng, std::size_t columns, std::size_t bytes, int quotes = 0) {
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  const bool crlf = chance(50);
  std::string s;
  while (s.size() < bytes) {
    std::size_t fields = columns;
    if (chance(3)) fields = 1 + rng() % (columns + 2);
    if (chance(2)) {
      s += chance(50) ? "\r\n" : "\n";  // a blank line
      continue;
    }
    for (std::size_t f = 0; f < fields; ++f) {
      if (f) s += ',';
      const bool quoted = chance(quotes);
      if (quoted) s += '"';
      std::size_t len = chance(10) ? 0 : chance(5) ? 60 + rng() % 260 : 1 + rng() % 12;
      for (std::size_t i = 0; i < len; ++i)
        s += quoted && chance(10) ? ',' : static_cast<char>('a' + rng() % 26);
      if (quoted) s += '"';
      if (chance(1)) s += quotes ? hazard(rng) : std::string(1, chance(50) ? '"' : '\r');
    }
    s += crlf != chance(3) ? "\r\n" : "\n";
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
    for (int round = 0; round < 600; ++round) {
      const std::size_t columns = round % 5 == 0 ? 1 + rng() % 64 : 1 + rng() % 8;
      const int quotes = round % 3 == 0 ? 0 : round % 3 == 1 ? 20 : 90;
      const std::string csv = random_csv(rng, columns, 64 + rng() % 4000, quotes);
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

TEST_CASE("split_records follows the quote and '\\r' rules at every byte of a window") {
  std::string plain, quoted;
  for (int i = 0; plain.size() < 320; ++i)
    plain += std::to_string(i * 7919) + ",key_" + std::to_string(i) + ",0.5\n";
  for (int i = 0; quoted.size() < 320; ++i)
    quoted += std::to_string(i) + ",\"k," + std::to_string(i) + "\",\"0.5\"\r\n";
  for_each_isa([&] {
    for (const std::string& csv : {plain, quoted}) {
      for (char special : {'"', '\r', '\n', ','}) {
        for (std::size_t at = 0; at < 256; ++at) {
          std::string replaced = csv, inserted = csv;
          replaced[at] = special;
          inserted.insert(at, 1, special);
          for (const std::string& s : {replaced, inserted}) {
            Guarded g(s);
            const char* p = g.end() - s.size();
            check(p, g.end(), g.end(), 3, 0);
            check(p, g.end(), g.end(), 3, 30);
          }
        }
      }
    }
  });
}

// Records as pandas and Excel write them, after a first record of `pad`
// bytes and more, so that quotes, the delimiters inside them and '\r' meet
// every window boundary as pad goes; record `at` ends with `last`.
std::string quoted_records(std::size_t pad, int count, int at, const std::string& last) {
  std::string s = "\"" + std::string(pad, 'p') + "\",,,\r\n";
  for (int i = 0; i < count; ++i) {
    s += std::to_string(i) + ",\"key_" + std::to_string(i % 7) + ",x\",\"" + std::to_string(i) +
         ".5\",";
    s += (i == at ? last : "\"\"") + "\r\n";
  }
  return s + std::string(64, 'z');  // a tail to make every record readable
}

TEST_CASE("split_records takes quoted fields and CRLF wherever the windows fall") {
  constexpr int kCount = 8;
  for_each_isa([&] {
    for (std::size_t pad = 0; pad < 70; ++pad) {
      const std::string csv = quoted_records(pad, kCount, -1, "");
      Guarded g(csv);
      const char* p = g.end() - csv.size();
      RecordBatch batch;
      std::int64_t line = 1;
      const char* next =
          shoal::detail::split_records(p, g.end(), g.end(), kDialect, 4, batch, line);
      INFO("pad ", pad);
      REQUIRE(batch.size == kCount + 1);
      CHECK(next == g.end() - 64);
      CHECK(line == kCount + 2);
      CHECK(batch.field(0, 0) == std::string(pad, 'p'));
      CHECK(batch.field(0, 3).empty());
      for (int i = 0; i < kCount; ++i) {
        CHECK(batch.lines[i + 1] == i + 2);
        CHECK(batch.field(i + 1, 0) == std::to_string(i));
        CHECK(batch.field(i + 1, 1) == "key_" + std::to_string(i % 7) + ",x");
        CHECK(batch.field(i + 1, 2) == std::to_string(i) + ".5");
        CHECK(batch.field(i + 1, 3).empty());
      }
    }
  });
}

TEST_CASE("split_records declines each hazard wherever the windows fall") {
  for_each_isa([&] {
    for (const char* h : kHazards) {
      for (std::size_t pad = 0; pad < 70; ++pad) {
        const std::string csv = quoted_records(pad, 8, 3, h);
        Guarded g(csv);
        const char* p = g.end() - csv.size();
        INFO("hazard ", h, " pad ", pad);
        check(p, g.end(), g.end(), 4, 0);
        RecordBatch batch;
        std::int64_t line = 1;
        shoal::detail::split_records(p, g.end(), g.end(), kDialect, 4, batch, line);
        CHECK(batch.size == 4);  // up to the record holding the hazard
      }
    }
  });
}

TEST_CASE("split_records fills a batch, stops at stop, and keeps records across windows") {
  // 40 records of 70 bytes: each spans two windows, and the batch fills at 32.
  std::string csv;
  for (int i = 0; i < 40; ++i)
    csv += std::string(30, 'a' + i % 26) + "," + std::string(37, 'z') + ",\n";
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

TEST_CASE("records split before a quoted one joined the batch keep their fields") {
  // The batch's quoted bits are written only once a quoted field is met:
  // the records already in the batch (split by a call whose windows held
  // no quote) must then read as unquoted.
  std::string plain, quoted;
  for (int i = 0; i < 28; ++i) plain += "ab" + std::to_string(i) + ",cd\n";
  for (int i = 0; i < 4; ++i) quoted += "\"q," + std::to_string(i) + "\",x\r\n";
  const std::string csv = plain + quoted + std::string(64, 'z');
  for_each_isa([&] {
    Guarded g(csv);
    const char* p = g.end() - csv.size();
    RecordBatch batch;
    std::fill(std::begin(batch.quoted), std::end(batch.quoted), ~std::uint64_t{0});  // stale bits
    std::int64_t line = 1;
    const char* next = shoal::detail::split_records(p, g.end(), p + 8, kDialect, 2, batch, line);
    REQUIRE(batch.size == 2);
    shoal::detail::split_records(next, g.end(), g.end(), kDialect, 2, batch, line);
    REQUIRE(batch.size == 32);
    for (int i = 0; i < 28; ++i) {
      CHECK(batch.field(i, 0) == "ab" + std::to_string(i));
      CHECK(batch.field(i, 1) == "cd");
    }
    for (int i = 0; i < 4; ++i) {
      CHECK(batch.field(28 + i, 0) == "q," + std::to_string(i));
      CHECK(batch.field(28 + i, 1) == "x");
    }
  });
}
