// Runs one pipeline node op on input values, as a pipeline would: each input
// becomes a source node giving a collection of two partitions (a Table a
// DataFrame, a List a Bag, a Tensor an Array; any other value passes as a
// value), wired to the op's input ports in order; the pipeline is lowered,
// optimized and run on an InlineExecutor, and the node's value returned (a
// DataFrame's partitions concatenated, a Bag's joined, an Array assembled).
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "shoal/array.h"
#include "shoal/bag.h"
#include "shoal/dataframe.h"
#include "shoal/inline_executor.h"
#include "shoal/op.h"
#include "shoal/pipeline.h"

namespace shoal::testing {

namespace detail {

// Source ops of the test: the "value" parameter as a collection.
inline void register_test_sources() {
  static const bool once = [] {
    auto source = [](const char* name, const char* type, NodeLoweringFunction lower) {
      Op op;
      op.name = name;
      op.group = "Tests";
      op.outputs = {PortSpec{"out", type}};
      op.lower = std::move(lower);
      OpRegistry::global().add(std::move(op), "tests");
    };
    source("test.frame", "dataframe", [](NodeLowering& n) {
      const Table& t = n.params().at("value").as_table();
      std::size_t half = t.num_rows() / 2;
      n.set_output(
          DataFrame::from_tables({slice(t, 0, half), slice(t, half, t.num_rows() - half)}));
    });
    source("test.bag", "bag", [](NodeLowering& n) {
      const List& l = n.params().at("value").as_list();
      n.set_output(
          Bag::from_sequence(l, std::max<std::size_t>(1, std::min<std::size_t>(2, l.size()))));
    });
    source("test.array", "array", [](NodeLowering& n) {
      const Tensor& t = n.params().at("value").as_tensor();
      Shape chunk = t.shape();
      if (!chunk.empty()) chunk[0] = std::max<std::int64_t>(1, (chunk[0] + 1) / 2);
      for (auto& c : chunk) c = std::max<std::int64_t>(c, 1);
      n.set_output(from_tensor(t, chunk));
    });
    return true;
  }();
  (void)once;
}

inline const char* source_for(const Value& v) {
  if (v.is_table()) return "test.frame";
  if (v.is_list()) return "test.bag";
  if (v.is_tensor()) return "test.array";
  return "value";
}

}  // namespace detail

/// The pipeline that run_node runs: a source per input, then the node "n".
inline Pipeline node_pipeline(const std::string& op, const std::vector<Value>& inputs,
                              const Params& params) {
  detail::register_test_sources();
  OpPtr spec = OpRegistry::global().get(op);
  Pipeline p;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::string id = "in" + std::to_string(i);
    p.add_node({.id = id, .op = detail::source_for(inputs[i]), .params = {{"value", inputs[i]}}});
  }
  p.add_node({.id = "n", .op = op, .params = params});
  for (std::size_t i = 0; i < inputs.size(); ++i)
    p.connect({"in" + std::to_string(i), "out"}, {"n", spec->inputs.at(i).name});
  return p;
}

/// Runs node op `op` on `inputs` (see above) and returns its value.
inline Value run_node(const std::string& op, std::vector<Value> inputs, const Params& params,
                      const std::string& base_dir = {}) {
  LoweredPipeline low = lower(node_pipeline(op, inputs, params), OpRegistry::global(), base_dir);
  InlineExecutor ex;
  std::vector<Value> values = ex.run(low.optimized(), low.output_keys());
  for (auto& [id, v] : low.sink_values(values))
    if (id == "n") return v;
  return Value();
}

}  // namespace shoal::testing
