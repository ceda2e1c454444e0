// datagen.h: the db-benchmark data, after its _data/groupby-datagen.R and
// _data/join-datagen.R (h2oai/db-benchmark, as duckdblabs continues it),
// deterministic for a seed. R's RNG is not reproduced: the shape is
// (cardinalities, ranges, key overlaps, null rules), the values are not.
//
//   groupby(N, K, NA, OUT.csv)   (gen_dbbench groupby N K NA OUT.csv)
//     id1, id2: "id%03d" of 1..K; id3: "id%010d" of 1..N/K; id4, id5: int
//     of 1..K; id6: int of 1..N/K; v1: int 1..5; v2: int 1..15; v3:
//     uniform [0, 100) with 6 decimals. NA (percent): in each id column
//     NA% of the values (all their rows) become null; in each v column
//     each row is null with probability NA%.
//   join(N, NA, {X, SMALL, MEDIUM, BIG}.csv)   (gen_dbbench join N NA X.csv ...)
//     keys of three cardinalities n1 = N/1e6, n2 = N/1e3, n3 = N (n1 and n2
//     at least 10, so that small sets have keys), each split as 90%
//     shared, 10% only left, 10% only right (split_xlr). x: id1..id3 drawn
//     from shared+left, every such key at least once (sample_all); id4..id6
//     = "id" + id1..id3; v1 uniform 0..100, 6 decimals. small: id1 (every
//     shared+right key of n1 once), id4, v2. medium: id1 (drawn), id2 (each
//     key of n2 once), id4, id5, v2. big: id1, id2 (drawn), id3 (each key
//     of n3 once), id4..id6, v2. NA applies to x only: NA% of the values
//     of id1..id3 null (with their id4..id6), NA% of v1.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace shoal::dbbench {

inline constexpr std::uint64_t kSeed = 108;  // db-benchmark's set.seed(108)

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  /// Uniform in [0, n): the high half of a 128-bit product (Lemire).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(g_()) * n) >> 64);
  }
  bool chance(double p) { return static_cast<double>(g_() >> 11) * 0x1.0p-53 < p; }
  std::mt19937_64& engine() { return g_; }

 private:
  std::mt19937_64 g_;
};

/// A buffered CSV writer with the few formats the data needs.
class Out {
 public:
  explicit Out(const char* path) : f_(std::fopen(path, "wb")) {
    if (!f_) {
      std::perror(path);
      std::exit(1);
    }
    buf_.reserve(kFlush + 256);
  }
  ~Out() {
    flush();
    std::fclose(f_);
  }
  void raw(const char* s) { buf_.append(s); }
  void sep() { buf_.push_back(','); }
  void end() {
    buf_.back() = '\n';  // every field is followed by sep(); the last becomes the newline
    if (buf_.size() >= kFlush) flush();
  }
  void uint(std::uint64_t v, int width = 0) {
    char d[24];
    int n = 0;
    do {
      d[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    for (int i = n; i < width; ++i) buf_.push_back('0');
    while (n) buf_.push_back(d[--n]);
  }
  /// k / 1e6 with six decimals: the exact text of round(runif() * 100, 6).
  void micros(std::uint64_t k) {
    uint(k / 1000000);
    buf_.push_back('.');
    uint(k % 1000000, 6);
  }

 private:
  static constexpr std::size_t kFlush = 1 << 20;
  void flush() {
    std::fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
  }
  std::FILE* f_;
  std::string buf_;
};

/// The values of 1..card to be nulled: na% of them, chosen at random.
inline std::vector<bool> null_values(Rng& rng, std::uint64_t card, int na) {
  std::vector<bool> nulled(card + 1, false);
  auto count = static_cast<std::uint64_t>(static_cast<double>(card) * na / 100.0);
  std::vector<std::uint64_t> all(card);
  for (std::uint64_t i = 0; i < card; ++i) all[i] = i + 1;
  std::shuffle(all.begin(), all.end(), rng.engine());
  for (std::uint64_t i = 0; i < count; ++i) nulled[all[i]] = true;
  return nulled;
}

inline void groupby(std::uint64_t n, std::uint64_t k, int na, const char* path) {
  Rng rng(kSeed);
  std::uint64_t nk = std::max<std::uint64_t>(1, n / k);
  std::uint64_t card[6] = {k, k, nk, k, k, nk};
  std::vector<bool> nulled[6];
  for (int c = 0; c < 6; ++c) nulled[c] = null_values(rng, card[c], na);
  double p = na / 100.0;
  Out out(path);
  out.raw("id1,id2,id3,id4,id5,id6,v1,v2,v3\n");
  for (std::uint64_t r = 0; r < n; ++r) {
    for (int c = 0; c < 6; ++c) {
      std::uint64_t v = rng.below(card[c]) + 1;
      if (!nulled[c][v]) {
        if (c < 3) out.raw("id");
        out.uint(v, c < 2 ? 3 : c == 2 ? 10 : 0);
      }
      out.sep();
    }
    std::uint64_t v1 = rng.below(5) + 1, v2 = rng.below(15) + 1, v3 = rng.below(100000000);
    if (!(na && rng.chance(p))) out.uint(v1);
    out.sep();
    if (!(na && rng.chance(p))) out.uint(v2);
    out.sep();
    if (!(na && rng.chance(p))) out.micros(v3);
    out.sep();
    out.end();
  }
}

/// split_xlr(n): a permutation of 1..1.1n cut into shared (0.9n), left
/// only (0.1n) and right only (0.1n) keys.
struct Split {
  std::vector<std::uint64_t> left, right;  // shared + left only, shared + right only
};
inline Split split_xlr(Rng& rng, std::uint64_t n) {
  std::uint64_t shared = n * 9 / 10, total = shared + 2 * (n - shared);
  std::vector<std::uint64_t> key(total);
  for (std::uint64_t i = 0; i < total; ++i) key[i] = i + 1;
  std::shuffle(key.begin(), key.end(), rng.engine());
  Split s;
  s.left.assign(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(n));
  s.right.assign(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(shared));
  s.right.insert(s.right.end(), key.begin() + static_cast<std::ptrdiff_t>(n), key.end());
  return s;
}

/// sample_all(pool, size): every key of the pool once, the rest drawn with
/// replacement, shuffled.
inline std::vector<std::uint64_t> sample_all(Rng& rng, const std::vector<std::uint64_t>& pool,
                                             std::uint64_t size) {
  std::vector<std::uint64_t> v(pool.begin(), pool.end());
  while (v.size() < size) v.push_back(pool[rng.below(pool.size())]);
  v.resize(size);
  std::shuffle(v.begin(), v.end(), rng.engine());
  return v;
}

/// Writes `ids` (one vector per int key column), their "id" mirrors and a
/// value column; rows of `nulled` keys (per column) get empty keys.
inline void write_join(const char* path, const std::vector<std::vector<std::uint64_t>>& ids,
                       const std::vector<std::vector<bool>>& nulled, const char* header, Rng& rng,
                       int na) {
  Out out(path);
  out.raw(header);
  std::uint64_t rows = ids[0].size();
  for (std::uint64_t r = 0; r < rows; ++r) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t c = 0; c < ids.size(); ++c) {
        std::uint64_t v = ids[c][r];
        if (nulled.empty() || !nulled[c][v]) {
          if (pass) out.raw("id");
          out.uint(v);
        }
        out.sep();
      }
    }
    std::uint64_t v = rng.below(100000000);
    if (!(na && rng.chance(na / 100.0))) out.micros(v);
    out.sep();
    out.end();
  }
}

inline void join(std::uint64_t n, int na, const char* const* paths) {
  Rng rng(kSeed);
  std::uint64_t n1 = std::max<std::uint64_t>(10, n / 1000000);
  std::uint64_t n2 = std::max<std::uint64_t>(10, n / 1000);
  Split k1 = split_xlr(rng, n1), k2 = split_xlr(rng, n2), k3 = split_xlr(rng, n);
  {
    std::vector<std::vector<std::uint64_t>> x = {
        sample_all(rng, k1.left, n), sample_all(rng, k2.left, n), sample_all(rng, k3.left, n)};
    std::vector<std::vector<bool>> nulled;
    if (na) {
      for (std::uint64_t card : {n1, n2, n}) {
        // Keys run to 1.1 n: null na% of all of them (those in x among them).
        nulled.push_back(null_values(rng, card + card / 10 + 1, na));
      }
    }
    write_join(paths[0], x, nulled, "id1,id2,id3,id4,id5,id6,v1\n", rng, na);
  }
  write_join(paths[1], {sample_all(rng, k1.right, n1)}, {}, "id1,id4,v2\n", rng, 0);
  write_join(paths[2], {sample_all(rng, k1.right, n2), sample_all(rng, k2.right, n2)}, {},
             "id1,id2,id4,id5,v2\n", rng, 0);
  write_join(
      paths[3],
      {sample_all(rng, k1.right, n), sample_all(rng, k2.right, n), sample_all(rng, k3.right, n)},
      {}, "id1,id2,id3,id4,id5,id6,v2\n", rng, 0);
}

}  // namespace shoal::dbbench
