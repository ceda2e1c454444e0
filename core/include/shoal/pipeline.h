// Pipeline: what the studio edits and `shoal run` runs — operator nodes with
// parameters and a position, and edges from an output port of one node to an
// input port of another.
//
//   Pipeline p;
//   p.metadata.name = "example";
//   p.add_node({.id = "a", .op = "value", .params = {{"value", 20}}});
//   p.add_node({.id = "b", .op = "inc"});
//   p.connect({"a", "out"}, {"b", "x"});
//   for (const PipelineProblem& pr : p.problems()) std::cerr << pr.message << "\n";
//   LoweredPipeline low = lower(p);   // a task Graph, and a key per node
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
#include <string>
#include <string_view>
#include <vector>

#include "shoal/error.h"
#include "shoal/graph.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/params.h"

namespace shoal {

/// The version of the pipeline format this build writes, and the newest it
/// reads. Raise it when a change would make older builds misread new files.
inline constexpr std::uint32_t kPipelineFormatVersion = 1;

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

/// A pipeline lowered to tasks.
struct LoweredPipeline {
  Graph graph;
  /// The key of every node's result, by node id.
  std::map<std::string, Key> node_keys;
  /// The nodes nothing else reads (the pipeline's results), in node order,
  /// with their keys: what to compute.
  std::vector<std::pair<std::string, Key>> outputs;
  /// Just the output keys, in the order of outputs.
  std::vector<Key> output_keys() const;
};

/// Lowers a pipeline into a task graph: each node becomes a task of its op
/// whose arguments are its input ports in order (an unconnected optional
/// port passes null; a variadic port passes every edge into it, in edge
/// order) and whose parameters are the node's, with the op's defaults for
/// those not set. Keys are tokenized from the op, the parameters and the
/// inputs, so equal work gets equal keys. An edge from output port i > 0 of
/// an op with several outputs reads item i of its (list) result through a
/// `getitem` task. A relative path in a kPath parameter is resolved against
/// `base_dir` when it is given (the directory of the pipeline's file, so a
/// file and its data move together). Throws PipelineError when
/// problems(registry) is not empty.
LoweredPipeline lower(const Pipeline& pipeline, const OpRegistry& registry = OpRegistry::global(),
                      const std::string& base_dir = {});

}  // namespace shoal
