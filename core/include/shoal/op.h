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

/// What an op sees of the task it runs in.
struct OpContext {
  const Key* key = nullptr;     ///< The task's key.
  std::string_view worker;      ///< The worker's name; "inline" for InlineExecutor.
};

/// A typed input or output port. `type` is a value kind name ("any", "int64",
/// "float64", "number", "string", "bytes", "list", "table", "tensor", "bool").
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
  std::optional<double> min, max;  ///< For kInt and kFloat.
  std::vector<std::string> choices;  ///< For kChoice.
  std::string doc;
};

using OpFunction = std::function<Value(OpContext&, std::span<const Value>, const Params&)>;

struct Op {
  std::string name;
  std::string doc;
  std::string group = "General";  ///< Palette group.
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs{PortSpec{"out"}};
  std::vector<ParamSpec> params;
  OpFunction fn;
  bool local_only = false;  ///< Holds in-process state (a lambda): no remote runs.
};

using OpPtr = std::shared_ptr<const Op>;

/// The ops a process knows, by name. Thread-safe. The global registry holds
/// the built-in ops, ops registered with SHOAL_FUNCTION and plugins' ops.
class OpRegistry {
 public:
  /// The process-wide registry; the built-in ops are registered on first use.
  static OpRegistry& global();

  /// Adds an op. Throws shoal::Error when the name is empty, has no function,
  /// or is taken (naming `origin` and the earlier op's origin).
  OpPtr add(Op op, std::string origin = "built-in");
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
