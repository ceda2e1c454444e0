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
  return (std::filesystem::path(SHOAL_EXAMPLE_PIPELINES).parent_path() / "data").lexically_normal();
}

// The C++ program an example mirrors: the tasks it builds (unfused, culled
// to its outputs) and the value it computes.
struct Mirror {
  Graph graph;
  Value value;
};

// trips.shoal.json through the DataFrame API, as examples/trip_pipeline.cpp
// does it (blocksize 4096: the small file in several partitions). Its
// result: the table the pipeline writes.
Mirror trips_by_zone(const std::filesystem::path& out) {
  std::string data = example_data().string();
  DataFrame trips = read_csv(data + "/trips.csv", {.blocksize = 4096});
  REQUIRE(trips.npartitions() > 1);
  DataFrame longer =
      trips[trips["distance"] > 1.0].assign("per_km", trips["fare"] / trips["distance"]);
  DataFrame by_zone = longer.groupby({"zone"}).agg(
      {{"per_km", "mean", "per_km"}, {"fare", "sum", "fares"}, {"fare", "size", "trips"}});
  DataFrame ranked =
      merge(by_zone, read_csv(data + "/zones.csv"), {.on = {"zone"}, .how = JoinHow::kLeft})
          .sort_values({{"per_km", false}}, SortOptions{});
  DataFrame written = ranked.to_csv(out.string(), CsvWriteOptions{});
  InlineExecutor ex;
  return {written.graph().cull(written.keys()), Value(ranked.compute(ex))};
}

// word_count.shoal.json through the Bag API, as examples/word_count.cpp
// does it, in several partitions: words, counts and their order (ties by
// first appearance) must agree exactly.
Mirror top_words() {
  InlineExecutor ex;
  Bag lines = Bag::read_text((example_data() / "two_cities.txt").string(), {.blocksize = 512});
  REQUIRE(lines.npartitions() > 1);
  Bag top = lines.map("str.lower").flat_map("str.split").frequencies().topk(5, 1);
  std::vector<Key> keys = top.keys();
  return {top.graph().cull(keys), Value(top.compute(ex))};
}

// array_stats.shoal.json through the Array API as examples/array_stats.cpp
// does it, in chunks (4 x 3 of them, as the example's): [mean, std, best
// column, share above 12]. The pipeline's four tensor.item nodes add one
// task each, which the C++ program does not need (it reads the 0-d arrays).
Mirror array_stats() {
  InlineExecutor ex;
  Array x = random::normal({400, 300}, {100, 100}, 2026, 10.0, 2.0);
  std::vector<Array> parts = {x.mean(), x.std(), x.mean(0).argmax(),
                              (x > 12.0).astype(DType::kFloat64).mean()};
  Graph g;
  List values;
  for (const Array& a : parts) {
    g.merge(a.graph().cull(a.keys()));
    Tensor t = a.compute(ex);
    values.push_back(t.dtype() == DType::kInt64 ? Value(t.values<std::int64_t>()[0])
                                                : Value(t.values<double>()[0]));
  }
  return {std::move(g), Value(std::move(values))};
}

// Equal, except that floats may differ in the last bits.
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

// What a run of the lowered pipeline gives: its sinks' values, in sink
// order, as a list; a written CSV read back as its table.
Value run_sinks(const LoweredPipeline& low, const Pipeline& p) {
  InlineExecutor ex;
  std::vector<Key> keys = low.output_keys();
  List out;
  for (auto& [id, value] : low.sink_values(ex.run(low.optimized(), keys))) {
    if (p.find_node(id)->op == "table.to_csv") {
      const Table& files = value.as_table();
      CHECK(files.num_rows() == 1);
      out.push_back(Value(read_csv(std::string(files.column("path").string_at(0))).compute(ex)));
    } else {
      out.push_back(value);
    }
  }
  return Value(std::move(out));
}

// Every example's C++ mirror, by file name; a missing entry is a plain-op
// example (arithmetic, sum_of_squares) checked by value only.
Mirror mirror_of(const std::string& name, const std::filesystem::path& out_dir) {
  if (name == "trips.shoal.json") {
    Mirror m = trips_by_zone(out_dir / "mirror_trips_by_zone.csv");
    m.value = Value(List{m.value});
    return m;
  }
  if (name == "word_count.shoal.json") {
    Mirror m = top_words();
    m.value = Value(List{m.value});
    return m;
  }
  if (name == "array_stats.shoal.json") return array_stats();
  if (name == "arithmetic.shoal.json") return {Graph(), Value(List{Value(46)})};
  if (name == "sum_of_squares.shoal.json") return {Graph(), Value(List{Value(30)})};
  FAIL("no mirror for example " << name);
  return {};
}

// Tasks the pipeline adds beyond its C++ mirror's: one per tensor.item node.
std::size_t extra_tasks(const Pipeline& p) {
  std::size_t n = 0;
  for (const PipelineNode& node : p.nodes) n += node.op == "tensor.item";
  return n;
}

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
    auto out_dir = std::filesystem::temp_directory_path() /
                   ("shoal-cli-examples-" + std::to_string(::getpid()));
    std::filesystem::create_directories(out_dir);
    redirect_outputs(p, out_dir);
    LoweredPipeline low = lower(p, OpRegistry::global(), entry.path().parent_path().string());
    Mirror want = mirror_of(name, out_dir);
    if (want.graph.size() > 0) {  // a collection example: the same tasks as its C++ program
      std::vector<Key> keys = low.output_keys();
      CHECK(low.graph.cull(keys).size() == want.graph.size() + extra_tasks(p));
    }
    Value got = run_sinks(low, p);
    CAPTURE(got.repr());
    CHECK(close(got, want.value));
    std::filesystem::remove_all(out_dir);
    CHECK(render_dot(p.to_dot(), "svg").find("<svg") != std::string::npos);
    CHECK(render_dot(low.graph.to_dot(), "svg").find("<svg") != std::string::npos);
  }
  CHECK(count >= 5);
}

TEST_CASE("a read_csv node over a file of several blocks lowers to a task per block") {
  Pipeline p = load_pipeline(std::filesystem::path(SHOAL_EXAMPLE_PIPELINES) / "trips.shoal.json");
  LoweredPipeline low = lower(p, OpRegistry::global(), SHOAL_EXAMPLE_PIPELINES);
  const LoweredNode* read = low.node("trips");
  REQUIRE(read);
  CHECK(read->partitions.size() ==
        read_csv((example_data() / "trips.csv").string(), {.blocksize = 4096}).npartitions());
  CHECK(read->partitions.size() > 1);
  CHECK(read->tasks.size() >= read->partitions.size());
}
