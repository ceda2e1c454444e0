// Elementwise arrays: one task per output chunk of "array.elementwise",
// whose operands are the matching chunks (or literal scalars).
#include "array/internal.h"
#include "array/kernels.h"

namespace shoal {
namespace {

using Operand = std::variant<Array, Value>;

/// The output's chunks: on each axis, those of the first operand that is
/// not broadcast there.
Chunks output_chunks(const std::vector<Operand>& ops, const Shape& shape) {
  Chunks out(shape.size());
  std::vector<bool> set(shape.size(), false);
  for (const Operand& o : ops) {
    if (!std::holds_alternative<Array>(o)) continue;
    const Array& a = std::get<Array>(o);
    std::size_t off = shape.size() - a.ndim();
    for (std::size_t d = 0; d < a.ndim(); ++d) {
      if (a.shape()[d] == shape[off + d] && !set[off + d])
        out[off + d] = a.chunks()[d], set[off + d] = true;
    }
  }
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (!set[d]) out[d] = {shape[d]};  // every operand has size 1 here
  }
  return out;
}

/// Operands chunked otherwise than the output (on the axes they share with
/// it; broadcast axes as one chunk) are rechunked to match, as Dask's
/// unify_chunks does (here: to the first operand's chunks).
void align_chunks(std::vector<Operand>& ops, const Chunks& out) {
  for (Operand& o : ops) {
    Array* a = std::get_if<Array>(&o);
    if (!a) continue;
    std::size_t off = out.size() - a->ndim();
    Chunks want;
    for (std::size_t d = 0; d < a->ndim(); ++d) {
      bool broadcast = a->shape()[d] == 1 && out[off + d] != std::vector<std::int64_t>{1};
      want.push_back(broadcast ? std::vector<std::int64_t>{1} : out[off + d]);
    }
    if (want != a->chunks()) *a = a->rechunk(want);
  }
}

/// The key of an operand's chunk for output chunk idx (broadcast axes use
/// the operand's only chunk).
Key operand_key(const Array& a, const Shape& idx) {
  std::size_t off = idx.size() - a.ndim();
  Shape own(a.ndim());
  Shape nb = a.numblocks();
  for (std::size_t d = 0; d < a.ndim(); ++d) {
    if (nb[d] == 1)
      own[d] = 0;
    else
      own[d] = idx[off + d];
  }
  return a.keys()[detail::flat_index(own, nb)];
}

}  // namespace

Array elementwise(const std::string& fn, const std::vector<Operand>& operands) {
  std::vector<Operand> ops = operands;
  std::string where = "Array." + fn;
  if (static_cast<int>(ops.size()) != detail::elementwise_arity(fn)) {
    throw Error(where + ": takes " + std::to_string(detail::elementwise_arity(fn)) +
                " operands, got " + std::to_string(ops.size()));
  }
  Shape shape;
  std::vector<DType> dtypes;
  std::vector<Value> scalars;
  std::vector<const Array*> arrays;
  for (std::size_t k = 0; k < ops.size(); ++k) {
    bool counts = !(fn == "where" && k == 0);  // where's condition takes no part in the dtype
    if (const Array* a = std::get_if<Array>(&ops[k])) {
      shape = detail::broadcast_shapes(shape, a->shape(), where);
      arrays.push_back(a);
      if (counts) dtypes.push_back(a->dtype());
    } else if (counts) {
      scalars.push_back(std::get<Value>(ops[k]));
    }
  }
  if (arrays.empty()) throw Error(where + ": needs at least one Array operand");
  DType dtype = detail::elementwise_dtype(fn, dtypes, scalars);
  Chunks chunks = output_chunks(ops, shape);
  align_chunks(ops, chunks);
  arrays.clear();
  for (const Operand& o : ops)
    if (const Array* a = std::get_if<Array>(&o)) arrays.push_back(a);
  Shape nb = detail::numblocks_of(chunks);
  std::vector<std::vector<Arg>> args(detail::grid_size(nb));
  for (std::size_t i = 0; i < args.size(); ++i) {
    Shape idx = detail::grid_index(i, nb);
    for (const Operand& o : ops) {
      if (const Array* a = std::get_if<Array>(&o))
        args[i].emplace_back(operand_key(*a, idx));
      else
        args[i].emplace_back(std::get<Value>(o));
    }
  }
  return detail::layer_array(arrays, fn, "array.elementwise", Params{{"fn", Value(fn)}}, dtype,
                             std::move(args), std::move(chunks));
}

Array Array::elementwise(const std::string& fn, const std::vector<Value>& scalars_after) const {
  std::vector<Operand> ops{*this};
  for (const Value& v : scalars_after) ops.emplace_back(v);
  return shoal::elementwise(fn, ops);
}
Array Array::operator-() const {
  return elementwise("neg");
}

#define SHOAL_ARRAY_BINARY(op, fn)                    \
  Array operator op(const Array& a, const Array& b) { \
    return elementwise(fn, {a, b});                   \
  }
SHOAL_ARRAY_BINARY(+, "add")
SHOAL_ARRAY_BINARY(-, "sub")
SHOAL_ARRAY_BINARY(*, "mul")
SHOAL_ARRAY_BINARY(/, "div")
SHOAL_ARRAY_BINARY(<, "lt")
SHOAL_ARRAY_BINARY(<=, "le")
SHOAL_ARRAY_BINARY(>, "gt")
SHOAL_ARRAY_BINARY(>=, "ge")
SHOAL_ARRAY_BINARY(==, "eq")
SHOAL_ARRAY_BINARY(!=, "ne")
#undef SHOAL_ARRAY_BINARY

Array operator+(const Array& a, double b) {
  return elementwise("add", {a, Value(b)});
}
Array operator-(const Array& a, double b) {
  return elementwise("sub", {a, Value(b)});
}
Array operator*(const Array& a, double b) {
  return elementwise("mul", {a, Value(b)});
}
Array operator/(const Array& a, double b) {
  return elementwise("div", {a, Value(b)});
}
Array operator+(double a, const Array& b) {
  return elementwise("add", {Value(a), b});
}
Array operator-(double a, const Array& b) {
  return elementwise("sub", {Value(a), b});
}
Array operator*(double a, const Array& b) {
  return elementwise("mul", {Value(a), b});
}
Array operator/(double a, const Array& b) {
  return elementwise("div", {Value(a), b});
}
Array operator<(const Array& a, double b) {
  return elementwise("lt", {a, Value(b)});
}
Array operator>(const Array& a, double b) {
  return elementwise("gt", {a, Value(b)});
}
Array pow(const Array& a, const Array& b) {
  return elementwise("pow", {a, b});
}
Array pow(const Array& a, double b) {
  return elementwise("pow", {a, Value(b)});
}
Array where(const Array& c, const Array& a, const Array& b) {
  return elementwise("where", {c, a, b});
}
Array where(const Array& c, double a, double b) {
  return elementwise("where", {c, Value(a), Value(b)});
}
Array exp(const Array& a) {
  return a.elementwise("exp");
}
Array log(const Array& a) {
  return a.elementwise("log");
}
Array sqrt(const Array& a) {
  return a.elementwise("sqrt");
}
Array abs(const Array& a) {
  return a.elementwise("abs");
}
Array sin(const Array& a) {
  return a.elementwise("sin");
}
Array cos(const Array& a) {
  return a.elementwise("cos");
}

}  // namespace shoal
