// Scan fusion (private to core): a read_csv block and the partition-local
// work on it, run as one task that never holds the parsed block.
//
// A DataFrame graph reads each CSV block with one `dataframe.csv_block`
// task and then, often, filters, assigns, projects, joins it with a
// broadcast table and reduces it to a partial aggregate or a row count. Run
// as written, every block is parsed into a whole table (tens of MB, freshly
// faulted in) that lives only until the next task reads it. fuse_scans()
// rewrites each such chain into one `dataframe.csv_scan` task that parses
// the block a chunk at a time (kCsvChunkBytes) and pushes each chunk
// through the same ops, so the working set is one chunk, in cache.
//
// Only row-local steps fuse, because they give the same rows chunk by
// chunk as on the whole block: filter, assign, project, and a merge whose
// left side is the block and whose right side is another task's table
// (inner or left join: rows come out in left order). A chain may end in a
// reduction whose chunk results merge exactly: agg_partial (chunk partials
// combined by agg_combine, as the tree above would) or num_rows (summed).
// Otherwise the chunk results are concatenated. Values are those of the
// unfused graph; float sums may differ in the last bits, as with any other
// partitioning.
//
// The fused task keeps the key of the chain's last task, so outputs and
// dependents are untouched. A block task that is an output, or that more
// than one task reads, is left alone (fusing would parse it twice).
#pragma once

#include <span>

#include "shoal/graph.h"
#include "shoal/key.h"
#include "shoal/op.h"

namespace shoal::detail {

/// The graph with every fusable csv_block chain replaced by one csv_scan
/// task (see above). Tasks outside such chains are copied unchanged.
Graph fuse_scans(const Graph& graph, std::span<const Key> outputs);

/// Registers dataframe.csv_scan.
void register_csv_scan_op(OpRegistry& r);

}  // namespace shoal::detail
