// Elementwise kernels: NumPy dtype promotion and broadcasting over up to
// three operands (tensors or scalars).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "array/kernels.h"
#include "array/visit.h"
#include "shoal/error.h"

namespace shoal::detail {
namespace {

enum class Fn {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kLt,
  kLe,
  kGt,
  kGe,
  kEq,
  kNe,
  kWhere,
  kExp,
  kLog,
  kSqrt,
  kAbs,
  kSin,
  kCos,
  kNeg
};

struct FnInfo {
  Fn fn;
  int arity;
};

const FnInfo& fn_info(const std::string& name) {
  static const std::unordered_map<std::string, FnInfo> fns = {
      {"add", {Fn::kAdd, 2}}, {"sub", {Fn::kSub, 2}}, {"mul", {Fn::kMul, 2}},
      {"div", {Fn::kDiv, 2}}, {"pow", {Fn::kPow, 2}}, {"lt", {Fn::kLt, 2}},
      {"le", {Fn::kLe, 2}},   {"gt", {Fn::kGt, 2}},   {"ge", {Fn::kGe, 2}},
      {"eq", {Fn::kEq, 2}},   {"ne", {Fn::kNe, 2}},   {"where", {Fn::kWhere, 3}},
      {"exp", {Fn::kExp, 1}}, {"log", {Fn::kLog, 1}}, {"sqrt", {Fn::kSqrt, 1}},
      {"abs", {Fn::kAbs, 1}}, {"sin", {Fn::kSin, 1}}, {"cos", {Fn::kCos, 1}},
      {"neg", {Fn::kNeg, 1}}};
  auto it = fns.find(name);
  if (it == fns.end()) {
    throw Error("array.elementwise: unknown fn '" + name +
                "' (add sub mul div pow lt le gt ge eq ne where exp log sqrt abs sin cos neg)");
  }
  return it->second;
}

bool is_comparison(Fn f) {
  return f >= Fn::kLt && f <= Fn::kNe;
}
bool is_float_unary(Fn f) {
  return f == Fn::kExp || f == Fn::kLog || f == Fn::kSqrt || f == Fn::kSin || f == Fn::kCos;
}

int category(DType d) {
  return d == DType::kBool ? 0 : d == DType::kInt64 ? 1 : 2;
}
int scalar_category(const Value& v) {
  return v.is_bool() ? 0 : v.is_int() ? 1 : 2;
}
DType float_of(DType d) {
  return d == DType::kFloat32 ? DType::kFloat32 : DType::kFloat64;
}

/// The promoted dtype of the operands, scalars weak (NumPy 1.x).
DType operand_dtype(std::span<const DType> arrays, std::span<const Value> scalars) {
  static constexpr DType kByCategory[] = {DType::kBool, DType::kInt64, DType::kFloat64};
  int best = -1;
  DType d = DType::kBool;
  for (DType a : arrays) d = best < 0 ? a : promote(d, a), best = 0;
  int scat = -1;
  for (const Value& s : scalars) scat = std::max(scat, scalar_category(s));
  if (best < 0) return kByCategory[std::max(scat, 0)];
  if (scat > category(d)) return kByCategory[scat];
  return d;
}

template <class C>
C scalar_as(const Value& v) {
  if (v.is_bool()) return static_cast<C>(v.as_bool());
  if (v.is_int()) return static_cast<C>(v.as_int());
  return static_cast<C>(v.as_float());
}

template <class C>
C apply(Fn f, C a, C b, C c) {
  switch (f) {
    case Fn::kAdd:
      return a + b;
    case Fn::kSub:
      return a - b;
    case Fn::kMul:
      return a * b;
    case Fn::kDiv:
      return a / b;
    case Fn::kPow:
      return static_cast<C>(std::pow(a, b));
    case Fn::kLt:
      return a < b;
    case Fn::kLe:
      return a <= b;
    case Fn::kGt:
      return a > b;
    case Fn::kGe:
      return a >= b;
    case Fn::kEq:
      return a == b;
    case Fn::kNe:
      return a != b;
    case Fn::kWhere:
      return a != C(0) ? b : c;
    case Fn::kExp:
      return static_cast<C>(std::exp(a));
    case Fn::kLog:
      return static_cast<C>(std::log(a));
    case Fn::kSqrt:
      return static_cast<C>(std::sqrt(a));
    case Fn::kAbs:
      if constexpr (std::is_signed_v<C>)
        return a < 0 ? -a : a;
      else
        return a;
    case Fn::kSin:
      return static_cast<C>(std::sin(a));
    case Fn::kCos:
      return static_cast<C>(std::cos(a));
    case Fn::kNeg:
      return static_cast<C>(-a);
  }
  return a;
}

/// One operand seen as C: its data (converted when its dtype differs) and
/// its strides in the output's rank (0 on broadcast axes).
template <class C>
struct Operand {
  std::vector<C> holder;
  const C* data = nullptr;
  Shape strides;
  bool full = false;  ///< Same shape as the output: index it flat.
};

template <class C>
Operand<C> make_operand(const Value& v, const Shape& out) {
  Operand<C> op;
  op.strides.assign(out.size(), 0);
  if (!v.is_tensor()) {
    op.holder = {scalar_as<C>(v)};
    op.data = op.holder.data();
    return op;
  }
  const Tensor& t = v.as_tensor();
  op.data = typed_data<C>(t, op.holder);
  std::size_t off = out.size() - t.ndim();
  std::int64_t s = 1;
  for (std::size_t d = t.ndim(); d-- > 0;) {
    op.strides[off + d] = t.shape()[d] == 1 ? 0 : s;
    s *= t.shape()[d];
  }
  op.full = t.shape() == out;
  return op;
}

/// out[i] = f(a[i], b[i], c[i]) for i in [0, n), operands indexed flat
/// (stride 1) or broadcast (stride 0).
template <class R, class C, class F>
void run_tile(R* out, std::int64_t i0, std::int64_t n, std::array<Operand<C>, 3>& ops, F& f) {
  std::int64_t sa = ops[0].full, sb = ops[1].full, sc = ops[2].full;
  const C* a = ops[0].data + i0 * sa;
  const C* b = ops[1].data + i0 * sb;
  const C* c = ops[2].data + i0 * sc;
  // Two full operands (x + y) and x op scalar are the hot cases: loops
  // without strides vectorize.
  if (sa == 1 && sb == 1 && sc == 0) {
    C z = c[0];
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(f(a[i], b[i], z));
  } else if (sa == 1 && sb == 0 && sc == 0) {
    C y = b[0], z = c[0];
    for (std::int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(f(a[i], y, z));
  } else {
    for (std::int64_t i = 0; i < n; ++i)
      out[i] = static_cast<R>(f(a[i * sa], b[i * sb], c[i * sc]));
  }
}

/// Appends the results tile by tile through a small buffer, so that the
/// output's memory is written once rather than zero-filled first.
template <class R, class C, class F>
void run_flat(std::vector<R>& out, std::int64_t n, std::array<Operand<C>, 3>& ops, F&& f) {
  constexpr std::int64_t kTile = 1024;
  R buf[kTile];
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i0 = 0; i0 < n; i0 += kTile) {
    std::int64_t len = std::min(kTile, n - i0);
    run_tile(buf, i0, len, ops, f);
    out.insert(out.end(), buf, buf + len);
  }
}

template <class R, class C, class F>
void run_strided(R* out, const Shape& shape, std::array<Operand<C>, 3>& ops, F&& f) {
  std::size_t r = shape.size();
  std::int64_t inner = shape[r - 1], rows = 1;
  for (std::size_t d = 0; d + 1 < r; ++d) rows *= shape[d];
  Shape idx(r, 0);
  for (std::int64_t row = 0; row < rows; ++row) {
    std::array<std::int64_t, 3> base{};
    for (std::size_t d = 0; d + 1 < r; ++d)
      for (int k = 0; k < 3; ++k) base[k] += idx[d] * ops[k].strides[d];
    std::array<std::int64_t, 3> st{ops[0].strides[r - 1], ops[1].strides[r - 1],
                                   ops[2].strides[r - 1]};
    R* o = out + row * inner;
    for (std::int64_t j = 0; j < inner; ++j) {
      o[j] = static_cast<R>(f(ops[0].data[base[0] + j * st[0]], ops[1].data[base[1] + j * st[1]],
                              ops[2].data[base[2] + j * st[2]]));
    }
    for (std::size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

template <class R, class C>
Tensor compute(Fn f, std::span<const Value> vals, const Shape& shape) {
  std::array<Operand<C>, 3> ops;
  for (std::size_t k = 0; k < 3; ++k)
    ops[k] = make_operand<C>(k < vals.size() ? vals[k] : Value(0), shape);
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  std::vector<R> out;
  bool flat = true;
  for (std::size_t k = 0; k < vals.size(); ++k) {
    flat &= ops[k].full || !vals[k].is_tensor() || vals[k].as_tensor().size() == 1;
  }
  auto fn = [f](C a, C b, C c) { return apply<C>(f, a, b, c); };
  // Elementwise of equal shapes is the common case: a flat loop per fn lets
  // the compiler vectorize it.
  if (flat || shape.empty()) {
    switch (f) {
      case Fn::kAdd:
        run_flat(out, n, ops, [](C a, C b, C) { return a + b; });
        break;
      case Fn::kSub:
        run_flat(out, n, ops, [](C a, C b, C) { return a - b; });
        break;
      case Fn::kMul:
        run_flat(out, n, ops, [](C a, C b, C) { return a * b; });
        break;
      case Fn::kDiv:
        run_flat(out, n, ops, [](C a, C b, C) { return a / b; });
        break;
      default:
        run_flat(out, n, ops, fn);
    }
  } else {
    out.resize(static_cast<std::size_t>(n));
    run_strided(out.data(), shape, ops, fn);
  }
  return Tensor(shape, std::move(out));
}

template <Fn F>
void float64_tile1(double* out, std::int64_t n, const double* a, const double*, const double*) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = apply<double>(F, a[i], 0.0, 0.0);
}

template <Fn F>
void float64_tile2(double* out, std::int64_t n, const double* a, const double* b, const double*) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = apply<double>(F, a[i], b[i], 0.0);
}

}  // namespace

Float64TileFn float64_tile_fn(const std::string& name) {
  switch (fn_info(name).fn) {
    case Fn::kAdd:
      return float64_tile2<Fn::kAdd>;
    case Fn::kSub:
      return float64_tile2<Fn::kSub>;
    case Fn::kMul:
      return float64_tile2<Fn::kMul>;
    case Fn::kDiv:
      return float64_tile2<Fn::kDiv>;
    case Fn::kPow:
      return float64_tile2<Fn::kPow>;
    case Fn::kExp:
      return float64_tile1<Fn::kExp>;
    case Fn::kLog:
      return float64_tile1<Fn::kLog>;
    case Fn::kSqrt:
      return float64_tile1<Fn::kSqrt>;
    case Fn::kAbs:
      return float64_tile1<Fn::kAbs>;
    case Fn::kSin:
      return float64_tile1<Fn::kSin>;
    case Fn::kCos:
      return float64_tile1<Fn::kCos>;
    case Fn::kNeg:
      return float64_tile1<Fn::kNeg>;
    default:
      return nullptr;  // comparisons give bool; where's condition is not a float
  }
}

int elementwise_arity(const std::string& fn) {
  return fn_info(fn).arity;
}

DType promote(DType a, DType b) noexcept {
  if (a == b) return a;
  if (a == DType::kFloat64 || b == DType::kFloat64) return DType::kFloat64;
  if (a == DType::kFloat32 || b == DType::kFloat32) {
    DType other = a == DType::kFloat32 ? b : a;
    return other == DType::kInt64 ? DType::kFloat64 : DType::kFloat32;
  }
  return DType::kInt64;
}

DType elementwise_dtype(const std::string& name, std::span<const DType> arrays,
                        std::span<const Value> scalars) {
  Fn f = fn_info(name).fn;
  DType d = operand_dtype(arrays, scalars);
  if (is_comparison(f)) return DType::kBool;
  if (f == Fn::kDiv || is_float_unary(f)) return float_of(d);
  if (f == Fn::kWhere || f == Fn::kAbs) return d;
  return d == DType::kBool ? DType::kInt64 : d;
}

Tensor elementwise(const std::string& name, std::span<const Value> vals) {
  const FnInfo& info = fn_info(name);
  if (static_cast<int>(vals.size()) != info.arity) {
    throw Error("array.elementwise(" + name + "): expected " + std::to_string(info.arity) +
                " operands, got " + std::to_string(vals.size()));
  }
  Shape shape;
  std::vector<DType> arrays;
  std::vector<Value> scalars;
  // where's condition takes no part in the result's dtype.
  std::size_t first = info.fn == Fn::kWhere ? 1 : 0;
  for (std::size_t k = 0; k < vals.size(); ++k) {
    if (vals[k].is_tensor()) {
      shape =
          broadcast_shapes(shape, vals[k].as_tensor().shape(), "array.elementwise(" + name + ")");
      if (k >= first) arrays.push_back(vals[k].as_tensor().dtype());
    } else if (k >= first) {
      scalars.push_back(vals[k]);
    }
  }
  DType out = elementwise_dtype(name, arrays, scalars);
  DType calc = is_comparison(info.fn) ? operand_dtype(arrays, scalars) : out;
  return visit_dtype(calc, [&](auto c) {
    using C = decltype(c);
    if (is_comparison(info.fn)) return compute<std::uint8_t, C>(info.fn, vals, shape);
    return compute<C, C>(info.fn, vals, shape);
  });
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& where) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    std::int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (x != y && x != 1 && y != 1) {
      throw Error(where + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                  " do not broadcast (axis " + std::to_string(i) + ": " + std::to_string(x) +
                  " vs " + std::to_string(y) + "); make them equal or 1");
    }
    out[i] = x == 1 ? y : x;
  }
  return out;
}

}  // namespace shoal::detail
