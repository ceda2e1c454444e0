// Value: the immutable dynamic value that flows between tasks.
//
// A Value is null, bool, int64, float64, string, bytes, a list of Values, a
// Table (one DataFrame partition), a Tensor (one Array chunk), a custom type,
// or a Record (named fields, e.g. a parsed JSON object). Scalars live inline; everything else is
// held by a shared pointer to const data, so copying a Value never deep-copies and a Value may be
// read from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

namespace shoal {

class Record;
class Table;
class Tensor;
class Value;

using List = std::vector<Value>;
using Bytes = std::vector<std::byte>;

/// Base of user-defined value types. Derive from it to carry your own
/// immutable objects through a graph; they stay in-process unless a codec is
/// registered for them (see serialization/).
class CustomValue {
 public:
  virtual ~CustomValue() = default;
  /// A stable name of the type, e.g. "geo.Polygon".
  virtual std::string type_name() const = 0;
  /// Approximate bytes held, for memory accounting.
  virtual std::size_t nbytes() const { return sizeof(*this); }
  /// A stable 64-bit hash of the contents, used by tokenize().
  virtual std::uint64_t hash() const = 0;
  virtual bool equals(const CustomValue& other) const = 0;
};

enum class ValueKind : std::uint8_t {
  kNull,
  kBool,
  kInt,
  kFloat,
  kString,
  kBytes,
  kList,
  kTable,
  kTensor,
  kCustom,
  kRecord,  ///< Appended last: kind() is the variant index, and tokens hash it.
};

/// The name of a kind, e.g. "int64", for error messages.
std::string_view kind_name(ValueKind kind) noexcept;

class Value {
 public:
  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}
  Value(bool b) noexcept : data_(b) {}
  Value(int v) noexcept : data_(std::int64_t{v}) {}
  Value(long v) noexcept : data_(std::int64_t{v}) {}
  Value(long long v) noexcept : data_(static_cast<std::int64_t>(v)) {}
  Value(double v) noexcept : data_(v) {}
  Value(const char* s);
  Value(std::string s);
  Value(std::string_view s);
  Value(Bytes b);
  Value(List items);
  Value(Table t);
  Value(Tensor t);
  Value(std::shared_ptr<const Table> t) noexcept;
  Value(std::shared_ptr<const Tensor> t) noexcept;
  Value(std::shared_ptr<const CustomValue> c) noexcept;
  Value(Record r);
  Value(std::shared_ptr<const Record> r) noexcept;

  ValueKind kind() const noexcept { return static_cast<ValueKind>(data_.index()); }
  bool is_null() const noexcept { return kind() == ValueKind::kNull; }
  bool is_bool() const noexcept { return kind() == ValueKind::kBool; }
  bool is_int() const noexcept { return kind() == ValueKind::kInt; }
  bool is_float() const noexcept { return kind() == ValueKind::kFloat; }
  bool is_number() const noexcept { return is_int() || is_float(); }
  bool is_string() const noexcept { return kind() == ValueKind::kString; }
  bool is_bytes() const noexcept { return kind() == ValueKind::kBytes; }
  bool is_list() const noexcept { return kind() == ValueKind::kList; }
  bool is_table() const noexcept { return kind() == ValueKind::kTable; }
  bool is_tensor() const noexcept { return kind() == ValueKind::kTensor; }
  bool is_custom() const noexcept { return kind() == ValueKind::kCustom; }
  bool is_record() const noexcept { return kind() == ValueKind::kRecord; }

  // Accessors throw TypeError naming both kinds when the kind differs.
  bool as_bool() const;
  std::int64_t as_int() const;
  /// An int64 or a float64, as a double.
  double as_float() const;
  const std::string& as_string() const;
  const Bytes& as_bytes() const;
  const List& as_list() const;
  const Table& as_table() const;
  const Tensor& as_tensor() const;
  const CustomValue& as_custom() const;
  const Record& as_record() const;
  std::shared_ptr<const Table> table_ptr() const;
  std::shared_ptr<const Tensor> tensor_ptr() const;
  std::shared_ptr<const CustomValue> custom_ptr() const;

  /// Approximate bytes held by this value, shared parts included. Cheap for
  /// scalars; walks lists.
  std::size_t nbytes() const;

  /// A stable 64-bit hash of the contents (the same in every process).
  std::uint64_t hash() const;

  /// Deep equality. NaN equals NaN here, so that round trips compare equal.
  friend bool operator==(const Value& a, const Value& b);

  /// A short human-readable rendering, e.g. `[1, 2.5, "x"]`; long values are
  /// abbreviated.
  std::string repr() const;

 private:
  using Data =
      std::variant<std::monostate, bool, std::int64_t, double, std::shared_ptr<const std::string>,
                   std::shared_ptr<const Bytes>, std::shared_ptr<const List>,
                   std::shared_ptr<const Table>, std::shared_ptr<const Tensor>,
                   std::shared_ptr<const CustomValue>, std::shared_ptr<const Record>>;
  [[noreturn]] void kind_mismatch(ValueKind wanted) const;
  Data data_;
};

/// Named fields in the order they were given, as a JSON object or a Python
/// dict holds them: what Bag's JSON parsing makes of each line. Immutable
/// once built and shared by Values like a List. Two records are equal when
/// they have the same names with equal values, in any order (as dicts).
/// Lookup by name scans the fields: records are small.
class Record {
 public:
  using Field = std::pair<std::string, Value>;

  Record() = default;
  /// Throws shoal::Error naming a field given twice.
  explicit Record(std::vector<Field> fields);
  Record(std::initializer_list<Field> fields) : Record(std::vector<Field>(fields)) {}

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  const std::vector<Field>& fields() const noexcept { return fields_; }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  /// nullptr when there is no field `name`.
  const Value* find(std::string_view name) const noexcept;
  /// Throws shoal::Error naming the field and the record's fields when absent.
  const Value& at(std::string_view name) const;
  /// An order-independent hash of the fields (see Value::hash()).
  std::uint64_t hash() const;
  friend bool operator==(const Record& a, const Record& b);

 private:
  std::vector<Field> fields_;
};

}  // namespace shoal
