// Kernels that move elements without computing on them: assembly from
// boxes, slicing, transposition, reshape, casts; and the blocked matmul.
#include <cstring>

#include "array/kernels.h"
#include "array/visit.h"

namespace shoal::detail {
namespace {

std::int64_t product(const Shape& s) {
  std::int64_t n = 1;
  for (std::int64_t d : s) n *= d;
  return n;
}

Shape strides_of(const Shape& s) {
  Shape st(s.size(), 1);
  for (std::size_t d = s.size(); d-- > 1;) st[d - 1] = st[d] * s[d];
  return st;
}

/// Calls f(offset in src, offset in dst) for each innermost row of the box.
template <class F>
void for_each_row(const Shape& src_shape, const Shape& src_start, const Shape& dst_shape,
                  const Shape& dst_start, const Shape& extent, F&& f) {
  std::size_t r = extent.size();
  Shape ss = strides_of(src_shape), ds = strides_of(dst_shape), idx(r, 0);
  std::int64_t rows = 1;
  for (std::size_t d = 0; d + 1 < r; ++d) rows *= extent[d];
  if (r == 0 || product(extent) == 0) {
    if (r == 0) f(0, 0);
    return;
  }
  for (std::int64_t row = 0; row < rows; ++row) {
    std::int64_t so = 0, dof = 0;
    for (std::size_t d = 0; d < r; ++d) {
      so += (src_start[d] + idx[d]) * ss[d];
      dof += (dst_start[d] + idx[d]) * ds[d];
    }
    f(so, dof);
    for (std::size_t d = r - 1; d-- > 0;) {
      if (++idx[d] < extent[d]) break;
      idx[d] = 0;
    }
  }
}

template <class T>
void transpose_2d(const T* in, T* out, std::int64_t rows, std::int64_t cols) {
  // Tiles keep both the reads and the writes within cache lines.
  constexpr std::int64_t kTile = 32;
  for (std::int64_t i0 = 0; i0 < rows; i0 += kTile)
    for (std::int64_t j0 = 0; j0 < cols; j0 += kTile)
      for (std::int64_t i = i0; i < std::min(rows, i0 + kTile); ++i)
        for (std::int64_t j = j0; j < std::min(cols, j0 + kTile); ++j)
          out[j * rows + i] = in[i * cols + j];
}

}  // namespace

Tensor assemble(DType dtype, const Shape& shape, std::span<const Piece> pieces) {
  return visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> out(static_cast<std::size_t>(product(shape)));
    for (const Piece& p : pieces) {
      std::vector<T> holder;
      const T* src = typed_data<T>(*p.src, holder);
      std::int64_t len = p.extent.empty() ? 1 : p.extent.back();
      for_each_row(p.src->shape(), p.src_start, shape, p.dst_start, p.extent,
                   [&](std::int64_t s, std::int64_t d) {
                     std::memcpy(out.data() + d, src + s,
                                 static_cast<std::size_t>(len) * sizeof(T));
                   });
    }
    return Tensor(shape, std::move(out));
  });
}

Tensor slice(const Tensor& t, const Shape& start, const Shape& step, const Shape& count,
             const std::vector<bool>& drop) {
  return visit_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    auto src = t.values<T>();
    Shape st = strides_of(t.shape()), idx(count.size(), 0), shape;
    for (std::size_t d = 0; d < count.size(); ++d)
      if (!drop[d]) shape.push_back(count[d]);
    std::vector<T> out;
    out.reserve(static_cast<std::size_t>(product(count)));
    if (product(count) > 0) {
      for (;;) {
        std::int64_t off = 0;
        for (std::size_t d = 0; d < count.size(); ++d) off += (start[d] + idx[d] * step[d]) * st[d];
        out.push_back(src[static_cast<std::size_t>(off)]);
        std::size_t d = count.size();
        while (d-- > 0 && ++idx[d] == count[d]) idx[d] = 0;
        if (d == static_cast<std::size_t>(-1)) break;
      }
    }
    return Tensor(shape, std::move(out));
  });
}

Tensor transpose(const Tensor& t, const std::vector<std::int64_t>& axes) {
  Shape shape(axes.size());
  for (std::size_t d = 0; d < axes.size(); ++d) shape[d] = t.shape()[axes[d]];
  return visit_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    auto src = t.values<T>();
    std::vector<T> out(src.size());
    if (axes.size() == 2 && axes[0] == 1) {
      transpose_2d(src.data(), out.data(), t.shape()[0], t.shape()[1]);
      return Tensor(shape, std::move(out));
    }
    Shape in_st = strides_of(t.shape()), idx(shape.size(), 0);
    for (std::size_t i = 0; i < out.size(); ++i) {
      std::int64_t off = 0;
      for (std::size_t d = 0; d < shape.size(); ++d) off += idx[d] * in_st[axes[d]];
      out[i] = src[static_cast<std::size_t>(off)];
      for (std::size_t d = shape.size(); d-- > 0;) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
    return Tensor(shape, std::move(out));
  });
}

Tensor reshape(const Tensor& t, const Shape& shape) {
  return Tensor(shape, t.storage());
}

Tensor cast(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t;
  return visit_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> out;
    std::visit(
        [&](const auto& src) {
          out.reserve(src.size());
          for (auto x : src) out.push_back(static_cast<T>(x));
        },
        t.storage());
    return Tensor(t.shape(), std::move(out));
  });
}

Tensor matmul_sum(std::span<const Tensor* const> a, std::span<const Tensor* const> b) {
  std::int64_t m = a[0]->shape()[0], n = b[0]->shape()[1];
  DType dt = promote(a[0]->dtype(), b[0]->dtype());
  if (dt == DType::kBool) dt = DType::kInt64;
  return visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> out(static_cast<std::size_t>(m * n), T(0));
    for (std::size_t p = 0; p < a.size(); ++p) {
      std::vector<T> ha, hb;
      const T* x = typed_data<T>(*a[p], ha);
      const T* y = typed_data<T>(*b[p], hb);
      std::int64_t k = a[p]->shape()[1];
      // i-k-j order streams rows of b and of the output.
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t kk = 0; kk < k; ++kk) {
          T v = x[i * k + kk];
          for (std::int64_t j = 0; j < n; ++j) out[i * n + j] += v * y[kk * n + j];
        }
    }
    return Tensor({m, n}, std::move(out));
  });
}

}  // namespace shoal::detail
