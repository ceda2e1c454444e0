// A client in a process of its own, for tests whose cluster lives where the
// test process cannot reach it (inside network namespaces): it runs one
// slow graph of the test plugin on the scheduler and checks the values.
//
//   cluster_test_client HOST:PORT tree LEAVES FAN_IN MS PAD
//   cluster_test_client HOST:PORT map N MS
//
// Prints "ok: ..." and exits 0 when the values are right, prints what went
// wrong and exits 1 when they are not, 2 when the run failed.
#include <cstdlib>
#include <iostream>
#include <string>

#include "cluster_graphs.h"
#include "shoal/client.h"
#include "shoal/error.h"

using namespace shoal;
using namespace shoal::testing;

namespace {
std::int64_t arg(char** argv, int i) {
  return std::atoll(argv[i]);
}
}  // namespace

int main(int argc, char** argv) {
  const std::string shape = argc > 2 ? argv[2] : "";
  if (!((shape == "tree" && argc == 7) || (shape == "map" && argc == 5))) {
    std::cerr << "usage: cluster_test_client HOST:PORT tree LEAVES FAN_IN MS PAD | map N MS\n";
    return 2;
  }
  try {
    SlowGraph g = shape == "tree" ? slow_tree(arg(argv, 3), static_cast<int>(arg(argv, 4)),
                                              arg(argv, 5), arg(argv, 6))
                                  : slow_map(arg(argv, 3), arg(argv, 4));
    Client client(argv[1]);
    std::vector<Value> values = client.run(g.graph, g.outputs);
    if (values != g.expected_values) {
      std::cout << "wrong values: got "
                << (values.empty() ? std::string("nothing") : values[0].repr()) << ", expected "
                << g.expected_values[0].repr() << std::endl;
      return 1;
    }
    ClusterStatus s = client.status();
    std::cout << "ok: " << g.graph.size() << " tasks, workers lost " << s.workers_lost
              << ", recomputed " << s.tasks_recomputed << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cout << "run failed: " << e.what() << std::endl;
    return 2;
  }
}
