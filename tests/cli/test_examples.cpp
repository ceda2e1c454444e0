// Every example pipeline (examples/pipelines/*.shoal.json) loads, is valid,
// is saved in canonical form (so edits diff cleanly), lowers, runs, and
// renders to SVG, both as a pipeline and as a task graph.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "shoal/csv.h"
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

// What trips.shoal.json computes, through the DataFrame API (as
// examples/trip_pipeline.cpp does): the two must agree. One partition, so
// that floating-point sums add in the same order.
Table trips_by_zone() {
  std::string data = std::filesystem::path(SHOAL_EXAMPLE_PIPELINES).parent_path() / "data";
  DataFrame trips = read_csv(data + "/trips.csv");
  DataFrame longer = trips[trips["distance"] > 1.0].assign("per_km", trips["fare"] / trips["distance"]);
  DataFrame by_zone =
      longer.groupby({"zone"}).agg({{"per_km", "mean", "per_km"}, {"fare", "sum", "fares"}, {"fare", "size", "trips"}});
  InlineExecutor ex;
  return merge(by_zone, read_csv(data + "/zones.csv"), {.on = {"zone"}, .how = JoinHow::kLeft})
      .sort_values({{"per_km", false}}, ex)
      .compute(ex);
}

// Points every file a pipeline writes into `dir`, not the source tree.
void redirect_outputs(Pipeline& p, const std::filesystem::path& dir) {
  for (PipelineNode& n : p.nodes) {
    if (n.op == "table.to_csv") n.params.set("path", (dir / n.params.at("path").as_string()).string());
  }
}

// The value each example computes, by file name.
std::map<std::string, Value> expected_values() {
  return {
      {"arithmetic.shoal.json", Value(46)},
      {"sum_of_squares.shoal.json", Value(30)},
      {"trips.shoal.json", Value(trips_by_zone())},
  };
}

}  // namespace

TEST_CASE("every example pipeline loads, validates, runs and renders to SVG") {
  const std::map<std::string, Value> kExpected = expected_values();
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
    auto out_dir = std::filesystem::temp_directory_path() / ("shoal-cli-examples-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out_dir);
    redirect_outputs(p, out_dir);
    LoweredPipeline low = lower(p, OpRegistry::global(), entry.path().parent_path().string());
    InlineExecutor ex;
    std::vector<Value> out = ex.run(low.graph, low.output_keys());
    REQUIRE(kExpected.count(name));
    REQUIRE(out.size() == 1);
    CHECK(out[0] == kExpected.at(name));
    std::filesystem::remove_all(out_dir);
    CHECK(render_dot(p.to_dot(), "svg").find("<svg") != std::string::npos);
    CHECK(render_dot(low.graph.to_dot(), "svg").find("<svg") != std::string::npos);
  }
  CHECK(count >= 3);
}
