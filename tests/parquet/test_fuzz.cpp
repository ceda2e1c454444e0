// Mutated and truncated Parquet files never crash, hang or throw anything
// but shoal::Error. Seeds: files Shoal writes (every codec, dictionary and
// plain, pages v1 and v2) and two small files DuckDB wrote (data/: DELTA_*,
// BYTE_STREAM_SPLIT, DECIMAL, UUID). SHOAL_PARQUET_FUZZ_CASES sets the
// number of cases (scripts/test-sanitizers runs 100000 under ASan + UBSan).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "parquet_testing.h"
#include "shoal/error.h"
#include "shoal/parquet.h"

using namespace shoal;

namespace {

std::vector<std::string> seeds() {
  std::vector<std::string> out;
  for (const char* name : {"duckdb-v2-zstd.parquet", "duckdb-v1-snappy.parquet"}) {
    std::ifstream in(std::string(SHOAL_PARQUET_DATA_DIR) + "/" + name, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    REQUIRE(out.back().size() > 1000);
  }
  const ParquetCompression codecs[] = {ParquetCompression::kNone,   ParquetCompression::kSnappy,
                                       ParquetCompression::kGzip,   ParquetCompression::kZstd,
                                       ParquetCompression::kLz4Raw, ParquetCompression::kBrotli};
  int k = 0;
  for (auto codec : codecs) {
    ParquetWriteOptions o;
    o.compression = codec;
    o.dictionary = k % 2 == 0;
    o.data_page_version = 1 + (k / 2) % 2;
    o.row_group_size = 40;
    o.page_size = 256;
    out.push_back(write_parquet_bytes(testing::tricky_table(100, true), o));
    ++k;
  }
  return out;
}

std::string mutate(std::string b, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) {
    return static_cast<std::size_t>(rng() % std::max<std::size_t>(n, 1));
  };
  switch (rng() % 6) {
    case 0:  // flip a few bytes anywhere
      for (int i = 0, n = 1 + static_cast<int>(rng() % 8); i < n; ++i)
        b[pick(b.size())] = static_cast<char>(rng());
      break;
    case 1: {  // flip bytes of the footer (the last 10%), keeping the trailer
      std::size_t tail = b.size() / 10 + 8;
      for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n; ++i)
        b[b.size() - 8 - pick(tail - 8)] = static_cast<char>(rng());
      break;
    }
    case 2:  // truncate
      b.resize(pick(b.size()));
      break;
    case 3: {  // cut a piece out of the middle, keeping the footer's end
      std::size_t at = pick(b.size() - 8), len = pick(std::min<std::size_t>(64, b.size() - 8 - at));
      b.erase(at, len);
      break;
    }
    case 4: {  // overwrite a run with one byte (long RLE runs, huge varints)
      std::size_t at = pick(b.size()), len = std::min<std::size_t>(1 + pick(16), b.size() - at);
      b.replace(at, len, len, static_cast<char>(rng() % 2 ? 0xff : 0x00));
      break;
    }
    default:  // a different footer length
      if (b.size() >= 8) b[b.size() - 8 + pick(4)] = static_cast<char>(rng());
  }
  return b;
}

// Reads everything the file offers; false if anything but shoal::Error escaped.
bool read_all(const std::string& path, std::string& what) {
  try {
    ParquetFile f(path);
    std::vector<std::string> flat = f.info().schema.names;
    for (std::size_t g = 0; g < f.info().row_group_rows.size(); ++g) {
      f.may_match(static_cast<int>(g), {});
      f.read({static_cast<int>(g)}, flat);
    }
  } catch (const Error&) {
  } catch (const std::exception& e) {
    what = e.what();
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("mutated and truncated files raise shoal::Error or read") {
  const char* env = std::getenv("SHOAL_PARQUET_FUZZ_CASES");
  const long cases = env ? std::atol(env) : 5000;
  auto dir = testing::scratch_dir("fuzz");
  std::string path = (dir / "case.parquet").string();
  std::vector<std::string> base = seeds();
  for (const auto& s : base) {  // the seeds themselves read cleanly
    std::ofstream(path, std::ios::binary | std::ios::trunc) << s;
    CHECK_NOTHROW(read_parquet_table(path));
  }
  std::mt19937_64 rng(20261202);
  long escaped = 0;
  for (long i = 0; i < cases; ++i) {
    std::string bytes = mutate(base[static_cast<std::size_t>(i) % base.size()], rng);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    std::string what;
    if (!read_all(path, what)) {
      if (escaped++ < 5) {
        std::string keep = (dir / ("escaped-" + std::to_string(i) + ".parquet")).string();
        std::ofstream(keep, std::ios::binary) << bytes;
        FAIL_CHECK("case " << i << " threw a non-shoal exception: " << what << " (kept as " << keep
                           << ")");
      }
    }
  }
  MESSAGE(cases << " cases, " << escaped << " escaped");
  CHECK(escaped == 0);
}
