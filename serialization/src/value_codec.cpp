// Values, tables and tensors to Cap'n Proto (schema/value.capnp) and back.
#include "shoal/value_codec.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "message_io.h"
#include "shoal/column.h"
#include "shoal/tensor.h"
#include "value_capnp.h"

static_assert(
    std::endian::native == std::endian::little,
    "the Shoal encoding stores numbers little-endian; big-endian hosts need byte swaps here");

namespace shoal::detail {

namespace {

template <class B>
void copy_into(B blob, const void* src, std::size_t n) {
  if (n != 0) std::memcpy(blob.begin(), src, n);
}

void check_blob(std::size_t n, std::string_view what) {
  if (n > kMaxBlobBytes) {
    throw EncodeError(std::string(what) + " of " + std::to_string(n) + " bytes exceeds the " +
                      std::to_string(kMaxBlobBytes) +
                      "-byte limit of one blob: split it (repartition, rechunk)");
  }
}

template <class B>
B init_blob(std::size_t n, std::string_view what, auto init) {
  check_blob(n, what);
  return init(static_cast<unsigned>(n));
}

void write_column(schema::Column::Builder out, const std::string& name, const Column& col) {
  auto nm = init_blob<capnp::Text::Builder>(name.size(), "column name",
                                            [&](unsigned n) { return out.initName(n); });
  copy_into(nm, name.data(), name.size());
  out.setType(static_cast<schema::DataType>(col.type()));
  out.setLength(col.size());
  const auto& validity = col.validity();
  if (!validity.empty()) {
    auto v = init_blob<capnp::Data::Builder>(validity.size(), "validity bitmap",
                                             [&](unsigned n) { return out.initValidity(n); });
    copy_into(v, validity.data(), validity.size());
  }
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, StringData>) {
          std::size_t ob = s.offsets.size() * sizeof(std::int64_t);
          auto o = init_blob<capnp::Data::Builder>(ob, "string offsets",
                                                   [&](unsigned n) { return out.initOffsets(n); });
          copy_into(o, s.offsets.data(), ob);
          auto c = init_blob<capnp::Data::Builder>(s.chars.size(), "column '" + name + "'",
                                                   [&](unsigned n) { return out.initChars(n); });
          copy_into(c, s.chars.data(), s.chars.size());
        } else {
          std::size_t nb = s.size() * sizeof(s[0]);
          auto d = init_blob<capnp::Data::Builder>(nb, "column '" + name + "'",
                                                   [&](unsigned n) { return out.initValues(n); });
          copy_into(d, s.data(), nb);
        }
      },
      col.storage());
}

std::string_view bytes_of(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}

/// A vector of T from a little-endian blob of exactly n * sizeof(T) bytes.
template <class T>
std::vector<T> vector_from(capnp::Data::Reader blob, std::size_t n) {
  std::vector<T> out;
  if (n == 0) return out;
  const auto* p = blob.begin();
  fill_large(out, n, [&](std::vector<T>& v) {
    if (reinterpret_cast<std::uintptr_t>(p) % alignof(T) == 0) {
      const T* first = reinterpret_cast<const T*>(p);  // aligned: one copy, no zero fill
      v.assign(first, first + n);
    } else {
      v.resize(n);
      std::memcpy(v.data(), p, n * sizeof(T));
    }
  });
  return out;
}

void check_bools(const std::uint8_t* p, std::size_t n, std::string_view what) {
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] > 1)
      fail(std::string(what) + ": bool at " + std::to_string(i) + " is " + std::to_string(p[i]) +
           ", not 0 or 1");
  }
}

void check_size(std::size_t have, std::size_t rows, std::size_t width, std::string_view what) {
  if (rows > have / width || have != rows * width) {
    fail(std::string(what) + ": " + std::to_string(have) + " bytes for " + std::to_string(rows) +
         " elements of " + std::to_string(width) + " bytes");
  }
}

StringData read_strings(schema::Column::Reader in, std::size_t rows, const std::string& what) {
  auto offsets = in.getOffsets();
  auto chars = in.getChars();
  if (rows == SIZE_MAX) fail(what + ": too many rows");
  check_size(offsets.size(), rows + 1, sizeof(std::int64_t), what + " offsets");
  StringData s;
  s.offsets = vector_from<std::int64_t>(offsets, rows + 1);
  if (s.offsets[0] != 0)
    fail(what + ": first string offset is " + std::to_string(s.offsets[0]) + ", not 0");
  for (std::size_t i = 1; i <= rows; ++i) {
    if (s.offsets[i] < s.offsets[i - 1])
      fail(what + ": string offsets decrease at row " + std::to_string(i - 1));
  }
  if (static_cast<std::uint64_t>(s.offsets[rows]) != chars.size()) {
    fail(what + ": string offsets end at " + std::to_string(s.offsets[rows]) + " but there are " +
         std::to_string(chars.size()) + " characters");
  }
  fill_large(s.chars, chars.size(), [&](std::string& c) { c.assign(bytes_of(chars)); });
  return s;
}

Column::Storage read_storage(schema::Column::Reader in, DataType type, std::size_t rows,
                             const std::string& what) {
  switch (type) {
    case DataType::kBool: {
      auto d = in.getValues();
      check_size(d.size(), rows, 1, what);
      check_bools(d.begin(), rows, what);
      return vector_from<std::uint8_t>(d, rows);
    }
    case DataType::kInt64:
    case DataType::kTimestamp: {
      auto d = in.getValues();
      check_size(d.size(), rows, 8, what);
      return vector_from<std::int64_t>(d, rows);
    }
    case DataType::kFloat64: {
      auto d = in.getValues();
      check_size(d.size(), rows, 8, what);
      return vector_from<double>(d, rows);
    }
    case DataType::kString:
      return read_strings(in, rows, what);
  }
  fail(what + ": unknown column type");
}

std::shared_ptr<const Column> read_column(schema::Column::Reader in, std::size_t rows,
                                          std::string& name) {
  name = std::string(in.getName().begin(), in.getName().size());
  std::string what = "column '" + name + "'";
  auto tag = static_cast<std::uint16_t>(in.getType());
  if (tag > static_cast<std::uint16_t>(DataType::kTimestamp))
    fail(what + ": unknown type tag " + std::to_string(tag));
  if (in.getLength() != rows) {
    fail(what + ": " + std::to_string(in.getLength()) + " rows in a table of " +
         std::to_string(rows));
  }
  auto type = static_cast<DataType>(tag);
  auto validity_blob = in.getValidity();
  std::vector<std::uint8_t> validity(validity_blob.begin(), validity_blob.end());
  if (!validity.empty() && validity.size() != (rows + 7) / 8) {
    fail(what + ": validity bitmap of " + std::to_string(validity.size()) + " bytes for " +
         std::to_string(rows) + " rows");
  }
  auto storage = read_storage(in, type, rows, what);
  return std::make_shared<const Column>(type, std::move(storage), std::move(validity));
}

std::size_t element_size(DType dtype) {
  switch (dtype) {
    case DType::kFloat64:
      return 8;
    case DType::kFloat32:
      return 4;
    case DType::kInt64:
      return 8;
    case DType::kBool:
      return 1;
  }
  return 1;
}

std::size_t column_bytes(const Column& c) {
  return std::visit(
      [](const auto& s) -> std::size_t {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, StringData>)
          return s.offsets.size() * 8 + s.chars.size();
        else
          return s.size() * sizeof(s[0]);
      },
      c.storage());
}

constexpr std::size_t kPad = 16;  // per blob: pointer + rounding to a word

}  // namespace

void write_table(schema::Table::Builder out, const Table& table) {
  out.setNumRows(table.num_rows());
  auto cols = out.initColumns(static_cast<unsigned>(table.num_columns()));
  for (std::size_t i = 0; i < table.num_columns(); ++i)
    write_column(cols[i], table.names()[i], table.column(i));
}

void write_tensor(schema::Tensor::Builder out, const Tensor& tensor) {
  out.setDtype(static_cast<schema::DType>(tensor.dtype()));
  auto shape = out.initShape(static_cast<unsigned>(tensor.ndim()));
  for (std::size_t i = 0; i < tensor.ndim(); ++i) shape.set(i, tensor.shape()[i]);
  std::visit(
      [&](const auto& v) {
        std::size_t nb = v.size() * sizeof(v[0]);
        auto d = init_blob<capnp::Data::Builder>(nb, "tensor",
                                                 [&](unsigned n) { return out.initData(n); });
        copy_into(d, v.data(), nb);
      },
      tensor.storage());
}

void write_value(schema::Value::Builder out, const Value& value) {
  switch (value.kind()) {
    case ValueKind::kNull:
      out.setNone();
      return;
    case ValueKind::kBool:
      out.setBoolean(value.as_bool());
      return;
    case ValueKind::kInt:
      out.setInt64(value.as_int());
      return;
    case ValueKind::kFloat:
      out.setFloat64(value.as_float());
      return;
    case ValueKind::kString: {
      const auto& s = value.as_string();
      auto t = init_blob<capnp::Text::Builder>(s.size(), "string",
                                               [&](unsigned n) { return out.initText(n); });
      copy_into(t, s.data(), s.size());
      return;
    }
    case ValueKind::kBytes: {
      const auto& b = value.as_bytes();
      auto d = init_blob<capnp::Data::Builder>(b.size(), "bytes",
                                               [&](unsigned n) { return out.initBytes(n); });
      copy_into(d, b.data(), b.size());
      return;
    }
    case ValueKind::kList: {
      const auto& items = value.as_list();
      auto list = out.initList(static_cast<unsigned>(items.size()));
      for (std::size_t i = 0; i < items.size(); ++i) write_value(list[i], items[i]);
      return;
    }
    case ValueKind::kTable:
      write_table(out.initTable(), value.as_table());
      return;
    case ValueKind::kTensor:
      write_tensor(out.initTensor(), value.as_tensor());
      return;
    case ValueKind::kRecord: {
      const Record& r = value.as_record();
      auto fields = out.initRecord(static_cast<unsigned>(r.size()));
      unsigned i = 0;
      for (const auto& [name, v] : r) {
        auto t = init_blob<capnp::Text::Builder>(name.size(), "field name",
                                                 [&](unsigned n) { return fields[i].initName(n); });
        copy_into(t, name.data(), name.size());
        write_value(fields[i].initValue(), v);
        ++i;
      }
      return;
    }
    case ValueKind::kCustom:
      throw EncodeError("custom value of type '" + value.as_custom().type_name() +
                        "' has no codec: it cannot leave this process");
  }
}

Table read_table(schema::Table::Reader in) {
  std::uint64_t rows = in.getNumRows();
  auto cols = in.getColumns();
  if (cols.size() == 0 && rows != 0)
    fail("table without columns claims " + std::to_string(rows) + " rows");
  std::vector<std::string> names(cols.size());
  std::vector<std::shared_ptr<const Column>> columns;
  columns.reserve(cols.size());
  for (unsigned i = 0; i < cols.size(); ++i)
    columns.push_back(read_column(cols[i], rows, names[i]));
  return Table(std::move(names), std::move(columns));
}

Tensor read_tensor(schema::Tensor::Reader in) {
  auto tag = static_cast<std::uint16_t>(in.getDtype());
  if (tag > static_cast<std::uint16_t>(DType::kBool))
    fail("tensor: unknown dtype tag " + std::to_string(tag));
  auto dtype = static_cast<DType>(tag);
  auto shape_in = in.getShape();
  std::vector<std::int64_t> shape;
  shape.reserve(shape_in.size());
  for (std::int64_t d : shape_in) shape.push_back(d);
  auto data = in.getData();
  std::size_t width = element_size(dtype), count = 1;
  for (std::int64_t d : shape) {
    if (d < 0) fail("tensor: negative dimension " + std::to_string(d));
    if (__builtin_mul_overflow(count, static_cast<std::size_t>(d), &count))
      fail("tensor: shape overflows");
  }
  check_size(data.size(), count, width, "tensor of " + std::string(dtype_name(dtype)));
  switch (dtype) {
    case DType::kFloat64:
      return Tensor(std::move(shape), vector_from<double>(data, count));
    case DType::kFloat32:
      return Tensor(std::move(shape), vector_from<float>(data, count));
    case DType::kInt64:
      return Tensor(std::move(shape), vector_from<std::int64_t>(data, count));
    case DType::kBool:
      check_bools(data.begin(), count, "bool tensor");
      return Tensor(std::move(shape), vector_from<std::uint8_t>(data, count));
  }
  fail("tensor: unknown dtype");
}

Value read_value(schema::Value::Reader in, int depth, int max_nesting) {
  switch (in.which()) {
    case schema::Value::NONE:
      return Value();
    case schema::Value::BOOLEAN:
      return Value(in.getBoolean());
    case schema::Value::INT64:
      return Value(static_cast<long long>(in.getInt64()));
    case schema::Value::FLOAT64:
      return Value(in.getFloat64());
    case schema::Value::TEXT: {
      auto t = in.getText();
      return Value(std::string(t.begin(), t.size()));
    }
    case schema::Value::BYTES: {
      auto d = in.getBytes();
      return Value(Bytes(reinterpret_cast<const std::byte*>(d.begin()),
                         reinterpret_cast<const std::byte*>(d.end())));
    }
    case schema::Value::LIST: {
      if (depth + 1 > max_nesting) {
        fail("lists nest deeper than the limit of " + std::to_string(max_nesting) +
             " (DecodeLimits::max_nesting)");
      }
      auto items = in.getList();
      List out;
      out.reserve(items.size());
      for (auto item : items) out.push_back(read_value(item, depth + 1, max_nesting));
      return Value(std::move(out));
    }
    case schema::Value::TABLE:
      return Value(read_table(in.getTable()));
    case schema::Value::TENSOR:
      return Value(read_tensor(in.getTensor()));
    case schema::Value::RECORD: {
      if (depth + 1 > max_nesting) {
        fail("records nest deeper than the limit of " + std::to_string(max_nesting) +
             " (DecodeLimits::max_nesting)");
      }
      std::vector<Record::Field> fields;
      fields.reserve(in.getRecord().size());
      for (auto f : in.getRecord()) {
        auto name = f.getName();
        fields.emplace_back(std::string(name.begin(), name.size()),
                            read_value(f.getValue(), depth + 1, max_nesting));
      }
      try {
        return Value(Record(std::move(fields)));
      } catch (const Error& e) {
        fail(e.what());
      }
    }
  }
  fail("unknown value kind tag " + std::to_string(static_cast<unsigned>(in.which())));
}

std::size_t estimate_bytes(const Table& table) {
  std::size_t n = 64;
  for (std::size_t i = 0; i < table.num_columns(); ++i) {
    const Column& c = table.column(i);
    n += 64 + table.names()[i].size() + c.validity().size() + column_bytes(c) + 3 * kPad;
  }
  return n;
}

std::size_t estimate_bytes(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kString:
      return 16 + value.as_string().size() + kPad;
    case ValueKind::kBytes:
      return 16 + value.as_bytes().size() + kPad;
    case ValueKind::kList: {
      std::size_t n = 16 + kPad;
      for (const Value& v : value.as_list()) n += estimate_bytes(v);
      return n;
    }
    case ValueKind::kTable:
      return 16 + estimate_bytes(value.as_table());
    case ValueKind::kRecord: {
      std::size_t n = 16 + kPad;
      for (const auto& [name, v] : value.as_record())
        n += 32 + name.size() + kPad + estimate_bytes(v);
      return n;
    }
    case ValueKind::kTensor: {
      const Tensor& t = value.as_tensor();
      return 64 + t.ndim() * 8 + t.nbytes() + 2 * kPad;
    }
    default:
      return 16;
  }
}

}  // namespace shoal::detail

namespace shoal {

std::vector<std::byte> encode_value(const Value& value) {
  detail::VectorMessageBuilder builder(detail::estimate_bytes(value) + 16);
  detail::write_value(builder.initRoot<schema::Value>(), value);
  return builder.finish();
}

Value decode_value(std::span<const std::byte> bytes, const DecodeLimits& limits) {
  return detail::read_message(bytes, limits, "decode_value", 2, [&](capnp::MessageReader& reader) {
    return detail::read_value(reader.getRoot<schema::Value>(), 0, limits.max_nesting);
  });
}

std::vector<std::byte> encode_table(const Table& table) {
  detail::VectorMessageBuilder builder(detail::estimate_bytes(table));
  detail::write_table(builder.initRoot<schema::Table>(), table);
  return builder.finish();
}

Table decode_table(std::span<const std::byte> bytes, const DecodeLimits& limits) {
  return detail::read_message(bytes, limits, "decode_table", 2, [&](capnp::MessageReader& reader) {
    return detail::read_table(reader.getRoot<schema::Table>());
  });
}

}  // namespace shoal
