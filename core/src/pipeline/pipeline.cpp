// Pipeline: building, finding, errors, DOT.
#include "shoal/pipeline.h"

#include <algorithm>

namespace shoal {
namespace {

// Escapes text for a field of a Graphviz record label (inside "...").
std::string record_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (std::string_view("{}|<>\\\"").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// The port names a node draws: the op's, then any others its edges name.
std::vector<std::string> port_names(const Pipeline& p, const PipelineNode& n, const Op* op,
                                    bool output) {
  std::vector<std::string> names;
  if (op) {
    for (const PortSpec& s : output ? op->outputs : op->inputs) names.push_back(s.name);
  }
  for (const PipelineEdge& e : p.edges) {
    const PortRef& ref = output ? e.from : e.to;
    if (ref.node == n.id && std::find(names.begin(), names.end(), ref.port) == names.end()) {
      names.push_back(ref.port);
    }
  }
  return names;
}

std::string port_row(const std::vector<std::string>& names, char prefix) {
  std::string row = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    row += (i ? "|<" : "<") + std::string(1, prefix) + std::to_string(i) + "> " +
           record_escape(names[i]);
  }
  return row + "}";
}

std::size_t port_index(const std::vector<std::string>& names, const std::string& port) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), port) - names.begin());
}

}  // namespace

std::string_view problem_kind_name(PipelineProblem::Kind kind) noexcept {
  using K = PipelineProblem::Kind;
  switch (kind) {
    case K::kBadNode:
      return "bad-node";
    case K::kUnknownOp:
      return "unknown-op";
    case K::kUnknownNode:
      return "unknown-node";
    case K::kUnknownPort:
      return "unknown-port";
    case K::kMissingParam:
      return "missing-parameter";
    case K::kUnknownParam:
      return "unknown-parameter";
    case K::kParamType:
      return "parameter-type";
    case K::kParamRange:
      return "parameter-range";
    case K::kParamChoice:
      return "parameter-choice";
    case K::kUnconnected:
      return "unconnected-input";
    case K::kTooManyInputs:
      return "too-many-inputs";
    case K::kTypeMismatch:
      return "type-mismatch";
    case K::kCycle:
      return "cycle";
  }
  return "problem";
}

namespace {
std::string problems_text(const std::vector<PipelineProblem>& problems) {
  std::string out = "the pipeline cannot run (" + std::to_string(problems.size()) + " problem" +
                    (problems.size() == 1 ? "" : "s") + "; `shoal validate FILE` lists them):";
  for (const PipelineProblem& p : problems) out += "\n  " + p.message;
  return out;
}
}  // namespace

PipelineError::PipelineError(std::vector<PipelineProblem> problems)
    : Error(problems_text(problems)), problems_(std::move(problems)) {}

PipelineNode& Pipeline::add_node(PipelineNode node) {
  nodes.push_back(std::move(node));
  return nodes.back();
}

void Pipeline::connect(PortRef from, PortRef to) {
  edges.push_back({std::move(from), std::move(to)});
}

const PipelineNode* Pipeline::find_node(std::string_view id) const noexcept {
  auto it =
      std::find_if(nodes.begin(), nodes.end(), [&](const PipelineNode& n) { return n.id == id; });
  return it == nodes.end() ? nullptr : &*it;
}

PipelineNode* Pipeline::find_node(std::string_view id) noexcept {
  return const_cast<PipelineNode*>(std::as_const(*this).find_node(id));
}

std::string Pipeline::to_dot(const OpRegistry& registry) const {
  std::string out =
      "digraph \"" + record_escape(metadata.name.empty() ? "pipeline" : metadata.name) +
      "\" {\n  rankdir=TB;\n  node [shape=Mrecord, fontname=\"Helvetica\", fontsize=11];\n";
  std::vector<std::vector<std::string>> ins(nodes.size()), outs(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const PipelineNode& n = nodes[i];
    OpPtr op = registry.find(n.op);
    ins[i] = port_names(*this, n, op.get(), false);
    outs[i] = port_names(*this, n, op.get(), true);
    std::string title =
        record_escape(n.label.empty() ? n.id : n.label) + "\\n(" + record_escape(n.op) + ")";
    std::string label = "{" + (ins[i].empty() ? "" : port_row(ins[i], 'i') + "|") + title +
                        (outs[i].empty() ? "" : "|" + port_row(outs[i], 'o')) + "}";
    out += "  n" + std::to_string(i) + " [label=\"" + label + "\"" + (op ? "" : ", color=red") +
           "];\n";
  }
  for (const PipelineEdge& e : edges) {
    auto from = std::find_if(nodes.begin(), nodes.end(),
                             [&](const auto& n) { return n.id == e.from.node; });
    auto to =
        std::find_if(nodes.begin(), nodes.end(), [&](const auto& n) { return n.id == e.to.node; });
    if (from == nodes.end() || to == nodes.end()) continue;
    auto fi = static_cast<std::size_t>(from - nodes.begin()),
         ti = static_cast<std::size_t>(to - nodes.begin());
    out += "  n" + std::to_string(fi) + ":o" + std::to_string(port_index(outs[fi], e.from.port)) +
           " -> n" + std::to_string(ti) + ":i" + std::to_string(port_index(ins[ti], e.to.port)) +
           ";\n";
  }
  return out + "}\n";
}

}  // namespace shoal
