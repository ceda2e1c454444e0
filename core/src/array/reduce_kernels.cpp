// The per-chunk steps of array reductions: partial (one chunk), combine
// (partials of neighbouring chunks) and finalize. Partials are float64
// tensors with the reduced axes kept as size 1 (see array_kernels.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "array/kernels.h"
#include "array/visit.h"

namespace shoal::detail {
namespace {

using Vec = std::vector<double>;

/// Calls f(input offset, output offset, global index) for every element of a
/// tensor of `shape` reduced into `out` (reduced axes collapsed), where the
/// global index is base + Σ local·istride.
template <class F>
void for_each_element(const Shape& shape, const std::vector<bool>& reduced, const Shape& istride,
                      std::int64_t base, F&& f) {
  std::size_t r = shape.size();
  Shape ostride(r, 0);
  std::int64_t s = 1, n = 1;
  for (std::size_t d = r; d-- > 0;) {
    if (!reduced[d]) ostride[d] = s, s *= shape[d];
    n *= shape[d];
  }
  if (n == 0) return;
  if (r == 0) return f(0, 0, base);
  std::int64_t inner = shape[r - 1], os = ostride[r - 1], is = istride[r - 1];
  Shape idx(r, 0);
  for (std::int64_t i = 0; i < n; i += inner) {
    std::int64_t o = 0, g = base;
    for (std::size_t d = 0; d + 1 < r; ++d) o += idx[d] * ostride[d], g += idx[d] * istride[d];
    for (std::int64_t j = 0; j < inner; ++j) f(i + j, o + j * os, g + j * is);
    for (std::size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

Shape kept_shape(const Shape& shape, const std::vector<bool>& reduced) {
  Shape out = shape;
  for (std::size_t d = 0; d < out.size(); ++d)
    if (reduced[d]) out[d] = 1;
  return out;
}

Value pack(const Shape& shape, std::vector<Vec> parts) {
  List out;
  for (Vec& v : parts) out.emplace_back(Tensor(shape, std::move(v)));
  return Value(std::move(out));
}

bool is_min(const std::string& f) {
  return f == "min" || f == "argmin";
}
/// Whether x replaces the current extreme m: NaN wins, as in NumPy.
bool better(bool min, double x, double m) {
  return std::isnan(x) ? !std::isnan(m) : (min ? x < m : x > m);
}

Value extreme_partial(const Tensor& t, const double* x, const ReduceSpec& spec, std::size_t outn,
                      const Shape& out_shape) {
  bool mn = is_min(spec.func), arg = spec.func[0] == 'a';
  std::size_t r = t.ndim();
  Shape istride(r, 0);
  std::int64_t base = 0, s = 1;
  for (std::size_t d = r; d-- > 0;) {
    if (!spec.reduced[d]) continue;
    bool all = std::all_of(spec.reduced.begin(), spec.reduced.end(), [](bool b) { return b; });
    istride[d] = all ? s : 1;
    if (all) s *= spec.global_shape[d];
    base += spec.offset[d] * istride[d];
  }
  Vec val(outn, mn ? INFINITY : -INFINITY), idx(outn, -1);
  for_each_element(t.shape(), spec.reduced, istride, base,
                   [&](std::int64_t i, std::int64_t o, std::int64_t g) {
                     if (idx[o] < 0 || better(mn, x[i], val[o]))
                       val[o] = x[i], idx[o] = static_cast<double>(g);
                   });
  if (!arg) return pack(out_shape, {std::move(val)});
  return pack(out_shape, {std::move(val), std::move(idx)});
}

}  // namespace

Value reduce_partial(const Tensor& t, const ReduceSpec& spec) {
  std::vector<double> holder;
  const double* x = typed_data<double>(t, holder);
  Shape out_shape = kept_shape(t.shape(), spec.reduced);
  std::size_t outn = 1;
  double count = 1;
  for (std::size_t d = 0; d < out_shape.size(); ++d) {
    outn *= static_cast<std::size_t>(out_shape[d]);
    if (spec.reduced[d]) count *= static_cast<double>(t.shape()[d]);
  }
  if (spec.func == "min" || spec.func == "max" || spec.func == "argmin" || spec.func == "argmax") {
    return extreme_partial(t, x, spec, outn, out_shape);
  }
  Shape none(t.ndim(), 0);
  Vec sum(outn, 0.0);
  if (spec.reduced.empty() || t.ndim() == 0 ||
      std::all_of(spec.reduced.begin(), spec.reduced.end(), [](bool b) { return b; })) {
    // Whole-chunk sums are the common case: a flat loop, four accumulators.
    double acc[4] = {0, 0, 0, 0};
    std::size_t n = t.size(), i = 0;
    for (; i + 4 <= n; i += 4)
      acc[0] += x[i], acc[1] += x[i + 1], acc[2] += x[i + 2], acc[3] += x[i + 3];
    for (; i < n; ++i) acc[0] += x[i];
    sum[0] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  } else {
    for_each_element(t.shape(), spec.reduced, none, 0,
                     [&](std::int64_t i, std::int64_t o, std::int64_t) { sum[o] += x[i]; });
  }
  if (spec.func == "sum") return pack(out_shape, {std::move(sum)});
  if (spec.func == "mean") return pack(out_shape, {std::move(sum), Vec(outn, count)});
  if (spec.func != "var" && spec.func != "std")
    throw Error("array reduction: unknown function '" + spec.func + "'");
  Vec mean(outn), m2(outn, 0.0);
  for (std::size_t o = 0; o < outn; ++o) mean[o] = count > 0 ? sum[o] / count : 0.0;
  for_each_element(t.shape(), spec.reduced, none, 0,
                   [&](std::int64_t i, std::int64_t o, std::int64_t) {
                     double d = x[i] - mean[o];
                     m2[o] += d * d;
                   });
  return pack(out_shape, {Vec(outn, count), std::move(mean), std::move(m2)});
}

namespace {

using F64x8 = double __attribute__((vector_size(64)));

/// Σ x[0..n) in sixteen lanes: strict-order summation does not vectorize,
/// and the lanes are also more accurate than one running sum.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
double
tile_sum(const double* x, std::int64_t n) noexcept {
  F64x8 a{}, b{};
  std::int64_t j = 0;
  for (; j + 16 <= n; j += 16) {
    F64x8 u, v;
    std::memcpy(&u, x + j, sizeof u);
    std::memcpy(&v, x + j + 8, sizeof v);
    a += u, b += v;
  }
  a += b;
  double s = ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
  for (; j < n; ++j) s += x[j];
  return s;
}

/// o[j] += x[j]: the column sums of a reduction over leading axes.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void accumulate(double* o, const double* x, std::int64_t n) noexcept {
  for (std::int64_t j = 0; j < n; ++j) o[j] += x[j];
}

}  // namespace

RowReduce::RowReduce(std::string func, const Shape& shape, const std::vector<bool>& reduced)
    : func_(std::move(func)),
      out_shape_(kept_shape(shape, reduced)),
      ostride_(shape.size(), 0),
      inner_reduced_(shape.empty() || reduced.back()) {
  std::int64_t s = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    if (!reduced[d])
      ostride_[d] = s, s *= shape[d];
    else
      count_ *= static_cast<double>(shape[d]);
  }
  sum_.assign(static_cast<std::size_t>(s), 0.0);
}

std::int64_t RowReduce::row_target(const Shape& idx) const noexcept {
  std::int64_t o = 0;
  for (std::size_t d = 0; d + 1 < ostride_.size(); ++d) o += idx[d] * ostride_[d];
  return o;
}

void RowReduce::add(std::int64_t target, std::int64_t j0, const double* x,
                    std::int64_t n) noexcept {
  if (inner_reduced_) {
    sum_[static_cast<std::size_t>(target)] += tile_sum(x, n);
    return;
  }
  accumulate(sum_.data() + target + j0, x, n);  // the last axis is kept: its output stride is 1
}

Value RowReduce::finish() {
  std::size_t outn = sum_.size();
  if (func_ == "sum") return pack(out_shape_, {std::move(sum_)});
  return pack(out_shape_, {std::move(sum_), Vec(outn, count_)});
}

Value reduce_combine(const std::string& func, std::span<const Value> partials) {
  const List& first = partials[0].as_list();
  Shape shape = first[0].as_tensor().shape();
  std::vector<Vec> acc;
  for (const Value& v : first) {
    auto s = v.as_tensor().values<double>();
    acc.emplace_back(s.begin(), s.end());
  }
  std::size_t n = acc[0].size();
  bool mn = is_min(func);
  for (std::size_t p = 1; p < partials.size(); ++p) {
    const List& l = partials[p].as_list();
    std::vector<std::span<const double>> b;
    for (const Value& v : l) b.push_back(v.as_tensor().values<double>());
    for (std::size_t i = 0; i < n; ++i) {
      if (func == "sum" || func == "mean") {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k][i] += b[k][i];
      } else if (func == "var" || func == "std") {
        // Chan et al.'s pairwise update of count, mean and M2.
        double na = acc[0][i], nb = b[0][i], nt = na + nb;
        if (nb == 0) continue;
        double delta = b[1][i] - acc[1][i];
        acc[1][i] += delta * nb / nt;
        acc[2][i] += b[2][i] + delta * delta * na * nb / nt;
        acc[0][i] = nt;
      } else if (better(mn, b[0][i], acc[0][i]) ||
                 (acc.size() > 1 && b[0][i] == acc[0][i] && b[1][i] < acc[1][i])) {
        for (std::size_t k = 0; k < acc.size(); ++k) acc[k][i] = b[k][i];
      }
    }
  }
  return pack(shape, std::move(acc));
}

DType reduce_dtype(const std::string& func, DType input) {
  if (func == "sum")
    return input == DType::kFloat64 || input == DType::kFloat32 ? input : DType::kInt64;
  if (func == "min" || func == "max") return input;
  if (func == "argmin" || func == "argmax") return DType::kInt64;
  return input == DType::kFloat32 ? DType::kFloat32 : DType::kFloat64;
}

Tensor reduce_finalize(const std::string& func, const Value& partial, DType input,
                       const std::vector<bool>& reduced, bool keepdims, std::int64_t ddof) {
  const List& l = partial.as_list();
  Shape shape = l[0].as_tensor().shape();
  Vec out;
  auto p0 = l[0].as_tensor().values<double>();
  if (func == "mean") {
    auto c = l[1].as_tensor().values<double>();
    for (std::size_t i = 0; i < p0.size(); ++i) out.push_back(p0[i] / c[i]);
  } else if (func == "var" || func == "std") {
    auto m2 = l[2].as_tensor().values<double>();
    for (std::size_t i = 0; i < p0.size(); ++i) {
      double v = m2[i] / std::max(0.0, p0[i] - static_cast<double>(ddof));
      out.push_back(func == "std" ? std::sqrt(v) : v);
    }
  } else {
    out.assign(p0.begin(), p0.end());
    if (func[0] == 'a')
      out.assign(l[1].as_tensor().values<double>().begin(),
                 l[1].as_tensor().values<double>().end());
  }
  if (!keepdims) {
    Shape kept;
    for (std::size_t d = 0; d < shape.size(); ++d)
      if (!reduced[d]) kept.push_back(shape[d]);
    shape = std::move(kept);
  }
  return cast(Tensor(shape, std::move(out)), reduce_dtype(func, input));
}

}  // namespace shoal::detail
