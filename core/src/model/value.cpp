#include "shoal/value.h"

#include <cmath>
#include <cstring>

#include "shoal/error.h"
#include "shoal/key.h"
#include "shoal/table.h"
#include "shoal/tensor.h"

namespace shoal {

std::string_view kind_name(ValueKind kind) noexcept {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int64";
    case ValueKind::kFloat:
      return "float64";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kList:
      return "list";
    case ValueKind::kTable:
      return "table";
    case ValueKind::kTensor:
      return "tensor";
    case ValueKind::kCustom:
      return "custom";
    case ValueKind::kRecord:
      return "record";
  }
  return "?";
}

Value::Value(const char* s) : data_(std::make_shared<const std::string>(s)) {}
Value::Value(std::string s) : data_(std::make_shared<const std::string>(std::move(s))) {}
Value::Value(std::string_view s) : data_(std::make_shared<const std::string>(s)) {}
Value::Value(Bytes b) : data_(std::make_shared<const Bytes>(std::move(b))) {}
Value::Value(List items) : data_(std::make_shared<const List>(std::move(items))) {}
Value::Value(Table t) : data_(std::make_shared<const Table>(std::move(t))) {}
Value::Value(Tensor t) : data_(std::make_shared<const Tensor>(std::move(t))) {}
Value::Value(std::shared_ptr<const Table> t) noexcept : data_(std::move(t)) {}
Value::Value(std::shared_ptr<const Tensor> t) noexcept : data_(std::move(t)) {}
Value::Value(std::shared_ptr<const CustomValue> c) noexcept : data_(std::move(c)) {}
Value::Value(Record r) : data_(std::make_shared<const Record>(std::move(r))) {}
Value::Value(std::shared_ptr<const Record> r) noexcept : data_(std::move(r)) {}

void Value::kind_mismatch(ValueKind wanted) const {
  throw TypeError("expected a value of kind " + std::string(kind_name(wanted)) + ", got " +
                  std::string(kind_name(kind())) + " " + repr());
}

bool Value::as_bool() const {
  if (!is_bool()) kind_mismatch(ValueKind::kBool);
  return std::get<bool>(data_);
}
std::int64_t Value::as_int() const {
  if (!is_int()) kind_mismatch(ValueKind::kInt);
  return std::get<std::int64_t>(data_);
}
double Value::as_float() const {
  if (is_int()) return static_cast<double>(std::get<std::int64_t>(data_));
  if (!is_float()) kind_mismatch(ValueKind::kFloat);
  return std::get<double>(data_);
}

// The shared kinds are never null pointers: every constructor makes one.
#define SHOAL_SHARED_ACCESSOR(method, type, K)               \
  const type& Value::method() const {                        \
    if (kind() != ValueKind::K) kind_mismatch(ValueKind::K); \
    return *std::get<std::shared_ptr<const type>>(data_);    \
  }
SHOAL_SHARED_ACCESSOR(as_string, std::string, kString)
SHOAL_SHARED_ACCESSOR(as_bytes, Bytes, kBytes)
SHOAL_SHARED_ACCESSOR(as_list, List, kList)
SHOAL_SHARED_ACCESSOR(as_table, Table, kTable)
SHOAL_SHARED_ACCESSOR(as_tensor, Tensor, kTensor)
SHOAL_SHARED_ACCESSOR(as_custom, CustomValue, kCustom)
SHOAL_SHARED_ACCESSOR(as_record, Record, kRecord)
#undef SHOAL_SHARED_ACCESSOR

std::shared_ptr<const Table> Value::table_ptr() const {
  if (!is_table()) kind_mismatch(ValueKind::kTable);
  return std::get<std::shared_ptr<const Table>>(data_);
}
std::shared_ptr<const Tensor> Value::tensor_ptr() const {
  if (!is_tensor()) kind_mismatch(ValueKind::kTensor);
  return std::get<std::shared_ptr<const Tensor>>(data_);
}
std::shared_ptr<const CustomValue> Value::custom_ptr() const {
  if (!is_custom()) kind_mismatch(ValueKind::kCustom);
  return std::get<std::shared_ptr<const CustomValue>>(data_);
}

std::size_t Value::nbytes() const {
  switch (kind()) {
    case ValueKind::kString:
      return sizeof(Value) + as_string().size();
    case ValueKind::kBytes:
      return sizeof(Value) + as_bytes().size();
    case ValueKind::kList: {
      std::size_t n = sizeof(Value);
      for (const Value& v : as_list()) n += v.nbytes();
      return n;
    }
    case ValueKind::kTable:
      return sizeof(Value) + as_table().nbytes();
    case ValueKind::kTensor:
      return sizeof(Value) + as_tensor().nbytes();
    case ValueKind::kCustom:
      return sizeof(Value) + as_custom().nbytes();
    case ValueKind::kRecord: {
      std::size_t n = sizeof(Value);
      for (const auto& [name, v] : as_record()) n += name.size() + v.nbytes();
      return n;
    }
    default:
      return sizeof(Value);
  }
}

std::uint64_t Value::hash() const {
  std::uint64_t h = mix64(static_cast<std::uint64_t>(kind()) + 1);
  switch (kind()) {
    case ValueKind::kNull:
      return h;
    case ValueKind::kBool:
      return mix64(h ^ (as_bool() ? 2 : 1));
    case ValueKind::kInt:
      return mix64(h ^ static_cast<std::uint64_t>(as_int()));
    case ValueKind::kFloat: {
      double d = as_float();
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();  // one NaN
      if (d == 0) d = 0;                                                // -0 == 0
      std::uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return mix64(h ^ bits);
    }
    case ValueKind::kString:
      return hash_bytes(as_string().data(), as_string().size(), h);
    case ValueKind::kBytes:
      return hash_bytes(as_bytes().data(), as_bytes().size(), h);
    case ValueKind::kList:
      for (const Value& v : as_list()) h = mix64(h * 31 + v.hash());
      return h;
    case ValueKind::kTable:
      return mix64(h ^ as_table().hash());
    case ValueKind::kTensor:
      return mix64(h ^ as_tensor().hash());
    case ValueKind::kCustom:
      return mix64(h ^ as_custom().hash() ^
                   hash_bytes(as_custom().type_name().data(), as_custom().type_name().size()));
    case ValueKind::kRecord:
      return mix64(h ^ as_record().hash());
  }
  return h;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return a.as_bool() == b.as_bool();
    case ValueKind::kInt:
      return a.as_int() == b.as_int();
    case ValueKind::kFloat: {
      double x = a.as_float(), y = b.as_float();
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case ValueKind::kString:
      return a.as_string() == b.as_string();
    case ValueKind::kBytes:
      return a.as_bytes() == b.as_bytes();
    case ValueKind::kList:
      return a.as_list() == b.as_list();
    case ValueKind::kTable:
      return a.as_table() == b.as_table();
    case ValueKind::kTensor:
      return a.as_tensor() == b.as_tensor();
    case ValueKind::kCustom:
      return a.as_custom().type_name() == b.as_custom().type_name() &&
             a.as_custom().equals(b.as_custom());
    case ValueKind::kRecord:
      return a.as_record() == b.as_record();
  }
  return false;
}

namespace {

void append_repr(const Value& v, std::string& out, std::size_t budget) {
  if (out.size() > budget) return;
  switch (v.kind()) {
    case ValueKind::kNull:
      out += "null";
      break;
    case ValueKind::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueKind::kInt:
      out += std::to_string(v.as_int());
      break;
    case ValueKind::kFloat: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", v.as_float());
      out += buf;
      break;
    }
    case ValueKind::kString:
      out += '"';
      out.append(v.as_string(), 0, std::min<std::size_t>(v.as_string().size(), 60));
      if (v.as_string().size() > 60) out += "...";
      out += '"';
      break;
    case ValueKind::kBytes:
      out += "bytes[" + std::to_string(v.as_bytes().size()) + "]";
      break;
    case ValueKind::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        if (out.size() > budget) {
          out += "...";
          break;
        }
        append_repr(item, out, budget);
      }
      out += ']';
      break;
    }
    case ValueKind::kTable:
      out += "Table[" + std::to_string(v.as_table().num_rows()) + " rows x " +
             std::to_string(v.as_table().num_columns()) + " columns]";
      break;
    case ValueKind::kTensor: {
      const Tensor& t = v.as_tensor();
      out += "Tensor<" + std::string(dtype_name(t.dtype())) + ">(";
      for (std::size_t i = 0; i < t.ndim(); ++i) {
        if (i) out += ", ";
        out += std::to_string(t.shape()[i]);
      }
      out += ')';
      break;
    }
    case ValueKind::kCustom:
      out += "<" + v.as_custom().type_name() + ">";
      break;
    case ValueKind::kRecord: {
      out += '{';
      bool first = true;
      for (const auto& [name, item] : v.as_record()) {
        if (!first) out += ", ";
        first = false;
        if (out.size() > budget) {
          out += "...";
          break;
        }
        out += '"' + name + "\": ";
        append_repr(item, out, budget);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string Value::repr() const {
  std::string out;
  append_repr(*this, out, 200);
  return out;
}

Record::Record(std::vector<Field> fields) : fields_(std::move(fields)) {
  for (std::size_t i = 1; i < fields_.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (fields_[i].first == fields_[j].first) {
        throw Error("record: field '" + fields_[i].first + "' is given twice; give each name once");
      }
    }
  }
}

const Value* Record::find(std::string_view name) const noexcept {
  for (const auto& f : fields_) {
    if (f.first == name) return &f.second;
  }
  return nullptr;
}

const Value& Record::at(std::string_view name) const {
  if (const Value* v = find(name)) return *v;
  std::string names;
  for (const auto& f : fields_) names += (names.empty() ? "" : ", ") + f.first;
  throw Error("record has no field '" + std::string(name) +
              "' (fields: " + (names.empty() ? "none" : names) + ")");
}

std::uint64_t Record::hash() const {
  // A sum of per-field hashes: the same for the same fields in any order.
  std::uint64_t h = mix64(fields_.size() + 0x5eed);
  for (const auto& [name, v] : fields_) h += mix64(hash_bytes(name.data(), name.size()) ^ v.hash());
  return h;
}

bool operator==(const Record& a, const Record& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, v] : a) {
    const Value* w = b.find(name);
    if (!w || !(*w == v)) return false;
  }
  return true;
}

}  // namespace shoal
