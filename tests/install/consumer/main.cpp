#include <cstdio>

#include "shoal/delayed.h"
#include "shoal/local_cluster.h"
#include "shoal/visualize.h"

int main(int argc, char** argv) {
  auto a = shoal::delayed([](std::int64_t x) { return x * 6; })(7);
  if (argc > 1) shoal::visualize(a, argv[1]);
  std::printf("answer %lld\n", static_cast<long long>(a.compute()));
}
