// Array: the collection itself — chunk bookkeeping, layers of tasks,
// compute and persist.
#include "shoal/array.h"

#include "array/fusion.h"
#include "array/internal.h"
#include "array/kernels.h"
#include "shoal/op.h"

namespace shoal {

using detail::grid_index;

Array::Array(Layers layers, std::vector<Key> keys, Chunks chunks, DType dtype)
    : layers_(std::move(layers)),
      keys_(std::move(keys)),
      chunks_(std::move(chunks)),
      dtype_(dtype) {
  for (const auto& c : chunks_) {
    std::int64_t n = 0;
    for (std::int64_t s : c) {
      if (s < 0) throw Error("Array: negative chunk size " + std::to_string(s));
      n += s;
    }
    shape_.push_back(n);
  }
  if (keys_.size() != detail::grid_size(numblocks())) {
    throw Error("Array: " + std::to_string(keys_.size()) + " keys for a grid of " +
                std::to_string(detail::grid_size(numblocks())) + " chunks");
  }
}

std::int64_t Array::size() const noexcept {
  std::int64_t n = 1;
  for (std::int64_t d : shape_) n *= d;
  return n;
}

Shape Array::numblocks() const {
  return detail::numblocks_of(chunks_);
}

Graph Array::graph() const {
  Graph g;
  std::size_t n = 0;
  for (const auto& l : layers_) n += l->size();
  g.reserve(n);
  for (const auto& l : layers_) g.merge(*l);
  return g;
}

// Dask, too, optimizes array graphs (blockwise fusion) before it runs them.
Graph Array::optimized_graph() const {
  return detail::fuse_blockwise(graph().cull(keys_), keys_);
}

Tensor Array::compute(Executor& executor) const {
  return assemble(executor.run(optimized_graph(), keys_, detail::compute_options()));
}

Tensor Array::assemble(std::span<const Value> values) const {
  if (values.size() != keys_.size()) {
    throw Error("Array::assemble: " + std::to_string(values.size()) + " values for " +
                std::to_string(keys_.size()) + " chunks");
  }
  Shape nb = numblocks();
  std::vector<std::vector<std::int64_t>> offs;
  for (const auto& c : chunks_) offs.push_back(detail::offsets(c));
  std::vector<detail::Piece> pieces;
  std::vector<Tensor> casted;
  casted.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    Shape idx = grid_index(i, nb), start(idx.size());
    for (std::size_t d = 0; d < idx.size(); ++d) start[d] = offs[d][idx[d]];
    casted.push_back(detail::cast(values[i].as_tensor(), dtype_));
    pieces.push_back({&casted.back(), Shape(idx.size(), 0), start, casted.back().shape()});
  }
  return detail::assemble(dtype_, shape_, pieces);
}

Array Array::persist(Executor& executor) const {
  std::vector<Value> values = executor.run(optimized_graph(), keys_, detail::compute_options());
  auto g = std::make_shared<Graph>();
  OpPtr identity = OpRegistry::global().get("identity");
  for (std::size_t i = 0; i < keys_.size(); ++i)
    g->add(Task{keys_[i], identity, {Arg(values[i])}, nullptr, nullptr});
  return Array({g}, keys_, chunks_, dtype_);
}

namespace detail {
namespace {
void add_args(Tokenizer& token, const std::vector<Arg>& args) {
  token.add(static_cast<std::int64_t>(args.size()));
  for (const Arg& x : args) {
    if (x.is_ref())
      token.add(x.ref());
    else if (x.is_literal())
      token.add(x.literal());
    else
      add_args(token, x.items());
  }
}
}  // namespace

Layer make_layer(std::string_view name, const std::string& op, Params params,
                 std::vector<std::vector<Arg>> args, const Chunks& chunks) {
  OpPtr fn = OpRegistry::global().get(op);
  auto p = std::make_shared<const Params>(std::move(params));
  Tokenizer token;
  token.add(op);
  for (const auto& [k, v] : *p) token.add(k).add(v);
  for (const auto& a : args) add_args(token, a);
  Key base(std::string(name) + "-" + token.hex());
  Layer layer{std::make_shared<Graph>(), {}};
  layer.graph->reserve(args.size());
  Shape nb = numblocks_of(chunks);
  for (std::size_t i = 0; i < args.size(); ++i) {
    layer.keys.push_back(base.with_index(grid_index(i, nb)));
    layer.graph->add(Task{layer.keys.back(), fn, std::move(args[i]), p, nullptr});
  }
  return layer;
}

}  // namespace detail

Array Array::with(std::string_view name, const std::string& op, Params params, DType dtype,
                  std::vector<std::vector<Arg>> args, Chunks chunks) const {
  detail::Layer layer = detail::make_layer(name, op, std::move(params), std::move(args), chunks);
  Layers layers = layers_;
  layers.push_back(std::move(layer.graph));
  return Array(std::move(layers), std::move(layer.keys), std::move(chunks), dtype);
}

Array Array::astype(DType dtype) const {
  std::vector<std::vector<Arg>> args;
  for (const Key& k : keys_) args.push_back({Arg(k)});
  return with("astype", "array.astype", Params{{"dtype", Value(std::string(dtype_name(dtype)))}},
              dtype, std::move(args), chunks_);
}

Array Array::map_blocks(const std::string& op, Params params, DType dtype) const {
  std::vector<std::vector<Arg>> args;
  for (const Key& k : keys_) args.push_back({Arg(k)});
  return with(op, op, std::move(params), dtype, std::move(args), chunks_);
}

std::vector<std::int64_t> uniform_chunks(std::int64_t n, std::int64_t c) {
  if (c <= 0) throw Error("chunk size " + std::to_string(c) + " must be positive");
  std::vector<std::int64_t> out(static_cast<std::size_t>(n / c), c);
  if (n % c || n == 0) out.push_back(n % c);
  return out;
}

}  // namespace shoal
