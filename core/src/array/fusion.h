// Blockwise fusion of array graphs, in the manner of Dask's
// optimize_blockwise, but streamed: a reduction's partial or an elementwise
// task absorbs the random chunks and elementwise tasks that feed only it,
// and the fused task ("array.fused") makes its chunk a tile of a few KiB at
// a time through all of them. A random chunk that is only reduced is then
// never held: no 32 MiB allocation, no page faults, no trip through memory.
// Internal to core.
//
// A fused task runs a *program*, the parameter "program": a list of nodes,
// each a list, the last one the result. Node operands name earlier nodes by
// position; chunk geometry and scalars are the task's arguments (by
// position), so one program serves every task of a layer.
//   ["input", arg]                      a chunk computed elsewhere
//   ["scalar", arg]                     a literal operand
//   ["random", off_arg, shape_arg, dist, seed, a, b, global_shape, axes]
//   ["fn", name, [node, ...]]           array.elementwise's fn
//   ["reduce", node, off_arg, func, reduced, global_shape]
//                                       array.reduce_partial (last only)
#pragma once

#include <span>

#include "shoal/graph.h"
#include "shoal/params.h"
#include "shoal/value.h"

namespace shoal::detail {

/// The graph with every chain of array.random / array.elementwise tasks
/// that feeds a single array.elementwise or array.reduce_partial task (and
/// nothing else, and is not an output) fused into that task, which keeps its
/// key. Other tasks are unchanged. Requires a valid graph.
Graph fuse_blockwise(const Graph& graph, std::span<const Key> outputs);

/// The op "array.fused": runs the program in params over args. Streams
/// tiles when every node is a float64 chunk of one shape (or a scalar) and
/// the result is a chunk or a sum/mean partial; otherwise evaluates node by
/// node with the unfused kernels. Either way the result equals the unfused
/// tasks' (sums up to rounding order).
Value run_fused(std::span<const Value> args, const Params& params);

}  // namespace shoal::detail
