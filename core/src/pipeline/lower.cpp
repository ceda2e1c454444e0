// lower(): a pipeline to a task graph, a task per node.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <unordered_map>

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
    if (spec.type == ParamSpec::Type::kPath && v && v->is_string() && !base_dir.empty() &&
        std::filesystem::path(v->as_string()).is_relative()) {
      params.set(spec.name, (base_dir / v->as_string()).lexically_normal().string());
    }
  }
  return params;
}

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
    for (const PipelineNode& n : p_.nodes) {
      if (info_[n.id].outgoing == 0) out_.outputs.emplace_back(n.id, out_.node_keys.at(n.id));
    }
    return std::move(out_);
  }

 private:
  // The argument an edge passes: the source's key, or item i of it for ops
  // with several outputs.
  Arg source(const PortRef& from) {
    const Key& key = out_.node_keys.at(from.node);
    const Op& op = *info_[from.node].op;
    if (op.outputs.size() <= 1) return key;
    auto it = std::find_if(op.outputs.begin(), op.outputs.end(),
                           [&](const auto& s) { return s.name == from.port; });
    auto index = static_cast<std::int64_t>(it - op.outputs.begin());
    Key item("getitem-" + tokenize(key, index));
    if (!out_.graph.contains(item)) {
      OpPtr getitem = registry_.find("getitem");
      if (!getitem) getitem = OpRegistry::global().get("getitem");
      out_.graph.add(Task{item,
                          getitem,
                          {Arg(key)},
                          std::make_shared<const Params>(Params{{"index", Value(index)}}),
                          nullptr});
    }
    return item;
  }

  std::vector<Arg> arguments(const NodeInfo& info) {
    std::vector<Arg> args;
    std::size_t given = 0;  // args up to the last connected port
    for (const PortSpec& port : info.op->inputs) {
      bool connected = false;
      for (const PipelineEdge* e : info.in) {
        if (e->to.port != port.name) continue;
        args.push_back(source(e->from));
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

  void lower_node(const NodeInfo& info) {
    const PipelineNode& n = *info.node;
    auto params = std::make_shared<const Params>(effective_params(n, *info.op, base_dir_));
    std::vector<Arg> args = arguments(info);
    Tokenizer t;
    t.add(n.op);
    for (const auto& [name, value] : *params) t.add(name).add(value);
    for (const PipelineEdge* e : info.in)
      t.add(e->to.port).add(out_.node_keys.at(e->from.node)).add(e->from.port);
    Key key(n.op + "-" + t.hex());
    out_.node_keys.emplace(n.id, key);
    out_.graph.add(
        Task{key, info.op, std::move(args), params->empty() ? nullptr : params, nullptr});
  }

  const Pipeline& p_;
  const OpRegistry& registry_;
  std::filesystem::path base_dir_;
  std::unordered_map<std::string, NodeInfo> info_;
  LoweredPipeline out_;
};

}  // namespace

LoweredPipeline lower(const Pipeline& pipeline, const OpRegistry& registry,
                      const std::string& base_dir) {
  std::vector<PipelineProblem> problems = pipeline.problems(registry);
  if (!problems.empty()) throw PipelineError(std::move(problems));
  return Lowerer(pipeline, registry, base_dir).run();
}

}  // namespace shoal
