// The bag benchmark on a LocalCluster (2 workers of one thread): word count
// and the 10 most frequent words, timed from read_text to the result in
// memory. Prints `result:` (the top 10) and `seconds: S`.
// Usage: bench_bag DATA.txt [BLOCKSIZE]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "shoal/bag.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_bag DATA.txt [BLOCKSIZE]\n");
    return 2;
  }
  shoal::LocalCluster local({.workers = 2, .threads_per_worker = 1});
  shoal::InlineExecutor inline_executor;  // SHOAL_BENCH_INLINE=1: for profiling
  shoal::Executor& cluster =
      std::getenv("SHOAL_BENCH_INLINE") ? static_cast<shoal::Executor&>(inline_executor) : local;
  shoal::TextOptions o;
  o.blocksize = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 16 << 20;
  auto t0 = std::chrono::steady_clock::now();
  shoal::List top = shoal::Bag::read_text(argv[1], o)
                        .flat_map("str.split")
                        .frequencies()
                        .topk(10, 1)
                        .compute(cluster);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string digest;
  for (const shoal::Value& p : top) {
    digest += p.as_list()[0].as_string() + "=" + std::to_string(p.as_list()[1].as_int()) + " ";
  }
  std::printf("result: %s\nseconds: %.3f\n", digest.c_str(), s);
  return 0;
}
