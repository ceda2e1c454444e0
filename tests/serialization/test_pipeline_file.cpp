// Pipeline files: JSON round trips, stable output, versions, malformed input.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "shoal/pipeline_file.h"

using namespace shoal;

namespace {

Pipeline sample() {
  Pipeline p;
  p.metadata = {"sample", "two constants, added"};
  PipelineNode a{"a", "value", {{"value", 20}}, 10.5, -3, "twenty"};
  PipelineNode b{
      "b", "value", {{"value", List{Value(1), Value(2.5), Value("x"), Value(true), Value()}}},
      0,   0,       ""};
  PipelineNode s{"s", "sum", {}, 100, 200, ""};
  p.add_node(a);
  p.add_node(b);
  p.add_node(s);
  p.connect({"a", "out"}, {"s", "items"});
  p.connect({"b", "out"}, {"s", "items"});
  return p;
}

std::string message_of(const std::string& json) {
  try {
    decode_pipeline_json(json, "test.shoal.json");
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a pipeline round-trips through JSON, and encodes identically twice") {
  Pipeline p = sample();
  std::string json = encode_pipeline_json(p);
  CHECK(decode_pipeline_json(json) == p);
  CHECK(encode_pipeline_json(decode_pipeline_json(json)) == json);
  CHECK(contains(json, "\"format\": 2"));
  CHECK(contains(json, "\"value\": 20"));
  // Nodes in pipeline order; fields in schema order.
  CHECK(json.find("\"id\": \"a\"") < json.find("\"id\": \"b\""));
  CHECK(json.find("\"format\"") < json.find("\"nodes\""));
  CHECK(json.find("\"nodes\"") < json.find("\"edges\""));
  MESSAGE(json);
}

TEST_CASE("integral floats read back as int64; unsavable parameters are refused") {
  Pipeline p;
  p.add_node({"a", "value", {{"value", 2.0}, {"f", 0.25}}, 0, 0, ""});
  Pipeline back = decode_pipeline_json(encode_pipeline_json(p));
  CHECK(back.nodes[0].params.at("value") == Value(2));
  CHECK(back.nodes[0].params.at("f") == Value(0.25));
  for (Value bad : {Value(std::numeric_limits<double>::quiet_NaN()), Value(std::int64_t{1} << 60),
                    Value(Bytes{std::byte{1}})}) {
    Pipeline q;
    q.add_node({"n", "value", {{"value", bad}}, 0, 0, ""});
    CHECK_THROWS_AS(encode_pipeline_json(q), EncodeError);
  }
}

TEST_CASE("a newer format is refused with a message that says so") {
  std::string json = encode_pipeline_json(sample());
  auto at = json.find("\"format\": 2");
  json.replace(at, 11, "\"format\": 7");
  std::string m = message_of(json);
  CHECK(contains(m, "test.shoal.json"));
  CHECK(contains(m, "written by a newer Shoal (format 7, this build reads up to 2)"));
}

TEST_CASE("malformed JSON: DecodeError naming the file and the position") {
  std::string m = message_of("{\"format\": 1,\n  \"nodes\": [,]}");
  CHECK(contains(m, "test.shoal.json"));
  CHECK(contains(m, "line 2, column 13"));
  CHECK(contains(message_of(""), "test.shoal.json"));
  CHECK(contains(message_of("[1, 2]"), "not a Shoal pipeline"));
  CHECK(contains(message_of("{\"name\": \"x\"}"), "no \"format\""));
  CHECK(contains(message_of("{\"format\": 1, \"nodes\": 3}"), "test.shoal.json"));
  CHECK(contains(
      message_of("{\"format\": 1, \"nodes\": [{\"id\": \"a\", \"params\": {\"p\": {\"o\": 1}}}]}"),
      "parameter 'p'"));
  CHECK(contains(message_of("{\"format\": 1, \"nodes\": [{\"id\": \"a\", \"params\": [1]}]}"),
                 "JSON object"));
  std::string deep =
      "{\"format\": 1, \"nodes\": [{\"id\": \"a\", \"params\": {\"p\": " + std::string(200, '[') +
      std::string(200, ']') + "}}]}";
  CHECK_FALSE(message_of(deep).empty());
}

TEST_CASE("save_pipeline / load_pipeline through a file; unreadable files") {
  auto dir = std::filesystem::temp_directory_path() /
             ("shoal-pipeline-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / "p.shoal.json";
  save_pipeline(path, sample());
  CHECK(load_pipeline(path) == sample());
  // No temporary file is left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(dir),
                      std::filesystem::directory_iterator()) == 1);
  CHECK_THROWS_AS(load_pipeline(dir / "missing.shoal.json"), Error);
  { std::ofstream(dir / "bad.shoal.json") << "{ \"format\": 1, \"nodes\": [ }"; }
  try {
    load_pipeline(dir / "bad.shoal.json");
    FAIL("no error");
  } catch (const DecodeError& e) {
    CHECK(contains(e.what(), "bad.shoal.json"));
    CHECK(contains(e.what(), "line 1"));
  }
  std::filesystem::remove_all(dir);
}
