// How a node's output meets the port that reads it (private to core; the
// rules are stated on NodeLowering in shoal/pipeline.h): a collection
// gathered into one value by one task, a list value made a one-partition
// Bag, and the kinds port types name.
#pragma once

#include <string>
#include <string_view>

#include "shoal/pipeline.h"

namespace shoal::detail {

/// The collection a port type names ("dataframe", "bag", "array"), or "value".
std::string_view port_kind(std::string_view port_type) noexcept;

/// One task of `op` over `keys` (each an argument), in a layer of its own
/// after `layers`; its key is op's name after the dot, a dash and a token.
LazyValue one_task(std::vector<std::shared_ptr<const Graph>> layers, const char* op,
                   const std::vector<Key>& keys);

/// The output as one value: itself for a value; otherwise one task that
/// gathers the partitions (a DataFrame's concatenated, a Bag's lists joined,
/// an Array rechunked to one chunk).
LazyValue gather(const NodeOutput& output);

/// The output as a Bag: itself, or a one-partition Bag of a (list) value.
/// Throws shoal::Error naming `where` for a DataFrame or an Array.
Bag as_bag(const NodeOutput& output, const std::string& where);

/// The keys of the output's partitions: the chunks, the partitions, the one
/// value; a Bag whose partitions are still fused steps gets its tasks now.
std::vector<Key> partition_keys(const NodeOutput& output);

/// Whether the output is a Bag whose partitions are still element-wise steps
/// (or text blocks) that its reader's tasks will run: it has no tasks yet.
bool has_pending_steps(const NodeOutput& output);

/// Every layer of the output's graph (a Bag's pending steps made tasks when
/// `materialize`).
std::vector<std::shared_ptr<const Graph>> layers_of(const NodeOutput& output, bool materialize);

}  // namespace shoal::detail
