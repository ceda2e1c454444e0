// Vectorized evaluation of Expr trees over one Table.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "shoal/column_builder.h"
#include "shoal/error.h"
#include "shoal/expr.h"
#include "shoal/table_kernels.h"

namespace shoal {
namespace {

// A column, or a literal not yet broadcast.
struct Operand {
  ColumnPtr col;
  Value scalar;
  bool is_scalar() const { return !col; }
  bool valid(std::size_t i) const { return col ? col->is_valid(i) : !scalar.is_null(); }
};

Operand eval(const Value& ast, const Table& t);

bool is_numeric(DataType d) {
  return d == DataType::kInt64 || d == DataType::kFloat64 || d == DataType::kBool ||
         d == DataType::kTimestamp;
}

std::string type_of(const Operand& o) {
  if (o.col) return std::string(type_name(o.col->type()));
  return std::string(kind_name(o.scalar.kind()));
}

// Numbers of an operand as T (a converted copy when the column has another type).
template <class T>
struct Numbers {
  std::vector<T> owned;
  const T* data = nullptr;
  T scalar{};
  T operator[](std::size_t i) const { return data ? data[i] : scalar; }
};

template <class T>
Numbers<T> numbers(const Operand& o, const char* op) {
  Numbers<T> n;
  if (o.is_scalar()) {
    if (o.scalar.is_null()) return n;
    if (o.scalar.is_bool())
      n.scalar = static_cast<T>(o.scalar.as_bool());
    else if (!o.scalar.is_number())
      throw Error(std::string("expression: '") + op + "' needs numbers, got " + type_of(o));
    else
      n.scalar = o.scalar.is_int() ? static_cast<T>(o.scalar.as_int())
                                   : static_cast<T>(o.scalar.as_float());
    return n;
  }
  const Column& c = *o.col;
  if (!is_numeric(c.type()))
    throw Error(std::string("expression: '") + op + "' needs numbers, got " + type_of(o));
  if constexpr (std::is_same_v<T, double>) {
    if (c.type() == DataType::kFloat64) return n.data = c.float64s().data(), n;
  } else {
    if (c.type() == DataType::kInt64 || c.type() == DataType::kTimestamp)
      return n.data = c.int64s().data(), n;
  }
  n.owned.resize(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    switch (c.type()) {
      case DataType::kBool:
        n.owned[i] = static_cast<T>(c.bools()[i]);
        break;
      case DataType::kFloat64:
        n.owned[i] = static_cast<T>(c.float64s()[i]);
        break;
      default:
        n.owned[i] = static_cast<T>(c.int64s()[i]);
        break;
    }
  }
  n.data = n.owned.data();
  return n;
}

// Validity of a binary result: valid where both operands are.
std::vector<std::uint8_t> both_valid(const Operand& a, const Operand& b, std::size_t n) {
  bool a_all = a.col ? a.col->null_count() == 0 : !a.scalar.is_null();
  bool b_all = b.col ? b.col->null_count() == 0 : !b.scalar.is_null();
  if (a_all && b_all) return {};
  std::vector<std::uint8_t> v((n + 7) / 8, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (a.valid(i) && b.valid(i)) v[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  }
  return v;
}

bool is_int_like(const Operand& o) {
  if (o.col) return o.col->type() == DataType::kInt64 || o.col->type() == DataType::kBool;
  return o.scalar.is_int() || o.scalar.is_bool() || o.scalar.is_null();
}
bool is_string(const Operand& o) {
  return o.col ? o.col->type() == DataType::kString : o.scalar.is_string();
}

template <class T, class F>
std::vector<T> compute(const Numbers<T>& x, const Numbers<T>& y, std::size_t n, F f) {
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i], y[i]);
  return out;
}

Operand arithmetic(const std::string& op, const Operand& a, const Operand& b, std::size_t n) {
  auto valid = both_valid(a, b, n);
  if (op != "div" && is_int_like(a) && is_int_like(b)) {
    auto x = numbers<std::int64_t>(a, op.c_str()), y = numbers<std::int64_t>(b, op.c_str());
    std::vector<std::int64_t> r;
    if (op == "add")
      r = compute(x, y, n, [](auto p, auto q) { return p + q; });
    else if (op == "sub")
      r = compute(x, y, n, [](auto p, auto q) { return p - q; });
    else
      r = compute(x, y, n, [](auto p, auto q) { return p * q; });
    return {std::make_shared<const Column>(DataType::kInt64, std::move(r), std::move(valid)), {}};
  }
  auto x = numbers<double>(a, op.c_str()), y = numbers<double>(b, op.c_str());
  std::vector<double> r;
  if (op == "add")
    r = compute(x, y, n, [](auto p, auto q) { return p + q; });
  else if (op == "sub")
    r = compute(x, y, n, [](auto p, auto q) { return p - q; });
  else if (op == "mul")
    r = compute(x, y, n, [](auto p, auto q) { return p * q; });
  else
    r = compute(x, y, n, [](auto p, auto q) { return p / q; });
  return {std::make_shared<const Column>(DataType::kFloat64, std::move(r), std::move(valid)), {}};
}

template <class C>
bool apply_cmp(const std::string& op, C c) {
  if (op == "eq") return c == 0;
  if (op == "ne") return c != 0;
  if (op == "lt") return c < 0;
  if (op == "le") return c <= 0;
  if (op == "gt") return c > 0;
  return c >= 0;
}

template <class T>
std::vector<std::uint8_t> compare_numbers(const std::string& op, const Numbers<T>& x,
                                          const Numbers<T>& y, std::size_t n) {
  std::vector<std::uint8_t> r(n);
  // One loop per operator, so that each vectorizes.
  if (op == "gt")
    for (std::size_t i = 0; i < n; ++i) r[i] = x[i] > y[i];
  else if (op == "lt")
    for (std::size_t i = 0; i < n; ++i) r[i] = x[i] < y[i];
  else if (op == "ge")
    for (std::size_t i = 0; i < n; ++i) r[i] = x[i] >= y[i];
  else if (op == "le")
    for (std::size_t i = 0; i < n; ++i) r[i] = x[i] <= y[i];
  else if (op == "eq")
    for (std::size_t i = 0; i < n; ++i) r[i] = x[i] == y[i];
  else
    for (std::size_t i = 0; i < n; ++i) r[i] = x[i] != y[i];
  return r;
}

Operand comparison(const std::string& op, const Operand& a, const Operand& b, std::size_t n) {
  auto valid = both_valid(a, b, n);
  std::vector<std::uint8_t> r;
  if (is_string(a) || is_string(b)) {
    if (!is_string(a) || !is_string(b)) {
      throw Error("expression: cannot compare " + type_of(a) + " with " + type_of(b) +
                  "; cast one side");
    }
    auto at = [&](const Operand& o, std::size_t i) -> std::string_view {
      return o.col ? o.col->string_at(i) : std::string_view(o.scalar.as_string());
    };
    r.resize(n);
    for (std::size_t i = 0; i < n; ++i) r[i] = apply_cmp(op, at(a, i).compare(at(b, i)));
  } else if (is_int_like(a) && is_int_like(b)) {
    r = compare_numbers(op, numbers<std::int64_t>(a, op.c_str()),
                        numbers<std::int64_t>(b, op.c_str()), n);
  } else {
    r = compare_numbers(op, numbers<double>(a, op.c_str()), numbers<double>(b, op.c_str()), n);
  }
  return {std::make_shared<const Column>(DataType::kBool, std::move(r), std::move(valid)), {}};
}

ColumnPtr broadcast(const Operand& o, std::size_t n);

// Kleene and/or.
Operand logical(const std::string& op, const Operand& a, const Operand& b, std::size_t n) {
  ColumnPtr x = broadcast(a, n), y = broadcast(b, n);
  if (x->type() != DataType::kBool || y->type() != DataType::kBool) {
    throw Error("expression: '" + op + "' needs bool operands, got " + type_of(a) + " and " +
                type_of(b));
  }
  bool is_and = op == "and";
  ColumnBuilder out(DataType::kBool, n);
  for (std::size_t i = 0; i < n; ++i) {
    bool vx = x->is_valid(i), vy = y->is_valid(i);
    bool px = x->bools()[i], py = y->bools()[i];
    if (vx && vy)
      out.append_bool(is_and ? (px && py) : (px || py));
    else if (is_and && ((vx && !px) || (vy && !py)))
      out.append_bool(false);
    else if (!is_and && ((vx && px) || (vy && py)))
      out.append_bool(true);
    else
      out.append_null();
  }
  return {out.finish_shared(), {}};
}

void append_scalar(ColumnBuilder& b, const Value& v) {
  if (v.is_null()) return b.append_null();
  switch (b.type()) {
    case DataType::kBool:
      return b.append_bool(v.as_bool());
    case DataType::kInt64:
    case DataType::kTimestamp:
      return b.append_int64(v.is_float() ? static_cast<std::int64_t>(v.as_float()) : v.as_int());
    case DataType::kFloat64:
      return b.append_float64(v.as_float());
    case DataType::kString:
      return b.append_string(v.as_string());
  }
}

DataType scalar_type(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
      return DataType::kBool;
    case ValueKind::kInt:
      return DataType::kInt64;
    case ValueKind::kString:
      return DataType::kString;
    default:
      return DataType::kFloat64;  // null literals become float64 NaN columns, as in pandas
  }
}

ColumnPtr broadcast(const Operand& o, std::size_t n) {
  if (o.col) return o.col;
  ColumnBuilder b(scalar_type(o.scalar), n);
  for (std::size_t i = 0; i < n; ++i) append_scalar(b, o.scalar);
  return b.finish_shared();
}

std::string format_value(const Column& c, std::size_t i) {
  switch (c.type()) {
    case DataType::kBool:
      return c.bools()[i] ? "True" : "False";
    case DataType::kFloat64: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, c.float64s()[i]);
      return std::string(buf, r.ptr);
    }
    case DataType::kString:
      return std::string(c.string_at(i));
    default:
      return std::to_string(c.int64s()[i]);
  }
}

Operand cast(const Operand& a, DataType to, std::size_t n) {
  ColumnPtr c = broadcast(a, n);
  if (c->type() == to) return {c, {}};
  ColumnBuilder b(to, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!c->is_valid(i)) {
      b.append_null();
      continue;
    }
    if (to == DataType::kString) {
      b.append_string(format_value(*c, i));
      continue;
    }
    Value v;
    switch (c->type()) {
      case DataType::kBool:
        v = Value(static_cast<bool>(c->bools()[i]));
        break;
      case DataType::kFloat64:
        v = Value(c->float64s()[i]);
        break;
      case DataType::kString: {
        auto s = c->string_at(i);
        double d;
        auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size()) {
          throw Error("expression: cannot cast '" + std::string(s) + "' to " +
                      std::string(type_name(to)));
        }
        v = to == DataType::kInt64 ? Value(static_cast<std::int64_t>(d)) : Value(d);
        break;
      }
      default:
        v = Value(c->int64s()[i]);
        break;
    }
    if (to == DataType::kBool)
      b.append_bool(v.is_bool() ? v.as_bool() : v.as_float() != 0);
    else if (v.is_bool())
      append_scalar(b, Value(std::int64_t{v.as_bool()}));
    else
      append_scalar(b, v);
  }
  return {b.finish_shared(), {}};
}

Operand fill_null(const Operand& a, const Operand& fill, std::size_t n) {
  ColumnPtr c = broadcast(a, n);
  if (c->null_count() == 0) return {c, {}};
  ColumnPtr f = cast(fill, c->type(), n).col;
  ColumnBuilder b(c->type(), n);
  for (std::size_t i = 0; i < n; ++i) b.append_from(c->is_valid(i) ? *c : *f, i);
  return {b.finish_shared(), {}};
}

Operand string_fn(const std::string& op, const Operand& a, const Value& arg, std::size_t n) {
  ColumnPtr c = broadcast(a, n);
  if (c->type() != DataType::kString)
    throw Error("expression: '" + op + "' needs a string column, got " + type_of(a));
  DataType out_type = op == "str_len" ? DataType::kInt64
                      : op == "lower" ? DataType::kString
                                      : DataType::kBool;
  ColumnBuilder b(out_type, n);
  std::string tmp;
  for (std::size_t i = 0; i < n; ++i) {
    if (!c->is_valid(i)) {
      b.append_null();
      continue;
    }
    std::string_view s = c->string_at(i);
    if (op == "contains")
      b.append_bool(s.find(arg.as_string()) != std::string_view::npos);
    else if (op == "starts_with")
      b.append_bool(s.starts_with(arg.as_string()));
    else if (op == "str_len") {
      // Characters, not bytes: count UTF-8 lead bytes, as pandas' len does.
      b.append_int64(
          std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
    } else {
      tmp.assign(s);
      for (char& ch : tmp)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      b.append_string(tmp);
    }
  }
  return {b.finish_shared(), {}};
}

Operand unary(const std::string& op, const Operand& a, std::size_t n) {
  if (op == "is_null") {
    std::vector<std::uint8_t> r(n);
    for (std::size_t i = 0; i < n; ++i) r[i] = !a.valid(i);
    return {std::make_shared<const Column>(DataType::kBool, std::move(r)), {}};
  }
  if (op == "not") {
    ColumnPtr c = broadcast(a, n);
    if (c->type() != DataType::kBool)
      throw Error("expression: '~' needs a bool operand, got " + type_of(a));
    std::vector<std::uint8_t> r(n);
    for (std::size_t i = 0; i < n; ++i) r[i] = !c->bools()[i];
    return {std::make_shared<const Column>(DataType::kBool, std::move(r), c->validity()), {}};
  }
  // neg
  return arithmetic("sub", Operand{nullptr, Value(std::int64_t{0})}, a, n);
}

Operand eval(const Value& ast, const Table& t) {
  const List& l = ast.as_list();
  const std::string& op = l.at(0).as_string();
  std::size_t n = t.num_rows();
  if (op == "col") {
    const std::string& name = l.at(1).as_string();
    t.column(name);  // throws naming the columns
    return {t.column_ptr(static_cast<std::size_t>(t.index_of(name))), {}};
  }
  if (op == "lit") return {nullptr, l.at(1)};
  Operand a = eval(l.at(1), t);
  if (op == "add" || op == "sub" || op == "mul" || op == "div")
    return arithmetic(op, a, eval(l.at(2), t), n);
  if (op == "eq" || op == "ne" || op == "lt" || op == "le" || op == "gt" || op == "ge") {
    return comparison(op, a, eval(l.at(2), t), n);
  }
  if (op == "and" || op == "or") return logical(op, a, eval(l.at(2), t), n);
  if (op == "is_null" || op == "not" || op == "neg") return unary(op, a, n);
  if (op == "fill_null") return fill_null(a, eval(l.at(2), t), n);
  if (op == "cast") return cast(a, parse_type_name(l.at(2).as_string()), n);
  if (op == "contains" || op == "starts_with") return string_fn(op, a, l.at(2), n);
  if (op == "str_len" || op == "lower") return string_fn(op, a, Value(), n);
  throw Error("expression: unknown operation '" + op + "'");
}

}  // namespace

std::shared_ptr<const Column> evaluate(const Expr& e, const Table& t) {
  return broadcast(eval(e.ast(), t), t.num_rows());
}

DataType result_type(const Expr& e, const Schema& schema) {
  std::vector<ColumnPtr> cols;
  for (DataType d : schema.types)
    cols.push_back(std::make_shared<const Column>(ColumnBuilder(d).finish()));
  return evaluate(e, Table(schema.names, std::move(cols)))->type();
}

}  // namespace shoal
