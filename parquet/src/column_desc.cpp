#include "column_desc.h"

#include "bit_io.h"

namespace shoal::parquet {
namespace {

using format::ConvertedType;
using format::Type;

[[noreturn]] void unsupported(const format::SchemaElement& e, const std::string& why) {
  throw FormatError("column '" + e.name + "': " + why);
}

void as_int(const format::SchemaElement& e, ColumnDesc& d) {
  d.dtype = DataType::kInt64;
  bool is_unsigned = false;
  if (e.__isset.logicalType && e.logicalType.__isset.INTEGER) {
    is_unsigned = !e.logicalType.INTEGER.isSigned;
  } else if (e.__isset.converted_type) {
    auto c = e.converted_type;
    is_unsigned = c == ConvertedType::UINT_8 || c == ConvertedType::UINT_16 ||
                  c == ConvertedType::UINT_32 || c == ConvertedType::UINT_64;
  }
  if (!is_unsigned)
    d.conversion = Conversion::kInt;
  else
    d.conversion = d.physical == Type::INT32 ? Conversion::kUInt32 : Conversion::kUInt64;
}

void as_timestamp(const format::SchemaElement& e, ColumnDesc& d, std::int64_t ns_per_unit) {
  if (d.physical != Type::INT64) unsupported(e, "a TIMESTAMP not stored as INT64");
  d.dtype = DataType::kTimestamp;
  d.conversion = Conversion::kUnitsToNs;
  d.ns_per_unit = ns_per_unit;
}

std::int64_t unit_ns(const format::TimeUnit& u) {
  if (u.__isset.MILLIS) return 1'000'000;
  if (u.__isset.MICROS) return 1'000;
  return 1;
}

void as_decimal(const format::SchemaElement& e, ColumnDesc& d, int scale) {
  if (d.physical == Type::FIXED_LEN_BYTE_ARRAY && (d.type_length < 1 || d.type_length > 16))
    unsupported(e, "a DECIMAL of " + std::to_string(d.type_length) + " bytes (at most 16)");
  if (scale < 0 || scale > 38) unsupported(e, "a DECIMAL of scale " + std::to_string(scale));
  d.dtype = DataType::kFloat64;
  d.conversion = Conversion::kDecimal;
  d.scale = scale;
}

// The logical type first; the converted type only when there is none.
bool map_logical(const format::SchemaElement& e, ColumnDesc& d) {
  if (!e.__isset.logicalType) return false;
  const format::LogicalType& l = e.logicalType;
  if (l.__isset.STRING || l.__isset.ENUM || l.__isset.JSON || l.__isset.BSON) {
    d.dtype = DataType::kString;
    d.conversion = Conversion::kBytes;
  } else if (l.__isset.INTEGER) {
    as_int(e, d);
  } else if (l.__isset.DATE) {
    d.dtype = DataType::kTimestamp;
    d.conversion = Conversion::kDaysToNs;
  } else if (l.__isset.TIMESTAMP) {
    as_timestamp(e, d, unit_ns(l.TIMESTAMP.unit));
  } else if (l.__isset.DECIMAL) {
    as_decimal(e, d, l.DECIMAL.scale);
  } else if (l.__isset.FLOAT16) {
    if (d.type_length != 2) unsupported(e, "a FLOAT16 that is not 2 bytes");
    d.dtype = DataType::kFloat64;
    d.conversion = Conversion::kFloat16;
  } else if (l.__isset.UUID) {
    if (d.type_length != 16) unsupported(e, "a UUID that is not 16 bytes");
    d.dtype = DataType::kString;
    d.conversion = Conversion::kUuid;
  } else if (l.__isset.TIME) {
    d.dtype = DataType::kInt64;  // the stored count of its unit since midnight
    d.conversion = Conversion::kInt;
  } else {
    return false;  // UNKNOWN (all nulls) and others: by the physical type
  }
  return true;
}

bool map_converted(const format::SchemaElement& e, ColumnDesc& d) {
  if (!e.__isset.converted_type) return false;
  switch (e.converted_type) {
    case ConvertedType::UTF8:
    case ConvertedType::ENUM:
    case ConvertedType::JSON:
    case ConvertedType::BSON:
      d.dtype = DataType::kString;
      d.conversion = Conversion::kBytes;
      return true;
    case ConvertedType::DATE:
      d.dtype = DataType::kTimestamp;
      d.conversion = Conversion::kDaysToNs;
      return true;
    case ConvertedType::TIMESTAMP_MILLIS:
      as_timestamp(e, d, 1'000'000);
      return true;
    case ConvertedType::TIMESTAMP_MICROS:
      as_timestamp(e, d, 1'000);
      return true;
    case ConvertedType::DECIMAL:
      as_decimal(e, d, e.scale);
      return true;
    case ConvertedType::INTERVAL:
      unsupported(e, "an INTERVAL, which Shoal has no type for");
    default:
      if (d.physical == Type::INT32 || d.physical == Type::INT64) as_int(e, d);
      return d.physical == Type::INT32 || d.physical == Type::INT64;
  }
}

void map_physical(const format::SchemaElement& e, ColumnDesc& d) {
  switch (d.physical) {
    case Type::BOOLEAN:
      d.dtype = DataType::kBool;
      d.conversion = Conversion::kBool;
      break;
    case Type::INT32:
    case Type::INT64:
      d.dtype = DataType::kInt64;
      d.conversion = Conversion::kInt;
      break;
    case Type::INT96:
      d.dtype = DataType::kTimestamp;
      d.conversion = Conversion::kInt96ToNs;
      break;
    case Type::FLOAT:
    case Type::DOUBLE:
      d.dtype = DataType::kFloat64;
      d.conversion = Conversion::kFloat;
      break;
    case Type::BYTE_ARRAY:
    case Type::FIXED_LEN_BYTE_ARRAY:
      d.dtype = DataType::kString;
      d.conversion = Conversion::kBytes;
      break;
    default:
      unsupported(e, "physical type " + std::to_string(d.physical) + " is unknown");
  }
}

ColumnDesc leaf(const format::SchemaElement& e, int chunk) {
  ColumnDesc d;
  d.name = e.name;
  d.chunk = chunk;
  if (!e.__isset.type) unsupported(e, "a leaf without a physical type");
  d.physical = e.type;
  d.type_length = e.__isset.type_length ? e.type_length : 0;
  if (d.physical == Type::FIXED_LEN_BYTE_ARRAY && d.type_length <= 0)
    unsupported(e, "a FIXED_LEN_BYTE_ARRAY without a positive type_length");
  d.optional =
      !e.__isset.repetition_type || e.repetition_type != format::FieldRepetitionType::REQUIRED;
  map_physical(e, d);
  if (!map_logical(e, d)) map_converted(e, d);
  return d;
}

}  // namespace

std::vector<ColumnDesc> describe_columns(const std::vector<format::SchemaElement>& schema) {
  std::vector<ColumnDesc> out;
  // A depth-first walk: each group's num_children elements follow it.
  std::size_t i = 1;
  int chunk = 0;
  std::int64_t top = schema.empty() ? 0 : schema[0].num_children;
  for (std::int64_t c = 0; c < top; ++c) {
    if (i >= schema.size()) throw FormatError("the schema ends before its root's children do");
    const format::SchemaElement& e = schema[i];
    bool group = e.__isset.num_children && e.num_children > 0;
    if (!group && !(e.__isset.repetition_type &&
                    e.repetition_type == format::FieldRepetitionType::REPEATED)) {
      out.push_back(leaf(e, chunk++));
      ++i;
      continue;
    }
    ColumnDesc d;
    d.name = e.name;
    d.chunk = chunk;
    d.nested = group ? "a nested (group) column" : "a repeated column";
    // Skip the whole subtree, counting its leaves (column chunks).
    std::int64_t pending = 1;
    while (pending > 0) {
      if (i >= schema.size()) throw FormatError("the schema ends inside column '" + e.name + "'");
      const format::SchemaElement& s = schema[i++];
      --pending;
      if (s.__isset.num_children && s.num_children > 0) {
        if (s.num_children > static_cast<std::int64_t>(schema.size()))
          throw FormatError("column '" + s.name + "' claims more children than the schema holds");
        pending += s.num_children;
      } else {
        ++chunk;
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace shoal::parquet
