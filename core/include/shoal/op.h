// Op: a named function that a task runs, with the metadata that the studio
// palette, validation and remote placement read.
//
// Ops travel by name: a graph names its ops, and a worker runs a task only if
// the op is registered there (built in, or from a plugin). An op made from a
// C++ lambda (see delayed.h) is `local_only`: in-process executors run it, a
// remote cluster refuses the graph.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shoal/params.h"
#include "shoal/value.h"

namespace shoal {

class Key;
class NodeLowering;
class OpRegistry;
class OpStates;
struct Op;

/// What an op sees of the task it runs in. Executors fill `worker`, `states`
/// and `registry`; run_task() fills `key` and `state`.
struct OpContext {
  const Key* key = nullptr;  ///< The task's key.
  std::string_view worker;   ///< The worker's name; "inline" for InlineExecutor.
  /// Where the worker keeps the state of stateful ops (Op::make_state). When
  /// null, a stateful op gets a fresh state for each call.
  OpStates* states = nullptr;
  /// When set, ops run by name: run_task() runs the op of the task's op name
  /// registered here (the worker's own op set) instead of the task's op
  /// object, as a remote worker would. local_only ops still run as they are.
  const OpRegistry* registry = nullptr;
  /// The running op's state on this worker (what its make_state() returned),
  /// or null for an op without state. Set by run_task() before the op runs.
  void* state = nullptr;
};

/// A typed input or output port. `type` is a value kind name ("any", "int64",
/// "float64", "number", "string", "bytes", "list", "table", "tensor", "bool")
/// or, for the pipeline node ops that lower through the collections, a
/// collection: "dataframe", "bag" or "array" (shoal/pipeline.h says how
/// values and collections meet at an edge).
struct PortSpec {
  std::string name;
  std::string type = "any";
  std::string doc;
  bool required = true;
  bool variadic = false;  ///< Takes any number of inputs (last port only).
};

/// A parameter an op accepts.
struct ParamSpec {
  enum class Type { kBool, kInt, kFloat, kString, kPath, kChoice, kList, kAny };
  std::string name;
  Type type = Type::kAny;
  Value default_value;  ///< Null = no default.
  bool required = false;
  std::optional<double> min, max;    ///< For kInt and kFloat.
  std::vector<std::string> choices;  ///< For kChoice.
  std::string doc;
};

using OpFunction = std::function<Value(OpContext&, std::span<const Value>, const Params&)>;
/// How a pipeline node of an op becomes tasks (see NodeLowering in
/// shoal/pipeline.h): it reads the node's inputs and parameters and sets its
/// outputs, by calling the collections' methods.
using NodeLoweringFunction = std::function<void(NodeLowering&)>;

struct Op {
  std::string name;
  std::string doc;
  std::string group = "General";  ///< Palette group.
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs{
      PortSpec{"out", "any", "", true, false}};  // every field: users build with -Wextra
  std::vector<ParamSpec> params;
  /// What a task of this op runs. Empty for a node op (one with `lower`),
  /// which pipelines lower into the collections' tasks and no task names.
  OpFunction fn;
  /// Set for a pipeline node op ("table.read_csv", "list.map", ...): how a
  /// node of it lowers (shoal/pipeline.h). Nodes of ops without it become
  /// one task of `fn` each.
  NodeLoweringFunction lower;
  /// A task op of a collection's graphs ("dataframe.csv_block",
  /// "array.reduce_partial", ...): palettes do not offer it to pipelines.
  bool internal = false;
  bool local_only = false;  ///< Holds in-process state (a lambda): no remote runs.
  /// Set for a stateful op: creates the state a worker keeps for this op (a
  /// lookup table, a model, a connection). A worker calls it once, before the
  /// op's first task there, keeps the result between tasks and destroys it
  /// when the worker stops; `fn` finds it in OpContext::state. Tasks of the
  /// op may run on several of the worker's threads at once, so `fn` must
  /// only read the state or synchronize its writes. May throw: that task
  /// fails, and the next task tries again.
  std::function<std::shared_ptr<void>()> make_state;
};

using OpPtr = std::shared_ptr<const Op>;

/// The states of stateful ops on one worker, created on first use and
/// destroyed with this object (that is, with the worker). Thread-safe.
class OpStates {
 public:
  OpStates() = default;
  OpStates(const OpStates&) = delete;
  OpStates& operator=(const OpStates&) = delete;

  /// The state of `op` here; calls op->make_state() the first time (once,
  /// even when several threads ask at once). nullptr for an op without state.
  void* get(const OpPtr& op);
  /// How many states are held.
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  // The op is kept alive with its state: the state's destructor may be the
  // op's code, and a reused address must not find another op's state.
  std::unordered_map<const Op*, std::pair<OpPtr, std::shared_ptr<void>>> states_;
};

/// The ops a process (or one worker) knows, by name. Thread-safe. The global
/// registry holds the built-in ops, ops registered with SHOAL_FUNCTION and
/// the ops of plugins loaded into it. A registry of one's own, copied from
/// the global one and given a plugin (load_plugin), is how one LocalCluster
/// worker gets ops the others lack.
class OpRegistry {
 public:
  OpRegistry() = default;
  /// A registry holding the same ops (the same Op objects) and origins as
  /// `other` holds now; later changes to either are not shared.
  OpRegistry(const OpRegistry& other);
  OpRegistry& operator=(const OpRegistry&) = delete;

  /// The process-wide registry; the built-in ops are registered on first use.
  static OpRegistry& global();

  /// Adds an op. Throws shoal::Error when the name is empty, it has neither
  /// a function nor a lowering, or the name is taken (naming `origin` and
  /// the earlier op's origin).
  OpPtr add(Op op, std::string origin = "built-in");
  /// Adds every op, or none: throws shoal::Error (and adds nothing) when
  /// any of them could not be added alone, or two of them share a name.
  std::vector<OpPtr> add_all(std::vector<Op> ops, const std::string& origin);
  /// nullptr when absent.
  OpPtr find(std::string_view name) const;
  /// Throws shoal::Error naming the op and suggesting `shoal ops`.
  OpPtr get(std::string_view name) const;
  std::vector<OpPtr> list() const;  ///< Sorted by name.
  std::string origin(std::string_view name) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::pair<OpPtr, std::string>> ops_;
};

}  // namespace shoal
