// Array::reshape as Dask does it: the array is rechunked so that every chunk
// is a run of whole rows (axis 0) whose element count is a multiple of an
// output row's, then each chunk is reshaped on its own.
#include <numeric>

#include "array/internal.h"

namespace shoal {
namespace {

std::int64_t product(const Shape& s, std::size_t from = 0) {
  std::int64_t n = 1;
  for (std::size_t d = from; d < s.size(); ++d) n *= s[d];
  return n;
}

/// The new shape with a -1 resolved; throws when it cannot hold size elements.
Shape resolve(Shape shape, std::int64_t size, const Shape& from) {
  std::int64_t known = 1;
  int unknown = -1;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == -1 && unknown < 0)
      unknown = static_cast<int>(d);
    else if (shape[d] < 0)
      throw Error("Array.reshape: bad dimension " + std::to_string(shape[d]) + " (one -1 at most)");
    else
      known *= shape[d];
  }
  if (unknown >= 0 && known > 0 && size % known == 0) shape[unknown] = size / known;
  if (product(shape) != size) {
    throw Error("Array.reshape: cannot reshape an array of shape " + detail::shape_str(from) +
                " into " + detail::shape_str(shape) + " (sizes differ)");
  }
  return shape;
}

}  // namespace

Array Array::reshape(Shape new_shape) const {
  Shape shape = resolve(std::move(new_shape), size(), shape_);
  if (shape == shape_) return *this;
  if (ndim() == 0 || shape.empty() || size() == 0) {
    // Degenerate shapes: one chunk in, one chunk out.
    Chunks one, out;
    for (std::int64_t d : shape_) one.push_back({d});
    for (std::int64_t d : shape) out.push_back({d});
    Array whole = rechunk(one);
    return detail::layer_array({&whole}, "reshape", "array.reshape", {}, dtype_,
                               {{Arg(whole.keys()[0]), Arg(Value(detail::shape_list(shape)))}},
                               std::move(out));
  }
  std::int64_t in_row = product(shape_, 1), out_row = product(shape, 1);
  std::int64_t step =
      in_row == 0 ? 1 : std::lcm(in_row, out_row) / in_row;  // input rows per whole output rows
  std::int64_t rows = (chunks_[0][0] + step - 1) / step * step;
  Chunks in_chunks{uniform_chunks(shape_[0], std::max(rows, step))};
  for (std::size_t d = 1; d < ndim(); ++d) in_chunks.push_back({shape_[d]});
  Array rows_array = rechunk(in_chunks);
  Chunks out{{}};
  for (std::size_t d = 1; d < shape.size(); ++d) out.push_back({shape[d]});
  std::vector<std::vector<Arg>> args;
  for (std::size_t i = 0; i < rows_array.keys().size(); ++i) {
    Shape chunk = shape;
    chunk[0] = in_chunks[0][i] * in_row / out_row;
    out[0].push_back(chunk[0]);
    args.push_back({Arg(rows_array.keys()[i]), Arg(Value(detail::shape_list(chunk)))});
  }
  return detail::layer_array({&rows_array}, "reshape", "array.reshape", {}, dtype_, std::move(args),
                             std::move(out));
}

}  // namespace shoal
