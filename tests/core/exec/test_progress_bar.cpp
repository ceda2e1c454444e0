// ProgressBar: draws on a terminal, stays silent elsewhere.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "shoal/inline_executor.h"
#include "shoal/progress_bar.h"
#include "support/graphs.h"

using namespace shoal;

namespace {
std::string read_all(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  return out;
}
}  // namespace

TEST_CASE("a forced ProgressBar draws the final count of a run") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  ProgressBar bar(f, /*force=*/true);
  CHECK(bar.enabled());
  auto g = testing::tree_sum_graph(100, 8);
  RunOptions options;
  options.observer = &bar;
  InlineExecutor ex;
  CHECK(ex.run(g.graph, g.outputs, options)[0].as_int() == g.expected);
  std::string out = read_all(f);
  std::string total = std::to_string(g.graph.size());
  CHECK(out.find("100% " + total + "/" + total + " tasks") != std::string::npos);
  CHECK(out.back() == '\n');
  std::fclose(f);
}

TEST_CASE("a ProgressBar on a file that is not a terminal draws nothing") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  ProgressBar bar(f);
  CHECK_FALSE(bar.enabled());
  auto g = testing::chain_graph(20);
  RunOptions options;
  options.observer = &bar;
  InlineExecutor ex;
  ex.run(g.graph, g.outputs, options);
  CHECK(read_all(f).empty());
  std::fclose(f);
}
