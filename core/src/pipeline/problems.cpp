// Pipeline::problems(): everything that stops a pipeline from running, each
// problem naming its node.
#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "shoal/pipeline.h"

namespace shoal {
namespace {

using Kind = PipelineProblem::Kind;

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::string names_of(const std::vector<PortSpec>& ports) {
  if (ports.empty()) return "none";
  std::string out;
  for (const PortSpec& p : ports) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

const PortSpec* find_port(const std::vector<PortSpec>& ports, std::string_view name) {
  for (const PortSpec& p : ports) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// "number" accepts int64 and float64; "any" on either side accepts anything.
bool is_collection(const std::string& t) {
  return t == "dataframe" || t == "bag" || t == "array";
}

// The value a collection is gathered into when a value port reads it.
std::string gathered(const std::string& collection) {
  if (collection == "dataframe") return "table";
  if (collection == "bag") return "list";
  return "tensor";
}

// The rules of NodeLowering (shoal/pipeline.h): a collection into a value
// port is gathered; a list becomes a one-partition bag; a table or tensor
// value cannot become a DataFrame or an Array.
bool types_compatible(const std::string& out, const std::string& in) {
  if (out == in) return true;
  if (is_collection(out)) return in == "any" || in == gathered(out);
  if (is_collection(in)) return in == "bag" && (out == "list" || out == "any");
  if (out == "any" || in == "any") return true;
  auto numeric = [](const std::string& t) {
    return t == "int64" || t == "float64" || t == "number";
  };
  return (out == "number" || in == "number") && numeric(out) && numeric(in);
}

std::string mismatch_hint(const std::string& out, const std::string& in) {
  if (is_collection(in) && !is_collection(out))
    return "; a " + out + " value cannot become a " + in +
           " (its schema or shape is not known before it runs): connect a node that gives a " + in;
  return "; insert a conversion or connect another port";
}

std::string_view param_type_name(ParamSpec::Type t) {
  switch (t) {
    case ParamSpec::Type::kBool:
      return "a bool";
    case ParamSpec::Type::kInt:
      return "an int64";
    case ParamSpec::Type::kFloat:
      return "a number";
    case ParamSpec::Type::kString:
      return "a string";
    case ParamSpec::Type::kPath:
      return "a path (string)";
    case ParamSpec::Type::kChoice:
      return "a string";
    case ParamSpec::Type::kList:
      return "a list";
    case ParamSpec::Type::kAny:
      return "any value";
  }
  return "?";
}

bool has_type(const Value& v, ParamSpec::Type t) {
  switch (t) {
    case ParamSpec::Type::kBool:
      return v.is_bool();
    case ParamSpec::Type::kInt:
      return v.is_int();
    case ParamSpec::Type::kFloat:
      return v.is_number();
    case ParamSpec::Type::kString:
    case ParamSpec::Type::kPath:
    case ParamSpec::Type::kChoice:
      return v.is_string();
    case ParamSpec::Type::kList:
      return v.is_list();
    case ParamSpec::Type::kAny:
      return true;
  }
  return false;
}

std::string number_text(double d) {
  std::string s = std::to_string(d);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

class Checker {
 public:
  Checker(const Pipeline& p, const OpRegistry& r) : p_(p), registry_(r) {}

  std::vector<PipelineProblem> run() {
    check_nodes();
    for (const PipelineEdge& e : p_.edges) check_edge(e);
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      auto it = index_.find(p_.nodes[i].id);
      if (it != index_.end() && it->second == i) check_inputs(p_.nodes[i]);
    }
    check_cycles();
    std::stable_sort(out_.begin(), out_.end(), [&](const auto& a, const auto& b) {
      return position(a.node) < position(b.node);
    });
    return std::move(out_);
  }

 private:
  void add(Kind kind, const std::string& node, std::string message) {
    out_.push_back({kind, node, "node " + quoted(node) + ": " + std::move(message)});
  }

  std::size_t position(const std::string& id) const {
    auto it = index_.find(id);
    return it == index_.end() ? p_.nodes.size() : it->second;
  }

  void check_nodes() {
    for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
      const PipelineNode& n = p_.nodes[i];
      if (n.id.empty()) {
        add(Kind::kBadNode, n.id,
            "node number " + std::to_string(i + 1) + " has no id; give it one");
        continue;
      }
      if (!index_.emplace(n.id, i).second) {
        add(Kind::kBadNode, n.id, "the id is used by another node too; node ids must be unique");
        continue;
      }
      OpPtr op = registry_.find(n.op);
      if (!op) {
        add(Kind::kUnknownOp, n.id,
            "unknown op " + quoted(n.op) +
                " (`shoal ops` lists the known ops; a plugin may provide it)");
        continue;
      }
      if (op->internal) {
        add(Kind::kUnknownOp, n.id,
            "op " + quoted(n.op) +
                " is an internal task op of the collections, not a pipeline node (`shoal ops` "
                "lists the nodes)");
        continue;
      }
      ops_[n.id] = op;
      check_params(n, *op);
    }
  }

  void check_params(const PipelineNode& n, const Op& op) {
    for (const ParamSpec& spec : op.params) {
      const Value* v = n.params.find(spec.name);
      if (!v || v->is_null()) {
        if (spec.required && spec.default_value.is_null()) {
          add(Kind::kMissingParam, n.id,
              "op " + quoted(op.name) + " needs parameter " + quoted(spec.name) + "; set it");
        }
        continue;
      }
      check_param_value(n, spec, *v);
    }
    if (op.params.empty()) return;  // ops without a schema take what they read
    for (const auto& [name, value] : n.params) {
      bool known = std::any_of(op.params.begin(), op.params.end(),
                               [&](const ParamSpec& s) { return s.name == name; });
      if (!known) {
        std::string takes;
        for (const ParamSpec& s : op.params) takes += (takes.empty() ? "" : ", ") + s.name;
        add(Kind::kUnknownParam, n.id,
            "op " + quoted(op.name) + " has no parameter " + quoted(name) + " (it takes " + takes +
                ")");
      }
    }
  }

  void check_param_value(const PipelineNode& n, const ParamSpec& spec, const Value& v) {
    std::string what = "parameter " + quoted(spec.name);
    if (!has_type(v, spec.type)) {
      add(Kind::kParamType, n.id,
          what + " must be " + std::string(param_type_name(spec.type)) + ", not " +
              std::string(kind_name(v.kind())) + " " + v.repr());
      return;
    }
    if (v.is_number() &&
        (spec.type == ParamSpec::Type::kInt || spec.type == ParamSpec::Type::kFloat)) {
      double d = v.as_float();
      if ((spec.min && !(d >= *spec.min)) || (spec.max && !(d <= *spec.max))) {
        add(Kind::kParamRange, n.id,
            what + " is " + v.repr() + ", outside [" +
                (spec.min ? number_text(*spec.min) : "-inf") + ", " +
                (spec.max ? number_text(*spec.max) : "inf") + "]");
      }
    }
    if (spec.type == ParamSpec::Type::kChoice &&
        std::find(spec.choices.begin(), spec.choices.end(), v.as_string()) == spec.choices.end()) {
      std::string choices;
      for (const std::string& c : spec.choices) choices += (choices.empty() ? "" : ", ") + c;
      add(Kind::kParamChoice, n.id, what + " is " + v.repr() + "; choose one of: " + choices);
    }
  }

  // Returns the port spec of an endpoint, reporting unknown nodes and ports.
  const PortSpec* endpoint(const PortRef& ref, bool output, const PipelineEdge& e) {
    std::string edge =
        "edge " + e.from.node + "." + e.from.port + " -> " + e.to.node + "." + e.to.port;
    if (!index_.count(ref.node)) {
      const std::string& other = output ? e.to.node : e.from.node;
      add(Kind::kUnknownNode, index_.count(other) ? other : ref.node,
          edge + " names node " + quoted(ref.node) + ", which does not exist");
      return nullptr;
    }
    auto op = ops_.find(ref.node);
    if (op == ops_.end()) return nullptr;  // unknown op, reported already
    const auto& ports = output ? op->second->outputs : op->second->inputs;
    const PortSpec* spec = find_port(ports, ref.port);
    if (!spec) {
      add(Kind::kUnknownPort, ref.node,
          edge + ": op " + quoted(op->second->name) + " has no " + (output ? "output" : "input") +
              " port " + quoted(ref.port) + " (its " + (output ? "outputs" : "inputs") + ": " +
              names_of(ports) + ")");
    }
    return spec;
  }

  void check_edge(const PipelineEdge& e) {
    const PortSpec* from = endpoint(e.from, true, e);
    const PortSpec* to = endpoint(e.to, false, e);
    if (to) ++incoming_[e.to.node][e.to.port];
    if (from && to && !types_compatible(from->type, to->type)) {
      add(Kind::kTypeMismatch, e.to.node,
          "input " + quoted(e.to.port) + " takes " + to->type + " but " + e.from.node + "." +
              e.from.port + " gives " + from->type + mismatch_hint(from->type, to->type));
    }
  }

  void check_inputs(const PipelineNode& n) {
    auto op = ops_.find(n.id);
    if (op == ops_.end()) return;
    const auto& counts = incoming_[n.id];
    for (const PortSpec& port : op->second->inputs) {
      auto it = counts.find(port.name);
      int count = it == counts.end() ? 0 : it->second;
      if (count == 0 && port.required) {
        add(Kind::kUnconnected, n.id,
            "input " + quoted(port.name) + " (" + port.type +
                ") is not connected; connect an output to it");
      } else if (count > 1 && !port.variadic) {
        add(Kind::kTooManyInputs, n.id,
            "input " + quoted(port.name) + " has " + std::to_string(count) +
                " edges into it but takes one; remove all but one");
      }
    }
  }

  // Depth-first, iteratively (a long chain must not exhaust the stack).
  void check_cycles() {
    std::unordered_map<std::string, std::vector<std::string>> next;
    for (const PipelineEdge& e : p_.edges) {
      if (index_.count(e.from.node) && index_.count(e.to.node))
        next[e.from.node].push_back(e.to.node);
    }
    std::unordered_map<std::string, int> state;  // 1 = on the path, 2 = done
    for (const PipelineNode& n : p_.nodes) {
      if (!index_.count(n.id) || state[n.id] != 0) continue;
      std::vector<std::pair<std::string, std::size_t>> path{{n.id, 0}};
      state[n.id] = 1;
      while (!path.empty()) {
        auto& [id, child] = path.back();
        const auto& outs = next[id];
        if (child == outs.size()) {
          state[id] = 2;
          path.pop_back();
          continue;
        }
        const std::string to = outs[child++];
        if (state[to] == 1) {
          report_cycle(path, to);
        } else if (state[to] == 0) {
          state[to] = 1;
          path.emplace_back(to, 0);
        }
      }
    }
  }

  void report_cycle(const std::vector<std::pair<std::string, std::size_t>>& stack,
                    const std::string& to) {
    auto start =
        std::find_if(stack.begin(), stack.end(), [&](const auto& e) { return e.first == to; });
    std::string path;
    for (auto it = start; it != stack.end(); ++it) path += it->first + " -> ";
    add(Kind::kCycle, to,
        "is on a cycle (" + path + to + "); a pipeline must not loop, remove an edge");
  }

  const Pipeline& p_;
  const OpRegistry& registry_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_map<std::string, OpPtr> ops_;
  std::unordered_map<std::string, std::unordered_map<std::string, int>> incoming_;
  std::vector<PipelineProblem> out_;
};

}  // namespace

std::vector<PipelineProblem> Pipeline::problems(const OpRegistry& registry) const {
  return Checker(*this, registry).run();
}

}  // namespace shoal
