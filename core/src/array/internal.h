// Chunk-grid arithmetic shared by the Array builders. Internal to core.
#pragma once

#include <string>
#include <vector>

#include "array/visit.h"
#include "shoal/array.h"
#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal::detail {

/// The grid index of the chunk at row-major position flat.
inline Shape grid_index(std::size_t flat, const Shape& numblocks) {
  Shape idx(numblocks.size());
  for (std::size_t d = numblocks.size(); d-- > 0;) {
    idx[d] = static_cast<std::int64_t>(flat) % numblocks[d];
    flat /= static_cast<std::size_t>(numblocks[d]);
  }
  return idx;
}

inline std::size_t flat_index(const Shape& idx, const Shape& numblocks) {
  std::size_t flat = 0;
  for (std::size_t d = 0; d < idx.size(); ++d)
    flat = flat * static_cast<std::size_t>(numblocks[d]) + static_cast<std::size_t>(idx[d]);
  return flat;
}

inline std::size_t grid_size(const Shape& numblocks) {
  std::size_t n = 1;
  for (std::int64_t b : numblocks) n *= static_cast<std::size_t>(b);
  return n;
}

/// Start of each chunk along an axis, plus the axis length at the end.
inline std::vector<std::int64_t> offsets(const std::vector<std::int64_t>& sizes) {
  std::vector<std::int64_t> out{0};
  for (std::int64_t s : sizes) out.push_back(out.back() + s);
  return out;
}

inline Shape numblocks_of(const Chunks& chunks) {
  Shape nb;
  for (const auto& c : chunks) nb.push_back(static_cast<std::int64_t>(c.size()));
  return nb;
}

/// Normalises an axis (negative counts from the end); throws naming where.
inline int check_axis(int axis, std::size_t ndim, const std::string& where) {
  int n = static_cast<int>(ndim);
  if (axis < -n || axis >= n) {
    throw Error(where + ": axis " + std::to_string(axis) + " is out of range for an array of " +
                std::to_string(ndim) + " dimensions (use -" + std::to_string(n) + " .. " +
                std::to_string(n - 1) + ")");
  }
  return axis < 0 ? axis + n : axis;
}

inline List shape_list(const Shape& s) {
  List out;
  for (std::int64_t d : s) out.emplace_back(d);
  return out;
}

inline Shape shape_of(const Value& v) {
  Shape out;
  for (const Value& d : v.as_list()) out.push_back(d.as_int());
  return out;
}

/// One layer of tasks: a task per chunk, keys in row-major grid order.
struct Layer {
  std::shared_ptr<Graph> graph;
  std::vector<Key> keys;
};
/// A task of `op` per entry of args (row-major over the grid of chunks),
/// keyed name-<token of op, params and args> with the chunk's grid index.
Layer make_layer(std::string_view name, const std::string& op, Params params,
                 std::vector<std::vector<Arg>> args, const Chunks& chunks);
/// [offset list, shape list] of every chunk, row-major: the arguments of
/// source ops (array.full, array.random, array.range).
std::vector<std::vector<Arg>> chunk_args(const Chunks& chunks);

/// An array of a new layer over the layers of its inputs.
inline Array layer_array(const std::vector<const Array*>& inputs, std::string_view name,
                         const std::string& op, Params params, DType dtype,
                         std::vector<std::vector<Arg>> args, Chunks chunks) {
  Layer layer = make_layer(name, op, std::move(params), std::move(args), chunks);
  Array::Layers layers;
  for (const Array* a : inputs) layers.insert(layers.end(), a->layers().begin(), a->layers().end());
  layers.push_back(std::move(layer.graph));
  return Array(std::move(layers), std::move(layer.keys), std::move(chunks), dtype);
}

}  // namespace shoal::detail
