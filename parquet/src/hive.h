// Hive-partitioned datasets: `year=2024/month=01/part-0.parquet` below the
// directory read_parquet was given. The `key=value` folders become columns
// (int64 when every value is an integer, else string;
// __HIVE_DEFAULT_PARTITION__ is null), added after the file's columns, and
// filters on them skip whole files.
#pragma once

#include <string>
#include <vector>

#include "shoal/column.h"
#include "shoal/parquet.h"
#include "shoal/table.h"
#include "shoal/value.h"

namespace shoal::parquet {

struct HiveKey {
  std::string name;
  DataType type = DataType::kString;
};

struct HiveLayout {
  std::vector<HiveKey> keys;
  std::vector<std::vector<Value>> values;  ///< Per file, one per key (null, int or string).
};

/// The layout of `paths`, each found below `roots[i]` ("" when it was named
/// directly or by a glob: no hive keys). Throws shoal::Error naming a file
/// whose folders name other keys than the first file's.
HiveLayout hive_layout(const std::vector<std::string>& paths,
                       const std::vector<std::string>& roots);

/// Whether `value` (a file's partition value) satisfies the filter.
bool hive_matches(const Value& value, const ParquetFilter& f);

/// `t` with constant columns `names` (of `types`) of `values` appended.
Table with_hive_columns(const Table& t, const List& columns);

}  // namespace shoal::parquet
