// The graph rewrite of blockwise fusion (see array_fusion.h): which tasks
// are absorbed, and the program each fused task runs.
#include "array/fusion.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "shoal/op.h"

namespace shoal::detail {
namespace {

bool is_producer(const Task& t) {
  return !t.prelude && t.params &&
         (t.op_name() == "array.random" || t.op_name() == "array.elementwise");
}

/// A task whose arguments are plain references and literals, of an op that
/// can run a program.
bool is_consumer(const Task& t) {
  if (t.prelude || !t.params ||
      (t.op_name() != "array.elementwise" && t.op_name() != "array.reduce_partial"))
    return false;
  for (const Arg& a : t.args)
    if (a.is_list()) return false;
  return true;
}

/// Which tasks are absorbed into their only dependent.
std::vector<bool> absorbed_tasks(const Graph& g, std::span<const Key> outputs) {
  const auto& tasks = g.tasks();
  std::vector<std::size_t> dependents(tasks.size(), 0), dependent(tasks.size(), 0);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (const Key& k : tasks[i].dependencies()) {
      std::ptrdiff_t p = g.position(k);
      if (p >= 0)
        ++dependents[static_cast<std::size_t>(p)], dependent[static_cast<std::size_t>(p)] = i;
    }
  }
  std::unordered_set<Key, KeyHash> out(outputs.begin(), outputs.end());
  std::vector<bool> absorbed(tasks.size(), false);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    absorbed[i] = is_producer(tasks[i]) && dependents[i] == 1 && is_consumer(tasks[dependent[i]]) &&
                  !out.count(tasks[i].key);
  }
  return absorbed;
}

/// Builds the program and arguments of one fused task.
class ProgramBuilder {
 public:
  ProgramBuilder(const Graph& g, const std::vector<bool>& absorbed) : g_(g), absorbed_(absorbed) {}

  /// The program of root, whose absorbed producers are inlined.
  void build(const Task& root) {
    if (root.op_name() == "array.reduce_partial") {
      std::int64_t in = operand(root.args[0]);
      const Params& p = *root.params;
      add_node({Value("reduce"), Value(in), Value(arg(root.args[1])), p.at("func"), p.at("reduced"),
                p.at("shape")});
    } else {
      inline_task(root);
    }
  }

  List take_program() { return std::move(program_); }
  std::vector<Arg> take_args() { return std::move(args_); }

 private:
  std::int64_t add_node(List node) {
    program_.emplace_back(std::move(node));
    return static_cast<std::int64_t>(program_.size()) - 1;
  }

  std::int64_t arg(const Arg& a) {
    args_.push_back(a);
    return static_cast<std::int64_t>(args_.size()) - 1;
  }

  /// The node of an operand: a scalar, an inlined task, or an input. A key
  /// used twice (x + x) is one node.
  std::int64_t operand(const Arg& a) {
    if (a.is_literal()) return add_node({Value("scalar"), Value(arg(a))});
    if (auto it = node_of_.find(a.ref()); it != node_of_.end()) return it->second;
    std::ptrdiff_t p = g_.position(a.ref());
    std::int64_t node = p >= 0 && absorbed_[static_cast<std::size_t>(p)]
                            ? inline_task(g_.tasks()[static_cast<std::size_t>(p)])
                            : add_node({Value("input"), Value(arg(a))});
    node_of_.emplace(a.ref(), node);
    return node;
  }

  std::int64_t inline_task(const Task& t) {
    const Params& p = *t.params;
    if (t.op_name() == "array.random") {
      std::int64_t off = arg(t.args[0]), shape = arg(t.args[1]);
      return add_node({Value("random"), Value(off), Value(shape), p.at("dist"), p.at("seed"),
                       p.at("a"), p.at("b"), p.at("shape"), p.get_or("axes", Value(List{}))});
    }
    List operands;
    for (const Arg& a : t.args) operands.emplace_back(operand(a));
    return add_node({Value("fn"), p.at("fn"), Value(std::move(operands))});
  }

  const Graph& g_;
  const std::vector<bool>& absorbed_;
  List program_;
  std::vector<Arg> args_;
  std::unordered_map<Key, std::int64_t, KeyHash> node_of_;
};

}  // namespace

Graph fuse_blockwise(const Graph& g, std::span<const Key> outputs) {
  std::vector<bool> absorbed = absorbed_tasks(g, outputs);
  if (std::find(absorbed.begin(), absorbed.end(), true) == absorbed.end()) return g;
  OpPtr fused = OpRegistry::global().get("array.fused");
  // Tasks of one layer run the same program: they share one Params.
  std::unordered_map<std::string, std::shared_ptr<const Params>> programs;
  Graph out;
  out.reserve(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    const Task& t = g.tasks()[i];
    if (absorbed[i]) continue;
    bool root = is_consumer(t) && std::any_of(t.args.begin(), t.args.end(), [&](const Arg& a) {
                  std::ptrdiff_t p = a.is_ref() ? g.position(a.ref()) : -1;
                  return p >= 0 && absorbed[static_cast<std::size_t>(p)];
                });
    if (!root) {
      out.add(t);
      continue;
    }
    ProgramBuilder b(g, absorbed);
    b.build(t);
    Value program(b.take_program());
    auto& shared = programs[Tokenizer().add(program).hex()];
    auto params = shared && shared->at("program") == program
                      ? shared
                      : std::make_shared<const Params>(Params{{"program", program}});
    if (!shared) shared = params;
    out.add(Task{t.key, fused, b.take_args(), std::move(params), nullptr});
  }
  return out;
}

}  // namespace shoal::detail
