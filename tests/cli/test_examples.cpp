// Every example pipeline (examples/pipelines/*.shoal.json) loads, is valid,
// is saved in canonical form (so edits diff cleanly), lowers, runs, and
// renders to SVG, both as a pipeline and as a task graph.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "shoal/inline_executor.h"
#include "shoal/pipeline_file.h"
#include "shoal/render.h"

using namespace shoal;

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The value each example computes, by file name.
const std::map<std::string, Value> kExpected = {
    {"arithmetic.shoal.json", Value(46)},
    {"sum_of_squares.shoal.json", Value(30)},
};

}  // namespace

TEST_CASE("every example pipeline loads, validates, runs and renders to SVG") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SHOAL_EXAMPLE_PIPELINES)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".shoal.json")) continue;
    CAPTURE(name);
    ++count;
    Pipeline p = load_pipeline(entry.path());
    for (const auto& problem : p.problems()) FAIL(problem.message);
    CHECK_FALSE(p.metadata.description.empty());
    CHECK(encode_pipeline_json(p) == read_text(entry.path()));
    LoweredPipeline low = lower(p);
    InlineExecutor ex;
    std::vector<Value> out = ex.run(low.graph, low.output_keys());
    REQUIRE(kExpected.count(name));
    REQUIRE(out.size() == 1);
    CHECK(out[0] == kExpected.at(name));
    CHECK(render_dot(p.to_dot(), "svg").find("<svg") != std::string::npos);
    CHECK(render_dot(low.graph.to_dot(), "svg").find("<svg") != std::string::npos);
  }
  CHECK(count >= 2);
}
