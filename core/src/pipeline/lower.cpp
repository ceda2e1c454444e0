// lower(): a pipeline to a task graph. Node ops with a lowering call the
// collections' methods (see the *_nodes.cpp files); other ops become one
// task per node.
#include <algorithm>
#include <deque>
#include <filesystem>
#include <memory>
#include <set>
#include <unordered_map>

#include "pipeline/conversions.h"
#include "shoal/pipeline.h"

namespace shoal {
namespace {

struct NodeInfo {
  const PipelineNode* node = nullptr;
  OpPtr op;
  std::vector<const PipelineEdge*> in;  // edges into the node, in edge order
  std::size_t outgoing = 0;
};

// Nodes in an order where every node comes after the nodes it reads
// (Kahn's algorithm; the pipeline is known to be acyclic), ties in node order.
std::vector<std::string> topological(const Pipeline& p) {
  std::unordered_map<std::string, std::size_t> waiting;
  std::unordered_map<std::string, std::vector<std::string>> readers;
  for (const PipelineEdge& e : p.edges) {
    ++waiting[e.to.node];
    readers[e.from.node].push_back(e.to.node);
  }
  std::vector<std::string> order, ready;
  for (auto it = p.nodes.rbegin(); it != p.nodes.rend(); ++it) {
    if (waiting[it->id] == 0) ready.push_back(it->id);
  }
  while (!ready.empty()) {
    std::string id = std::move(ready.back());
    ready.pop_back();
    order.push_back(id);
    for (const std::string& r : readers[id]) {
      if (--waiting[r] == 0) ready.push_back(r);
    }
  }
  return order;
}

Params effective_params(const PipelineNode& n, const Op& op,
                        const std::filesystem::path& base_dir) {
  Params params = n.params;
  for (const ParamSpec& spec : op.params) {
    const Value* v = params.find(spec.name);
    if ((!v || v->is_null()) && !spec.default_value.is_null())
      params.set(spec.name, spec.default_value);
    v = params.find(spec.name);
    if (spec.type == ParamSpec::Type::kPath && v && v->is_string() && !v->as_string().empty() &&
        !base_dir.empty() && std::filesystem::path(v->as_string()).is_relative()) {
      params.set(spec.name, (base_dir / v->as_string()).lexically_normal().string());
    }
  }
  return params;
}

std::string node_name(const PipelineNode& n) {
  return "node '" + n.id + "' (" + n.op + ")";
}

class Lowerer;

// What a lowering function sees of its node.
class NodeContext final : public NodeLowering {
 public:
  NodeContext(Lowerer& lowerer, const NodeInfo& info, Params params)
      : lowerer_(lowerer), info_(info), params_(std::move(params)) {}

  const PipelineNode& node() const noexcept override { return *info_.node; }
  const Params& params() const noexcept override { return params_; }
  bool has_input(std::string_view port) const override { return find(port) != nullptr; }
  const DataFrame& dataframe(std::string_view port) override;
  const Bag& bag(std::string_view port) override;
  const Array& array(std::string_view port) override;
  LazyValue value(std::string_view port) override { return detail::gather(input(port)); }
  void set_output(NodeOutput output, std::string_view port) override;

  std::vector<std::pair<std::string, NodeOutput>> take_outputs();

 private:
  const NodeOutput* find(std::string_view port) const;
  const NodeOutput& input(std::string_view port) const;
  [[noreturn]] void wrong_kind(std::string_view port, const char* wanted) const;

  Lowerer& lowerer_;
  const NodeInfo& info_;
  Params params_;
  std::deque<Bag> bags_;  // converted inputs, alive as long as the context
  std::vector<std::pair<std::string, NodeOutput>> outputs_;
};

class Lowerer {
 public:
  Lowerer(const Pipeline& p, const OpRegistry& r, std::filesystem::path base_dir)
      : p_(p), registry_(r), base_dir_(std::move(base_dir)) {}

  LoweredPipeline run() {
    for (const PipelineNode& n : p_.nodes) info_[n.id] = {&n, registry_.get(n.op), {}, 0};
    for (const PipelineEdge& e : p_.edges) {
      info_[e.to.node].in.push_back(&e);
      ++info_[e.from.node].outgoing;
    }
    for (const std::string& id : topological(p_)) lower_node(info_[id]);
    // Sinks in the file's node order: what `shoal run` prints follows the file.
    for (const PipelineNode& n : p_.nodes) {
      if (info_[n.id].outgoing == 0) out_.sinks.push_back(n.id);
    }
    return std::move(out_);
  }

  // The output an edge carries.
  const NodeOutput& source(const PortRef& from) const {
    const LoweredNode& n = out_.nodes[position_.at(from.node)];
    for (const auto& [port, output] : n.outputs) {
      if (port == from.port) return output;
    }
    return n.outputs.at(0).second;
  }

 private:
  void lower_node(const NodeInfo& info) {
    const PipelineNode& n = *info.node;
    Params params = effective_params(n, *info.op, base_dir_);
    LoweredNode lowered;
    lowered.id = n.id;
    try {
      if (info.op->lower) {
        NodeContext ctx(*this, info, std::move(params));
        info.op->lower(ctx);
        lowered.outputs = ctx.take_outputs();
      } else {
        lowered.outputs = plain_task(info, std::move(params));
      }
    } catch (const PipelineError&) {
      throw;
    } catch (const Error& e) {
      std::string what = e.what();
      if (what.find("node '" + n.id + "'") != std::string::npos) throw;
      throw Error(node_name(n) + ": " + what);
    }
    add_tasks(lowered, info.outgoing == 0);
    position_[n.id] = out_.nodes.size();
    out_.nodes.push_back(std::move(lowered));
  }

  // A node of a plain op: one task of the op over its inputs, gathered.
  // With several outputs, the task returns a list and port i reads item i.
  std::vector<std::pair<std::string, NodeOutput>> plain_task(const NodeInfo& info, Params params) {
    const PipelineNode& n = *info.node;
    std::vector<std::shared_ptr<const Graph>> layers;
    std::vector<Arg> args = arguments(info, layers);
    Tokenizer t;
    t.add(n.op);
    for (const auto& [name, value] : params) t.add(name).add(value);
    for (const Arg& a : args) a.is_ref() ? t.add(a.ref()) : t.add(std::int64_t{-1});
    Key key(n.op + "-" + t.hex());
    auto g = std::make_shared<Graph>();
    auto shared = params.empty() ? nullptr : std::make_shared<const Params>(std::move(params));
    g->add(Task{key, info.op, std::move(args), shared, nullptr});
    layers.push_back(std::move(g));
    std::vector<std::pair<std::string, NodeOutput>> outputs;
    const auto& ports = info.op->outputs;
    // A sink shows the op's whole value: with several outputs, the list.
    if (ports.size() <= 1 || info.outgoing == 0) {
      outputs.emplace_back(ports.empty() ? "out" : ports[0].name, LazyValue{layers, key});
      return outputs;
    }
    for (std::size_t i = 0; i < ports.size(); ++i)
      outputs.emplace_back(ports[i].name, item_of(layers, key, static_cast<std::int64_t>(i)));
    return outputs;
  }

  static LazyValue item_of(std::vector<std::shared_ptr<const Graph>> layers, const Key& key,
                           std::int64_t index) {
    auto g = std::make_shared<Graph>();
    Key item("getitem-" + tokenize(key, index));
    g->add(Task{item,
                OpRegistry::global().get("getitem"),
                {Arg(key)},
                std::make_shared<const Params>(Params{{"index", Value(index)}}),
                nullptr});
    layers.push_back(std::move(g));
    return LazyValue{std::move(layers), item};
  }

  std::vector<Arg> arguments(const NodeInfo& info,
                             std::vector<std::shared_ptr<const Graph>>& layers) {
    std::vector<Arg> args;
    std::size_t given = 0;  // args up to the last connected port
    for (const PortSpec& port : info.op->inputs) {
      bool connected = false;
      for (const PipelineEdge* e : info.in) {
        if (e->to.port != port.name) continue;
        LazyValue v = detail::gather(source(e->from));
        layers.insert(layers.end(), v.layers.begin(), v.layers.end());
        args.emplace_back(v.key);
        connected = true;
      }
      if (connected)
        given = args.size();
      else if (!port.variadic)
        args.push_back(Arg(Value()));
    }
    args.resize(given, Arg(Value()));
    return args;
  }

  // Merges the node's layers into the graph; what is new is the node's.
  void add_tasks(LoweredNode& node, bool sink) {
    if (node.outputs.empty()) return;
    if (sink) {  // a sink's fused bag steps become its tasks now
      for (auto& [port, output] : node.outputs) {
        if (auto* b = std::get_if<Bag>(&output)) output = b->materialized();
      }
    }
    std::size_t before = out_.graph.size();
    for (const auto& [port, output] : node.outputs) {
      for (const auto& layer : detail::layers_of(output, false)) {
        if (merged_.insert(layer.get()).second) {
          out_.graph.merge(*layer);
          kept_.push_back(layer);
        }
      }
    }
    const auto& tasks = out_.graph.tasks();
    for (std::size_t i = before; i < tasks.size(); ++i) {
      node.tasks.push_back(tasks[i].key);
      out_.task_node.emplace(tasks[i].key, node.id);
    }
    const NodeOutput& first = node.outputs.front().second;
    if (!detail::has_pending_steps(first)) node.partitions = detail::partition_keys(first);
  }

  const Pipeline& p_;
  const OpRegistry& registry_;
  std::filesystem::path base_dir_;
  std::unordered_map<std::string, NodeInfo> info_;
  std::unordered_map<std::string, std::size_t> position_;
  std::set<const Graph*> merged_;
  std::vector<std::shared_ptr<const Graph>> kept_;  // keeps merged_'s addresses unique
  LoweredPipeline out_;
};

const NodeOutput* NodeContext::find(std::string_view port) const {
  for (const PipelineEdge* e : info_.in) {
    if (e->to.port == port) return &lowerer_.source(e->from);
  }
  return nullptr;
}

const NodeOutput& NodeContext::input(std::string_view port) const {
  if (const NodeOutput* o = find(port)) return *o;
  fail({}, "input '" + std::string(port) + "' is not connected; connect a node to it");
}

void NodeContext::wrong_kind(std::string_view port, const char* wanted) const {
  fail({}, "input '" + std::string(port) + "' takes a " + wanted + ", but it is given a " +
               std::string(output_kind(input(port))));
}

const DataFrame& NodeContext::dataframe(std::string_view port) {
  if (const auto* df = std::get_if<DataFrame>(&input(port))) return *df;
  wrong_kind(port, "dataframe");
}

const Array& NodeContext::array(std::string_view port) {
  if (const auto* a = std::get_if<Array>(&input(port))) return *a;
  wrong_kind(port, "array");
}

const Bag& NodeContext::bag(std::string_view port) {
  const NodeOutput& in = input(port);
  if (const auto* b = std::get_if<Bag>(&in)) return *b;
  if (!std::holds_alternative<LazyValue>(in)) wrong_kind(port, "bag or list");
  return bags_.emplace_back(detail::as_bag(in, node_name(node())));
}

void NodeContext::set_output(NodeOutput output, std::string_view port) {
  const auto& ports = info_.op->outputs;
  std::string name = port.empty() && !ports.empty() ? ports[0].name : std::string(port);
  auto spec =
      std::find_if(ports.begin(), ports.end(), [&](const PortSpec& s) { return s.name == name; });
  if (spec == ports.end())
    throw Error("op " + node().op + " has no output port '" + name + "' (a bug in its lowering)");
  std::string_view want = detail::port_kind(spec->type);
  if (want != output_kind(output)) {
    throw Error("op " + node().op + "'s lowering gave a " + std::string(output_kind(output)) +
                " to output '" + name + "', whose type is " + spec->type);
  }
  outputs_.emplace_back(std::move(name), std::move(output));
}

std::vector<std::pair<std::string, NodeOutput>> NodeContext::take_outputs() {
  for (const PortSpec& s : info_.op->outputs) {
    auto it = std::find_if(outputs_.begin(), outputs_.end(),
                           [&](const auto& o) { return o.first == s.name; });
    if (it == outputs_.end())
      throw Error("op " + node().op + "'s lowering set no output '" + s.name + "'");
  }
  return std::move(outputs_);
}

}  // namespace

void NodeLowering::fail(std::string_view param, const std::string& message) const {
  std::string where = node_name(node());
  if (!param.empty()) where += ", parameter '" + std::string(param) + "'";
  throw Error(where + ": " + message);
}

LoweredPipeline lower(const Pipeline& pipeline, const OpRegistry& registry,
                      const std::string& base_dir) {
  std::vector<PipelineProblem> problems = pipeline.problems(registry);
  if (!problems.empty()) throw PipelineError(std::move(problems));
  return Lowerer(pipeline, registry, base_dir).run();
}

}  // namespace shoal
