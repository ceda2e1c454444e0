// Internal: what the process itself uses, for the memory limits of the
// LocalCluster (local/held_results.h) and of remote workers.
#pragma once

#include <cstdint>

namespace shoal::actors {

/// Bytes of this process's resident memory (/proc/self/statm); 0 if unknown.
std::uint64_t resident_bytes();

}  // namespace shoal::actors
