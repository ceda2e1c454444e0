// How one Parquet leaf column maps to a Shoal column: the physical type it is
// stored as, the Shoal type it becomes, and the conversion between them
// (from the logical type, or the legacy converted type when that is all
// there is).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parquet_types.h"
#include "shoal/column.h"

namespace shoal::parquet {

/// How stored values become Shoal values.
enum class Conversion : std::uint8_t {
  kBool,
  kInt,        ///< INT32 or INT64 as it is (signed)
  kUInt32,     ///< INT32 read as unsigned
  kUInt64,     ///< INT64 read as unsigned; values above INT64_MAX are refused
  kDaysToNs,   ///< DATE: days since 1970
  kUnitsToNs,  ///< TIMESTAMP: `ns_per_unit` × value
  kInt96ToNs,  ///< Impala / Spark: nanoseconds of the day, then the Julian day
  kFloat,      ///< FLOAT or DOUBLE
  kDecimal,    ///< unscaled two's complement / 10^scale, as float64
  kFloat16,    ///< IEEE half
  kBytes,      ///< BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY as a string
  kUuid,       ///< 16 bytes as 8-4-4-4-12 lowercase hex
};

struct ColumnDesc {
  std::string name;
  int chunk = 0;          ///< Index of its chunk in each row group.
  int physical = 0;       ///< format::Type
  int type_length = 0;    ///< For FIXED_LEN_BYTE_ARRAY.
  bool optional = false;  ///< Definition levels of max 1 precede its values.
  DataType dtype = DataType::kInt64;
  Conversion conversion = Conversion::kInt;
  std::int64_t ns_per_unit = 1;
  int scale = 0;
  std::string nested;  ///< Why the column cannot be read ("" = it can).
};

/// The top-level columns of a schema, in order. A nested or repeated column
/// is listed with `nested` saying why Shoal does not read it; a type Shoal
/// cannot map throws FormatError naming the column.
std::vector<ColumnDesc> describe_columns(const std::vector<format::SchemaElement>& schema);

}  // namespace shoal::parquet
