// Arrays rearranged: indexing with integers and stepped slices, transpose,
// rechunk, concatenate, stack and the blocked matmul (which rechunks).
#include <algorithm>
#include <numeric>
#include <optional>

#include "array/internal.h"
#include "array/kernels.h"

namespace shoal {
namespace {

std::int64_t floordiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
std::int64_t ceildiv(std::int64_t a, std::int64_t b) {
  return -floordiv(-a, b);
}

/// One output chunk along an axis: a run of selected elements in one input chunk.
struct Run {
  std::int64_t chunk, start, count;
};

/// The runs of slice s over an axis of these chunks, in output order.
std::vector<Run> slice_runs(const Slice& s, const std::vector<std::int64_t>& chunks,
                            std::int64_t axis) {
  if (s.step == 0)
    throw Error("Array[]: slice step must not be 0 (axis " + std::to_string(axis) + ")");
  auto off = detail::offsets(chunks);
  std::int64_t n = off.back(), step = s.step;
  auto norm = [&](std::optional<std::int64_t> v, std::int64_t dflt, std::int64_t lo,
                  std::int64_t hi) {
    if (!v) return dflt;
    std::int64_t x = *v < 0 ? *v + n : *v;
    return std::clamp(x, lo, hi);
  };
  std::int64_t start = step > 0 ? norm(s.start, 0, 0, n) : norm(s.start, n - 1, -1, n - 1);
  std::int64_t stop = step > 0 ? norm(s.stop, n, 0, n) : norm(s.stop, -1, -1, n - 1);
  std::int64_t count = std::max<std::int64_t>(
      0, step > 0 ? ceildiv(stop - start, step) : ceildiv(start - stop, -step));
  std::vector<Run> runs;
  for (std::size_t c = 0; c + 1 < off.size(); ++c) {
    std::int64_t lo = off[c], hi = off[c + 1], klo, khi;
    if (step > 0)
      klo = ceildiv(lo - start, step), khi = floordiv(hi - 1 - start, step) + 1;
    else
      klo = ceildiv(start - hi + 1, -step), khi = floordiv(start - lo, -step) + 1;
    klo = std::max<std::int64_t>(klo, 0), khi = std::min(khi, count);
    if (khi > klo)
      runs.push_back({static_cast<std::int64_t>(c), start + klo * step - lo, khi - klo});
  }
  if (step < 0) std::reverse(runs.begin(), runs.end());
  if (runs.empty()) runs.push_back({0, 0, 0});
  return runs;
}

std::vector<Run> integer_run(std::int64_t i, const std::vector<std::int64_t>& chunks,
                             std::int64_t axis) {
  auto off = detail::offsets(chunks);
  std::int64_t n = off.back(), g = i < 0 ? i + n : i;
  if (g < 0 || g >= n) {
    throw Error("Array[]: index " + std::to_string(i) + " is out of bounds for axis " +
                std::to_string(axis) + " with size " + std::to_string(n));
  }
  auto c = std::upper_bound(off.begin(), off.end(), g) - off.begin() - 1;
  return {{c, g - off[c], 1}};
}

/// A random array's transpose, generated transposed (so no chunk is made
/// and then held for its transposed partner, as x + x.T would); nullopt
/// when the array is not straight from array.random.
std::optional<Array> transposed_random(const Array& a, const Shape& perm,
                                       const Chunks& out_chunks) {
  if (a.layers().size() != 1 || a.layers()[0]->size() != a.keys().size()) return std::nullopt;
  const Task& t = a.layers()[0]->tasks()[0];
  if (t.op_name() != "array.random" || !t.params) return std::nullopt;
  Params p = *t.params;
  Shape old(perm.size());
  std::iota(old.begin(), old.end(), 0);
  if (p.contains("axes")) old = detail::shape_of(p.at("axes"));
  Shape axes(perm.size());
  for (std::size_t d = 0; d < perm.size(); ++d) axes[d] = old[perm[d]];
  p.set("axes", Value(detail::shape_list(axes)));
  return detail::layer_array({}, "random-transposed", "array.random", std::move(p), a.dtype(),
                             detail::chunk_args(out_chunks), out_chunks);
}

}  // namespace

Array Array::operator[](const std::vector<Index>& index) const {
  if (index.size() > ndim()) {
    throw Error("Array[]: " + std::to_string(index.size()) + " indices for an array of " +
                std::to_string(ndim()) + " dimensions");
  }
  std::vector<std::vector<Run>> runs;
  std::vector<bool> drop(ndim(), false);
  Shape step(ndim(), 1);
  Chunks out_chunks;
  for (std::size_t d = 0; d < ndim(); ++d) {
    Index ix = d < index.size() ? index[d] : Index(Slice{});
    auto ad = static_cast<std::int64_t>(d);
    runs.push_back(ix.integer ? integer_run(*ix.integer, chunks_[d], ad)
                              : slice_runs(ix.slice, chunks_[d], ad));
    drop[d] = ix.integer.has_value();
    step[d] = ix.integer ? 1 : ix.slice.step;
    if (!drop[d]) {
      out_chunks.emplace_back();
      for (const Run& r : runs.back()) out_chunks.back().push_back(r.count);
    }
  }
  Shape grid;
  for (const auto& r : runs) grid.push_back(static_cast<std::int64_t>(r.size()));
  Shape nb = numblocks();
  List drop_list;
  for (bool b : drop) drop_list.emplace_back(b);
  std::vector<std::vector<Arg>> args;
  for (std::size_t i = 0; i < detail::grid_size(grid); ++i) {
    Shape g = detail::grid_index(i, grid), in(ndim()), start(ndim()), count(ndim());
    for (std::size_t d = 0; d < ndim(); ++d) {
      const Run& r = runs[d][g[d]];
      in[d] = r.chunk, start[d] = r.start, count[d] = r.count;
    }
    args.push_back({Arg(keys_[detail::flat_index(in, nb)]), Arg(Value(detail::shape_list(start))),
                    Arg(Value(detail::shape_list(step))), Arg(Value(detail::shape_list(count))),
                    Arg(Value(drop_list))});
  }
  return detail::layer_array({this}, "getitem", "array.getitem", {}, dtype_, std::move(args),
                             std::move(out_chunks));
}

Array Array::transpose(std::vector<int> axes) const {
  if (axes.empty()) {
    for (std::size_t d = ndim(); d-- > 0;) axes.push_back(static_cast<int>(d));
  }
  if (axes.size() != ndim())
    throw Error("Array.transpose: " + std::to_string(axes.size()) + " axes for " +
                std::to_string(ndim()) + " dimensions");
  std::vector<bool> seen(ndim(), false);
  Shape perm;
  Chunks out_chunks;
  for (int a : axes) {
    int d = detail::check_axis(a, ndim(), "Array.transpose");
    if (seen[d])
      throw Error("Array.transpose: axis " + std::to_string(a) + " repeated; give a permutation");
    seen[d] = true;
    perm.push_back(d);
    out_chunks.push_back(chunks_[d]);
  }
  if (auto generated = transposed_random(*this, perm, out_chunks)) return *generated;
  Shape out_nb = detail::numblocks_of(out_chunks), nb = numblocks();
  std::vector<std::vector<Arg>> args;
  for (std::size_t i = 0; i < detail::grid_size(out_nb); ++i) {
    Shape o = detail::grid_index(i, out_nb), in(ndim());
    for (std::size_t d = 0; d < ndim(); ++d) in[perm[d]] = o[d];
    args.push_back({Arg(keys_[detail::flat_index(in, nb)])});
  }
  return detail::layer_array({this}, "transpose", "array.transpose",
                             Params{{"axes", Value(detail::shape_list(perm))}}, dtype_,
                             std::move(args), std::move(out_chunks));
}

Array Array::rechunk(const Shape& chunk_shape) const {
  if (chunk_shape.size() != ndim())
    throw Error("Array.rechunk: chunk shape " + detail::shape_str(chunk_shape) +
                " has not the array's rank");
  Chunks c;
  for (std::size_t d = 0; d < ndim(); ++d) c.push_back(uniform_chunks(shape_[d], chunk_shape[d]));
  return rechunk(std::move(c));
}

Array Array::rechunk(Chunks chunks) const {
  if (chunks == chunks_) return *this;
  if (chunks.size() != ndim())
    throw Error("Array.rechunk: chunks for " + std::to_string(chunks.size()) + " axes, array has " +
                std::to_string(ndim()));
  std::vector<std::vector<std::int64_t>> in_off, out_off;
  for (std::size_t d = 0; d < ndim(); ++d) {
    out_off.push_back(detail::offsets(chunks[d]));
    in_off.push_back(detail::offsets(chunks_[d]));
    if (out_off.back().back() != shape_[d]) {
      throw Error("Array.rechunk: chunks along axis " + std::to_string(d) + " sum to " +
                  std::to_string(out_off.back().back()) + ", not the axis length " +
                  std::to_string(shape_[d]));
    }
  }
  Shape out_nb = detail::numblocks_of(chunks), nb = numblocks();
  std::vector<std::vector<Arg>> args;
  for (std::size_t i = 0; i < detail::grid_size(out_nb); ++i) {
    Shape o = detail::grid_index(i, out_nb), shape(ndim());
    // Per axis: the input chunks overlapping this output chunk.
    std::vector<std::vector<std::int64_t>> over(ndim());
    for (std::size_t d = 0; d < ndim(); ++d) {
      shape[d] = chunks[d][o[d]];
      for (std::size_t c = 0; c + 1 < in_off[d].size(); ++c)
        if (in_off[d][c] < out_off[d][o[d] + 1] && in_off[d][c + 1] > out_off[d][o[d]])
          over[d].push_back(static_cast<std::int64_t>(c));
      if (over[d].empty()) over[d].push_back(0);  // an empty chunk
    }
    Shape sub;
    for (const auto& v : over) sub.push_back(static_cast<std::int64_t>(v.size()));
    std::vector<Arg> pieces;
    for (std::size_t j = 0; j < detail::grid_size(sub); ++j) {
      Shape s = detail::grid_index(j, sub), in(ndim()), src(ndim()), dst(ndim()), ext(ndim());
      for (std::size_t d = 0; d < ndim(); ++d) {
        std::int64_t c = over[d][s[d]];
        std::int64_t lo = std::max(in_off[d][c], out_off[d][o[d]]),
                     hi = std::min(in_off[d][c + 1], out_off[d][o[d] + 1]);
        in[d] = c, src[d] = lo - in_off[d][c], dst[d] = lo - out_off[d][o[d]],
        ext[d] = std::max<std::int64_t>(0, hi - lo);
      }
      pieces.emplace_back(std::vector<Arg>{
          Arg(keys_[detail::flat_index(in, nb)]), Arg(Value(detail::shape_list(src))),
          Arg(Value(detail::shape_list(dst))), Arg(Value(detail::shape_list(ext)))});
    }
    args.push_back({Arg(Value(detail::shape_list(shape))), Arg(std::move(pieces))});
  }
  return detail::layer_array({this}, "rechunk", "array.rechunk",
                             Params{{"dtype", Value(std::string(dtype_name(dtype_)))}}, dtype_,
                             std::move(args), std::move(chunks));
}

Array concatenate(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) throw Error("concatenate: needs at least one array");
  const Array& first = arrays[0];
  int ax = detail::check_axis(axis, first.ndim(), "concatenate");
  DType dtype = first.dtype();
  for (const Array& a : arrays) dtype = detail::promote(dtype, a.dtype());
  Chunks chunks = first.chunks();
  chunks[ax].clear();
  std::vector<std::int64_t> owner;  // which array each chunk along axis comes from
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const Array& a = arrays[k];
    if (a.ndim() != first.ndim())
      throw Error("concatenate: array " + std::to_string(k) + " has " + std::to_string(a.ndim()) +
                  " dimensions, the first " + std::to_string(first.ndim()));
    for (std::size_t d = 0; d < a.ndim(); ++d) {
      if (static_cast<int>(d) != ax && a.chunks()[d] != first.chunks()[d]) {
        throw Error("concatenate: array " + std::to_string(k) +
                    " differs from the first in shape or chunks along axis " + std::to_string(d) +
                    "; rechunk it to match");
      }
    }
    for (std::int64_t c : a.chunks()[ax])
      chunks[ax].push_back(c), owner.push_back(static_cast<std::int64_t>(k));
  }
  Array::Layers layers;
  std::vector<Array> cast;
  for (const Array& a : arrays) cast.push_back(a.dtype() == dtype ? a : a.astype(dtype));
  for (const Array& a : cast) layers.insert(layers.end(), a.layers().begin(), a.layers().end());
  Shape nb = detail::numblocks_of(chunks);
  std::vector<std::int64_t> first_chunk(arrays.size(), 0);
  for (std::size_t c = owner.size(); c-- > 0;) first_chunk[owner[c]] = static_cast<std::int64_t>(c);
  std::vector<Key> keys;
  for (std::size_t i = 0; i < detail::grid_size(nb); ++i) {
    Shape idx = detail::grid_index(i, nb);
    const Array& a = cast[owner[idx[ax]]];
    idx[ax] -= first_chunk[owner[idx[ax]]];
    keys.push_back(a.keys()[detail::flat_index(idx, a.numblocks())]);
  }
  return Array(std::move(layers), std::move(keys), std::move(chunks), dtype);
}

Array stack(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) throw Error("stack: needs at least one array");
  int ax = detail::check_axis(axis, arrays[0].ndim() + 1, "stack");
  std::vector<Array> expanded;
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const Array& a = arrays[k];
    if (a.shape() != arrays[0].shape())
      throw Error("stack: array " + std::to_string(k) + " has shape " +
                  detail::shape_str(a.shape()) + ", the first " +
                  detail::shape_str(arrays[0].shape()));
    Chunks chunks = a.chunks();
    chunks.insert(chunks.begin() + ax, std::vector<std::int64_t>{1});
    Shape nb = detail::numblocks_of(chunks);
    std::vector<std::vector<Arg>> args;
    for (std::size_t i = 0; i < a.keys().size(); ++i) {
      Shape idx = detail::grid_index(i, nb), shape(idx.size());
      for (std::size_t d = 0; d < idx.size(); ++d) shape[d] = chunks[d][idx[d]];
      args.push_back({Arg(a.keys()[i]), Arg(Value(detail::shape_list(shape)))});
    }
    expanded.push_back(detail::layer_array({&a}, "expand-dims", "array.reshape", {}, a.dtype(),
                                           std::move(args), std::move(chunks)));
  }
  return concatenate(expanded, ax);
}

Array matmul(const Array& a, const Array& b0) {
  if (a.ndim() != 2 || b0.ndim() != 2)
    throw Error("matmul: takes 2-d arrays, got " + std::to_string(a.ndim()) + "-d and " +
                std::to_string(b0.ndim()) + "-d");
  if (a.shape()[1] != b0.shape()[0]) {
    throw Error("matmul: shapes " + detail::shape_str(a.shape()) + " and " +
                detail::shape_str(b0.shape()) + " do not align (" + std::to_string(a.shape()[1]) +
                " != " + std::to_string(b0.shape()[0]) + ")");
  }
  Array b = b0.rechunk(Chunks{a.chunks()[1], b0.chunks()[1]});
  DType dtype = detail::promote(a.dtype(), b.dtype());
  if (dtype == DType::kBool) dtype = DType::kInt64;
  Shape anb = a.numblocks(), bnb = b.numblocks();
  std::vector<std::vector<Arg>> args;
  for (std::int64_t i = 0; i < anb[0]; ++i) {
    for (std::int64_t j = 0; j < bnb[1]; ++j) {
      std::vector<Arg> x, y;
      for (std::int64_t k = 0; k < anb[1]; ++k) {
        x.emplace_back(a.keys()[detail::flat_index({i, k}, anb)]);
        y.emplace_back(b.keys()[detail::flat_index({k, j}, bnb)]);
      }
      args.push_back({Arg(std::move(x)), Arg(std::move(y))});
    }
  }
  return detail::layer_array({&a, &b}, "matmul", "array.matmul", {}, dtype, std::move(args),
                             Chunks{a.chunks()[0], b.chunks()[1]});
}

}  // namespace shoal
