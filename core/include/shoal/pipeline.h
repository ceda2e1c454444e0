// Pipeline: what the studio edits and `shoal run` runs — operator nodes with
// parameters and a position, and edges from an output port of one node to an
// input port of another.
//
//   Pipeline p;
//   p.metadata.name = "example";
//   p.add_node({.id = "read", .op = "table.read_csv", .params = {{"path", "sales-*.csv"}}});
//   p.add_node({.id = "big", .op = "table.filter", .params = {{"expr", "amount > 100"}}});
//   p.connect({"read", "out"}, {"big", "table"});
//   for (const PipelineProblem& pr : p.problems()) std::cerr << pr.message << "\n";
//   LoweredPipeline low = lower(p);  // the tasks DataFrame's read_csv + filter make
//   std::vector<Key> keys = low.output_keys();
//   auto sinks = low.sink_values(executor.run(low.optimized(), keys));
//
// Nodes are collection steps: each table.*, list.* and tensor.* node lowers
// by calling the DataFrame, Bag or Array method it names, so its output is a
// collection of many partitions and the pipeline builds the same tasks (and
// fusions) as the equivalent C++ program. Nodes of plain ops stay one task.
//
// A Pipeline is a plain value: copy it, edit it, compare it. It checks
// nothing while it is built; problems() reports everything that would stop
// it from running, each problem naming the node it concerns, and lower()
// refuses a pipeline with problems. Files: serialization/'s pipeline_file.h
// (`*.shoal.json`).
//
// Not thread-safe for concurrent mutation; const methods may be called from
// many threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "shoal/array.h"
#include "shoal/bag.h"
#include "shoal/dataframe.h"
#include "shoal/error.h"
#include "shoal/executor.h"
#include "shoal/graph.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/params.h"

namespace shoal {

/// The version of the pipeline format this build writes, and the newest it
/// reads. Raise it when a change would make older builds misread new files.
/// 2: nodes run on partitions (the table.*, list.* and tensor.* nodes lower
/// through DataFrame, Bag and Array); a format 1 file is read and migrated
/// (see pipeline_file.h).
inline constexpr std::uint32_t kPipelineFormatVersion = 2;

/// One operator of a pipeline.
struct PipelineNode {
  std::string id;  ///< Unique within the pipeline, e.g. "read_sales".
  std::string op;  ///< A registered op's name.
  Params params;   ///< The op's parameters; missing ones take the op's defaults.
  double x = 0;    ///< Position on the studio's canvas (scene units, y down).
  double y = 0;
  std::string label;  ///< Shown instead of the id when not empty.
  friend bool operator==(const PipelineNode&, const PipelineNode&) = default;
};

/// A port of a node: ("a", "out").
struct PortRef {
  std::string node;
  std::string port;
  friend bool operator==(const PortRef&, const PortRef&) = default;
};

/// Data flows from an output port to an input port.
struct PipelineEdge {
  PortRef from;  ///< An output port.
  PortRef to;    ///< An input port.
  friend bool operator==(const PipelineEdge&, const PipelineEdge&) = default;
};

struct PipelineMetadata {
  std::string name;
  std::string description;
  friend bool operator==(const PipelineMetadata&, const PipelineMetadata&) = default;
};

/// One reason a pipeline cannot run, about one node.
struct PipelineProblem {
  enum class Kind {
    kBadNode,        ///< Empty or duplicate node id.
    kUnknownOp,      ///< The op is not registered.
    kUnknownNode,    ///< An edge names a node that does not exist.
    kUnknownPort,    ///< An edge names a port the op does not have.
    kMissingParam,   ///< A required parameter is not set.
    kUnknownParam,   ///< A parameter the op does not declare.
    kParamType,      ///< A parameter of the wrong kind.
    kParamRange,     ///< A number outside [min, max].
    kParamChoice,    ///< A choice that is not one of the op's choices.
    kUnconnected,    ///< A required input port has no edge.
    kTooManyInputs,  ///< A port that is not variadic has several edges.
    kTypeMismatch,   ///< An edge joins ports of incompatible types.
    kCycle,          ///< The node is on a cycle.
  };
  Kind kind;
  std::string node;     ///< The id of the node concerned.
  std::string message;  ///< A full sentence naming the node, what is wrong and what to do.
};

/// The name of a kind, e.g. "unknown-op", for machine-readable output.
std::string_view problem_kind_name(PipelineProblem::Kind kind) noexcept;

/// A pipeline that cannot be lowered; what() lists every problem, one a line.
class PipelineError : public Error {
 public:
  explicit PipelineError(std::vector<PipelineProblem> problems);
  const std::vector<PipelineProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<PipelineProblem> problems_;
};

class Pipeline {
 public:
  PipelineMetadata metadata;
  std::vector<PipelineNode> nodes;  ///< In the order they were added (and saved).
  std::vector<PipelineEdge> edges;  ///< Into a variadic port, in argument order.

  /// Appends a node; returns it. Checks nothing (see problems()).
  PipelineNode& add_node(PipelineNode node);
  /// Appends an edge from an output port to an input port.
  void connect(PortRef from, PortRef to);
  /// nullptr when there is no node of that id.
  const PipelineNode* find_node(std::string_view id) const noexcept;
  PipelineNode* find_node(std::string_view id) noexcept;

  /// Every problem that would stop the pipeline from running, in node order,
  /// resolving ops through `registry`. Empty when it can run.
  std::vector<PipelineProblem> problems(const OpRegistry& registry = OpRegistry::global()) const;

  /// The pipeline in Graphviz DOT: a record per node with its input ports on
  /// top and output ports below, edges port to port. Needs no registry for
  /// ports that edges use; ports of known ops are all drawn.
  std::string to_dot(const OpRegistry& registry = OpRegistry::global()) const;

  friend bool operator==(const Pipeline&, const Pipeline&) = default;
};

/// One value that a task of a graph computes: what a node of a plain op
/// (one task) gives, and what a collection becomes when a plain op reads it
/// whole.
struct LazyValue {
  std::vector<std::shared_ptr<const Graph>> layers;
  Key key;
};

/// What a node's output port carries: a collection of partitions, or one
/// value. The port's type says which ("dataframe", "bag", "array", or a
/// value kind such as "table", "list", "int64", "any").
using NodeOutput = std::variant<DataFrame, Bag, Array, LazyValue>;

/// The value kind a NodeOutput holds: "dataframe", "bag", "array" or "value".
std::string_view output_kind(const NodeOutput& output) noexcept;

/// How an edge's value meets the port it enters:
///  - a collection into a port of the same collection type passes as it is;
///  - a collection into a port of a value type ("table", "list", "tensor",
///    "any", ...) is gathered into one value by one task (its partitions
///    concatenated): the one place a pipeline holds a node's data whole;
///  - a list value into a "bag" port becomes a Bag of one partition;
///  - any other pairing is a type mismatch, which problems() reports (a
///    table or tensor value cannot become a DataFrame or Array: its schema
///    or shape is not known before it runs).
/// Lowering functions (Op::lower) see their inputs through this class and
/// set their outputs on it.
class NodeLowering {
 public:
  virtual ~NodeLowering() = default;
  /// The node being lowered.
  virtual const PipelineNode& node() const noexcept = 0;
  /// The node's parameters with the op's defaults filled in and relative
  /// kPath parameters resolved against the pipeline's directory.
  virtual const Params& params() const noexcept = 0;
  /// Whether an edge enters input port `port`.
  virtual bool has_input(std::string_view port) const = 0;
  /// The input of `port` as a collection (see the class comment for the
  /// conversions); throws shoal::Error naming the node and the port when
  /// nothing is connected or the kind does not convert.
  virtual const DataFrame& dataframe(std::string_view port) = 0;
  virtual const Bag& bag(std::string_view port) = 0;
  virtual const Array& array(std::string_view port) = 0;
  /// The input of `port` as one value, gathering a collection.
  virtual LazyValue value(std::string_view port) = 0;
  /// Sets output port `port` (the op's only output when empty).
  virtual void set_output(NodeOutput output, std::string_view port = {}) = 0;
  /// An error naming the node (and the parameter, when given) with `message`.
  [[noreturn]] void fail(std::string_view param, const std::string& message) const;
};

/// A pipeline lowered to tasks, with what each node became.
struct LoweredNode {
  std::string id;
  /// The node's outputs, by port name, in the op's port order.
  std::vector<std::pair<std::string, NodeOutput>> outputs;
  /// The tasks this node added to the graph (a node whose work fuses into
  /// its reader's tasks, such as a Bag's map, adds none).
  std::vector<Key> tasks;
  /// The keys of the partitions of its first output (one key for a value).
  std::vector<Key> partitions;
};

struct LoweredPipeline {
  /// Every task of every node, unfused (the graph the studio draws).
  Graph graph;
  /// Every node, in pipeline order.
  std::vector<LoweredNode> nodes;
  /// The ids of the nodes nothing reads (the pipeline's results), in node
  /// order: what shoal run computes.
  std::vector<std::string> sinks;

  /// nullptr when there is no node of that id.
  const LoweredNode* node(std::string_view id) const noexcept;
  /// The id of the node that added the task of `key`; empty when none did.
  const std::string& node_of(const Key& key) const noexcept;
  /// The keys to compute for the sinks: the partitions of each sink's first
  /// output, sink after sink.
  std::vector<Key> output_keys() const;
  /// The graph to run for output_keys(): culled, with the collections'
  /// fusions applied (scan fusion of CSV reads, blockwise array fusion), as
  /// the collections' compute() would run it. `absorbed`, when given,
  /// receives for each fused task the keys of the tasks it took in.
  Graph optimized(std::unordered_map<Key, std::vector<Key>, KeyHash>* absorbed = nullptr) const;
  /// The value of each sink from the values of output_keys() (in that
  /// order): a DataFrame's partitions concatenated into a Table, a Bag's
  /// into a List, an Array's chunks assembled into a Tensor, a value as it is.
  std::vector<std::pair<std::string, Value>> sink_values(std::span<const Value> values) const;

  std::unordered_map<Key, std::string, KeyHash> task_node;  ///< Filled by lower().
};

/// Lowers a pipeline into a task graph. Nodes are lowered in an order where
/// every node comes after those it reads. A node of an op with a lowering
/// (Op::lower: the table.*, list.* and tensor.* node ops) calls the
/// collection methods it names, so a pipeline builds the same tasks, with
/// the same fusions, as the C++ program written with the collections. A node
/// of a plain op becomes one task whose arguments are its input ports in
/// order (an unconnected optional port passes null; a variadic port passes
/// every edge into it, in edge order), collections gathered into values; an
/// edge from output port i > 0 of such an op reads item i of its (list)
/// result through a `getitem` task. Keys are tokens of op, parameters and
/// inputs, never of ids, labels or positions, so equal work gets equal keys
/// and unchanged nodes keep theirs across edits. A relative path in a kPath
/// parameter is resolved against `base_dir` when it is given (the
/// directory of the pipeline's file). Throws PipelineError when
/// problems(registry) is not empty, and shoal::Error naming the node when
/// its lowering refuses its inputs or parameters (a column that does not
/// exist, a file that is missing).
LoweredPipeline lower(const Pipeline& pipeline, const OpRegistry& registry = OpRegistry::global(),
                      const std::string& base_dir = {});

/// The first `n` rows (or elements, or the whole value) of node `id`'s first
/// output, computing only the partitions needed, one at a time: a preview.
Value preview(const LoweredPipeline& lowered, std::string_view id, std::size_t n,
              Executor& executor);

}  // namespace shoal
