// Stored Parquet values to Shoal values: integers widened, timestamps to
// nanoseconds, decimals and halves to float64, bytes to strings.
#pragma once

#include "column_desc.h"
#include "decoders.h"
#include "shoal/column_builder.h"

namespace shoal::parquet {

/// Appends every value of `v` to `out` (of type d.dtype). Throws
/// FormatError when a value has no Shoal equivalent (an unsigned 64-bit
/// value above INT64_MAX, a timestamp outside timestamp[ns]'s range).
void append_values(const ColumnDesc& d, const Values& v, ColumnBuilder& out);

/// A decimal's unscaled big-endian two's complement bytes (1..16) as a
/// float64 divided by 10^scale.
double decimal_from_bytes(std::string_view be, int scale);

}  // namespace shoal::parquet
