// Every example pipeline (examples/pipelines/*.shoal.json) loads, is valid,
// is saved in canonical form (so edits diff cleanly), lowers, runs to what
// the C++ collection API computes on the same input, and renders to SVG,
// both as a pipeline and as a task graph.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "shoal/array.h"
#include "shoal/bag.h"
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

std::filesystem::path example_data() {
  return std::filesystem::path(SHOAL_EXAMPLE_PIPELINES).parent_path() / "data";
}

// What trips.shoal.json computes, through the DataFrame API (as
// examples/trip_pipeline.cpp does): the two must agree. One partition, so
// that floating-point sums add in the same order.
Table trips_by_zone() {
  std::string data = example_data().string();
  DataFrame trips = read_csv(data + "/trips.csv");
  DataFrame longer =
      trips[trips["distance"] > 1.0].assign("per_km", trips["fare"] / trips["distance"]);
  DataFrame by_zone = longer.groupby({"zone"}).agg(
      {{"per_km", "mean", "per_km"}, {"fare", "sum", "fares"}, {"fare", "size", "trips"}});
  InlineExecutor ex;
  return merge(by_zone, read_csv(data + "/zones.csv"), {.on = {"zone"}, .how = JoinHow::kLeft})
      .sort_values({{"per_km", false}}, ex)
      .compute(ex);
}

// What word_count.shoal.json computes, through the Bag API as
// examples/word_count.cpp does it, in several partitions: words, counts and
// their order (ties by first appearance) must agree exactly.
Value top_words() {
  InlineExecutor ex;
  Bag lines = Bag::read_text((example_data() / "two_cities.txt").string(), {.blocksize = 512});
  REQUIRE(lines.npartitions() > 1);
  return Value(lines.map("str.lower").flat_map("str.split").frequencies().topk(5, 1).compute(ex));
}

// What array_stats.shoal.json computes, through the Array API as
// examples/array_stats.cpp does it, in chunks (4 x 3 of them, as the
// example's): [mean, std, best column, share above 12].
List array_stats() {
  InlineExecutor ex;
  Array x = random::normal({400, 300}, {100, 100}, 2026, 10.0, 2.0);
  auto first = [&](const Array& a) { return a.compute(ex); };
  return {Value(first(x.mean()).values<double>()[0]), Value(first(x.std()).values<double>()[0]),
          Value(first(x.mean(0).argmax()).values<std::int64_t>()[0]),
          Value(first((x > 12.0).astype(DType::kFloat64).mean()).values<double>()[0])};
}

// Equal, except that floats may differ in the last bits: the pipeline
// reduces one whole tensor, the Array sums chunk by chunk (and fuses).
bool close(const Value& got, const Value& want) {
  if (got.is_float() && want.is_float())
    return got.as_float() == doctest::Approx(want.as_float()).epsilon(1e-12);
  if (!got.is_list() || !want.is_list()) return got == want;
  if (got.as_list().size() != want.as_list().size()) return false;
  for (std::size_t i = 0; i < got.as_list().size(); ++i)
    if (!close(got.as_list()[i], want.as_list()[i])) return false;
  return true;
}

// Points every file a pipeline writes into `dir`, not the source tree.
void redirect_outputs(Pipeline& p, const std::filesystem::path& dir) {
  for (PipelineNode& n : p.nodes) {
    if (n.op == "table.to_csv")
      n.params.set("path", (dir / n.params.at("path").as_string()).string());
  }
}

// The values each example computes, by file name: a list of the results of
// its output nodes, in node order.
std::map<std::string, Value> expected_values() {
  return {
      {"arithmetic.shoal.json", Value(List{Value(46)})},
      {"sum_of_squares.shoal.json", Value(List{Value(30)})},
      {"trips.shoal.json", Value(List{Value(trips_by_zone())})},
      {"word_count.shoal.json", Value(List{top_words()})},
      {"array_stats.shoal.json", Value(array_stats())},
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
    auto out_dir = std::filesystem::temp_directory_path() /
                   ("shoal-cli-examples-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out_dir);
    redirect_outputs(p, out_dir);
    LoweredPipeline low = lower(p, OpRegistry::global(), entry.path().parent_path().string());
    InlineExecutor ex;
    std::vector<Value> out = ex.run(low.graph, low.output_keys());
    REQUIRE(kExpected.count(name));
    Value got(List(out.begin(), out.end()));
    CAPTURE(got.repr());
    CHECK(close(got, kExpected.at(name)));
    std::filesystem::remove_all(out_dir);
    CHECK(render_dot(p.to_dot(), "svg").find("<svg") != std::string::npos);
    CHECK(render_dot(low.graph.to_dot(), "svg").find("<svg") != std::string::npos);
  }
  CHECK(count >= 5);
}
