// The ops Parquet graphs name: parquet.read and parquet.write. They are
// registered in the global registry when the library loads, so a worker
// that links Shoal::parquet runs them by name.
#pragma once

namespace shoal::parquet {

/// Registers the ops once (later calls do nothing); read_parquet and
/// to_parquet call it, so even a static link registers them.
void register_ops();

}  // namespace shoal::parquet
