// Pipeline: problems(), lower(), to_dot().
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "shoal/inline_executor.h"
#include "shoal/pipeline.h"

using namespace shoal;
using Kind = PipelineProblem::Kind;

namespace {

PipelineNode node(std::string id, std::string op, Params params = {}) {
  PipelineNode n;
  n.id = std::move(id);
  n.op = std::move(op);
  n.params = std::move(params);
  return n;
}

// a = value(20), b = value(2), s = add(inc(a), b), m = mul(s, b)
Pipeline arithmetic() {
  Pipeline p;
  p.metadata.name = "arithmetic";
  p.add_node(node("a", "value", {{"value", 20}}));
  p.add_node(node("b", "value", {{"value", 2}}));
  p.add_node(node("i", "inc"));
  p.add_node(node("s", "add"));
  p.add_node(node("m", "mul"));
  p.connect({"a", "out"}, {"i", "x"});
  p.connect({"i", "out"}, {"s", "x"});
  p.connect({"b", "out"}, {"s", "y"});
  p.connect({"s", "out"}, {"m", "x"});
  p.connect({"b", "out"}, {"m", "y"});
  return p;
}

bool has(const std::vector<PipelineProblem>& ps, Kind kind, const std::string& node) {
  return std::any_of(ps.begin(), ps.end(), [&](const auto& p) {
    return p.kind == kind && p.node == node &&
           p.message.find("'" + node + "'") != std::string::npos;
  });
}

// Ops with parameter schemas and typed ports, in a registry of their own.
// Graph::validate() accepts only the global registry's ops or local_only
// ones, so every op added here is marked local_only.
OpRegistry& typed_registry() {
  static OpRegistry* r = [] {
    auto* reg = new OpRegistry();
    auto add_local = [reg](Op op) {
      op.local_only = true;
      reg->add(std::move(op));
    };
    Op scale;
    scale.name = "scale";
    scale.inputs = {PortSpec{"x", "float64"}};
    scale.outputs = {PortSpec{"out", "float64"}};
    ParamSpec factor{"factor", ParamSpec::Type::kFloat};
    factor.required = true;
    factor.min = 0;
    factor.max = 10;
    ParamSpec mode{"mode", ParamSpec::Type::kChoice, Value("fast")};
    mode.choices = {"fast", "exact"};
    scale.params = {factor, mode};
    scale.fn = [](OpContext&, std::span<const Value> a, const Params& p) {
      return Value(a[0].as_float() * p.at("factor").as_float());
    };
    add_local(scale);
    Op text;
    text.name = "text";
    text.outputs = {PortSpec{"out", "string"}};
    text.fn = [](OpContext&, std::span<const Value>, const Params&) { return Value("t"); };
    add_local(text);
    Op num;
    num.name = "num";
    num.outputs = {PortSpec{"out", "number"}};
    num.fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(2.0); };
    add_local(num);
    Op split;
    split.name = "split";
    split.outputs = {PortSpec{"first"}, PortSpec{"second"}};
    split.fn = [](OpContext&, std::span<const Value>, const Params&) {
      return Value(List{Value(1), Value(2)});
    };
    add_local(split);
    add_local(*OpRegistry::global().get("getitem"));
    add_local(*OpRegistry::global().get("add"));
    return reg;
  }();
  return *r;
}

// The key of a plain node's one task.
const Key& key_of(const LoweredPipeline& low, const std::string& id) {
  return low.node(id)->partitions.at(0);
}

std::map<std::string, Key> keys_of(const LoweredPipeline& low) {
  std::map<std::string, Key> out;
  for (const LoweredNode& n : low.nodes) out.emplace(n.id, n.partitions.at(0));
  return out;
}

}  // namespace

TEST_CASE("a well-formed pipeline has no problems and lowers to one task per node") {
  Pipeline p = arithmetic();
  CHECK(p.problems().empty());
  LoweredPipeline low = lower(p);
  CHECK(low.graph.size() == 5);
  CHECK(low.graph.problems().empty());
  REQUIRE(low.sinks.size() == 1);
  CHECK(low.sinks[0] == "m");
  CHECK(low.nodes.size() == 5);
  InlineExecutor ex;
  auto keys = low.output_keys();
  CHECK(ex.run(low.graph, keys)[0] == Value((21 + 2) * 2));
}

TEST_CASE("keys depend on op, parameters and inputs only") {
  LoweredPipeline a = lower(arithmetic());
  Pipeline moved = arithmetic();
  moved.nodes[0].x = 100;
  moved.nodes[0].label = "twenty";
  moved.metadata.name = "other";
  CHECK(keys_of(lower(moved)) == keys_of(a));
  Pipeline changed = arithmetic();
  changed.nodes[0].params.set("value", 21);
  LoweredPipeline c = lower(changed);
  CHECK(key_of(c, "b") == key_of(a, "b"));
  CHECK(key_of(c, "a") != key_of(a, "a"));
  CHECK(key_of(c, "m") != key_of(a, "m"));
  CHECK(key_of(a, "i").name().rfind("inc-", 0) == 0);
}

TEST_CASE("variadic ports take every edge in edge order; optional ports may stay open") {
  Pipeline p;
  p.add_node(node("a", "value", {{"value", 1}}));
  p.add_node(node("b", "value", {{"value", 2}}));
  p.add_node(node("l", "list"));
  p.add_node(node("z", "sleep", {{"ms", 0}}));
  p.connect({"b", "out"}, {"l", "items"});
  p.connect({"a", "out"}, {"l", "items"});
  p.connect({"a", "out"}, {"l", "items"});
  REQUIRE(p.problems().empty());
  LoweredPipeline low = lower(p);
  CHECK(low.sinks.size() == 2);
  InlineExecutor ex;
  auto out = ex.run(low.graph, low.output_keys());
  CHECK(out[0] == Value(List{Value(2), Value(1), Value(1)}));
  CHECK(out[1].is_null());
}

TEST_CASE("problems name the node: unknown op, node, port") {
  Pipeline p = arithmetic();
  p.add_node(node("q", "no_such_op"));
  p.connect({"a", "nope"}, {"q", "x"});
  p.connect({"ghost", "out"}, {"m", "x"});
  p.connect({"b", "out"}, {"i", "zz"});
  auto ps = p.problems();
  CHECK(has(ps, Kind::kUnknownOp, "q"));
  CHECK(has(ps, Kind::kUnknownPort, "a"));
  CHECK(has(ps, Kind::kUnknownNode, "m"));
  CHECK(has(ps, Kind::kUnknownPort, "i"));
  CHECK(has(ps, Kind::kTooManyInputs, "m"));
  CHECK_THROWS_AS(lower(p), PipelineError);
  try {
    lower(p);
  } catch (const PipelineError& e) {
    CHECK(e.problems().size() == ps.size());
    CHECK(std::string(e.what()).find("no_such_op") != std::string::npos);
  }
}

TEST_CASE("problems: unconnected input, duplicate and empty ids, missing parameter") {
  Pipeline p;
  p.add_node(node("v", "value"));
  p.add_node(node("i", "inc"));
  p.add_node(node("i", "inc"));
  p.add_node(node("", "inc"));
  auto ps = p.problems();
  CHECK(has(ps, Kind::kMissingParam, "v"));
  CHECK(has(ps, Kind::kUnconnected, "i"));
  CHECK(has(ps, Kind::kBadNode, "i"));
  CHECK(std::any_of(ps.begin(), ps.end(),
                    [](const auto& x) { return x.kind == Kind::kBadNode && x.node.empty(); }));
  // Ordered by node.
  CHECK(ps.front().node == "v");
}

TEST_CASE("problems: a cycle names the nodes on it") {
  Pipeline p;
  p.add_node(node("a", "inc"));
  p.add_node(node("b", "inc"));
  p.add_node(node("c", "inc"));
  p.connect({"a", "out"}, {"b", "x"});
  p.connect({"b", "out"}, {"c", "x"});
  p.connect({"c", "out"}, {"a", "x"});
  auto ps = p.problems();
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].kind == Kind::kCycle);
  CHECK(ps[0].message.find("a -> b -> c -> a") != std::string::npos);
}

TEST_CASE("a long chain is checked and lowered without deep recursion") {
  Pipeline p;
  p.add_node(node("n0", "value", {{"value", 0}}));
  const int n = 20000;
  for (int i = 1; i < n; ++i) {
    p.add_node(node("n" + std::to_string(i), "inc"));
    p.connect({"n" + std::to_string(i - 1), "out"}, {"n" + std::to_string(i), "x"});
  }
  CHECK(p.problems().empty());
  LoweredPipeline low = lower(p);
  CHECK(low.graph.size() == static_cast<std::size_t>(n));
  InlineExecutor ex;
  CHECK(ex.run(low.graph, low.output_keys())[0] == Value(n - 1));
}

TEST_CASE("problems: parameter type, range, choice, unknown parameter, port types") {
  OpRegistry& r = typed_registry();
  Pipeline p;
  p.add_node(node("t", "text"));
  p.add_node(node("n", "num"));
  p.add_node(node("s1", "scale", {{"factor", "big"}}));
  p.add_node(node("s2", "scale", {{"factor", 11}}));
  p.add_node(node("s3", "scale", {{"factor", 1}, {"mode", "slow"}}));
  p.add_node(node("s4", "scale", {{"factor", 1}, {"colour", "red"}}));
  p.add_node(node("s5", "scale"));
  p.connect({"t", "out"}, {"s1", "x"});
  for (const char* s : {"s2", "s3", "s4", "s5"}) p.connect({"n", "out"}, {s, "x"});
  auto ps = p.problems(r);
  CHECK(has(ps, Kind::kParamType, "s1"));
  CHECK(has(ps, Kind::kTypeMismatch, "s1"));
  CHECK(has(ps, Kind::kParamRange, "s2"));
  CHECK(has(ps, Kind::kParamChoice, "s3"));
  CHECK(has(ps, Kind::kUnknownParam, "s4"));
  CHECK(has(ps, Kind::kMissingParam, "s5"));
  CHECK_FALSE(has(ps, Kind::kTypeMismatch, "s2"));  // number into float64 is fine
  for (const auto& x : ps) CHECK(!problem_kind_name(x.kind).empty());
}

TEST_CASE("defaults fill unset parameters; several outputs read through getitem") {
  OpRegistry& r = typed_registry();
  Pipeline p;
  p.add_node(node("sp", "split"));
  p.add_node(node("a", "add"));
  p.connect({"sp", "second"}, {"a", "x"});
  p.connect({"sp", "first"}, {"a", "y"});
  p.add_node(node("n", "num"));
  p.add_node(node("s", "scale", {{"factor", 3}}));
  p.connect({"n", "out"}, {"s", "x"});
  REQUIRE(p.problems(r).empty());
  LoweredPipeline low = lower(p, r);
  const Task& scale = low.graph.at(key_of(low, "s"));
  REQUIRE(scale.params);
  CHECK(scale.params->at("mode") == Value("fast"));
  CHECK(low.graph.size() == 6);  // 4 nodes + 2 getitems
  InlineExecutor ex;
  auto out = ex.run(low.graph, low.output_keys());
  CHECK(out[0] == Value(3));
  CHECK(out[1] == Value(6.0));
}

TEST_CASE("to_dot draws a record per node with its ports") {
  Pipeline p = arithmetic();
  p.nodes[0].label = "twenty {x}";
  std::string dot = p.to_dot();
  CHECK(dot.find("digraph \"arithmetic\"") != std::string::npos);
  CHECK(dot.find("twenty \\{x\\}") != std::string::npos);
  CHECK(dot.find("n2:o0 -> n3:i0") != std::string::npos);
  CHECK(dot.find("n1:o0 -> n4:i1") != std::string::npos);
}
