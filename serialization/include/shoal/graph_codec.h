// Task graphs to bytes and back, through serialization/schema/graph.capnp.
//
// Ops travel by name. Decoding resolves each name through
// OpRegistry::global(); a name this process does not know decodes to a
// placeholder op of that name which is not registered, so that
// Graph::validate() reports "unknown op 'x' in task ..." before anything runs
// (and running it throws, naming the op).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "shoal/decode_error.h"
#include "shoal/graph.h"

namespace shoal {

/// Encodes every task (key, op name, arguments, parameters, prelude) in
/// insertion order. Throws EncodeError for an op that is local_only (a C++
/// lambda cannot leave its process) or a custom literal.
std::vector<std::byte> encode_graph(const Graph& graph);

/// Decodes what encode_graph wrote; throws DecodeError on invalid bytes.
/// Structural problems of a well-formed graph (cycles, missing keys, unknown
/// ops) are not decoding errors: Graph::validate() reports them.
Graph decode_graph(std::span<const std::byte> bytes, const DecodeLimits& limits = {});

}  // namespace shoal
