// Array reductions as trees: "array.reduce_partial" per chunk, then
// "array.reduce_combine" over groups of split_every partials until one is
// left per output chunk, then "array.reduce_finalize".
#include <algorithm>

#include "array/internal.h"
#include "array/kernels.h"

namespace shoal {
namespace {

const char* const kFuncs[] = {"sum", "mean", "min", "max", "var", "std", "argmin", "argmax"};

std::vector<bool> reduced_axes(const std::string& func, const Reduce& r, std::size_t ndim) {
  std::string where = "Array." + func;
  if (std::find(std::begin(kFuncs), std::end(kFuncs), func) == std::end(kFuncs)) {
    throw Error(where + ": unknown reduction (sum mean min max var std argmin argmax)");
  }
  if (r.split_every < 2)
    throw Error(where + ": split_every must be at least 2, got " + std::to_string(r.split_every));
  if (func[0] == 'a' && r.axis.size() > 1)
    throw Error(where + ": takes no axis or exactly one, got " + std::to_string(r.axis.size()));
  std::vector<bool> reduced(ndim, r.axis.empty());
  for (int a : r.axis) {
    int d = detail::check_axis(a, ndim, where);
    if (reduced[d]) throw Error(where + ": axis " + std::to_string(a) + " given twice");
    reduced[d] = true;
  }
  return reduced;
}

struct Tree {
  std::shared_ptr<Graph> graph = std::make_shared<Graph>();
  std::string token;
};

/// Combines keys in groups of split_every until one is left; returns it.
Key combine(Tree& tree, std::vector<Key> keys, std::int64_t out, const Reduce& r, OpPtr op,
            const std::shared_ptr<const Params>& params) {
  Key base("reduce-combine-" + tree.token);
  for (std::int64_t level = 0; keys.size() > 1; ++level) {
    std::vector<Key> next;
    for (std::size_t g = 0; g < keys.size(); g += static_cast<std::size_t>(r.split_every)) {
      std::vector<Arg> items;
      for (std::size_t k = g;
           k < std::min(keys.size(), g + static_cast<std::size_t>(r.split_every)); ++k)
        items.emplace_back(keys[k]);
      next.push_back(base.with_index({level, out, static_cast<std::int64_t>(g)}));
      tree.graph->add(Task{next.back(), op, {Arg(std::move(items))}, params, nullptr});
    }
    keys = std::move(next);
  }
  return keys[0];
}

}  // namespace

Array Array::reduce(const std::string& func, Reduce r) const {
  std::vector<bool> reduced = reduced_axes(func, r, ndim());
  Tokenizer token;
  token.add(func)
      .add(static_cast<std::int64_t>(r.keepdims))
      .add(r.ddof)
      .add(static_cast<std::int64_t>(r.split_every));
  for (bool b : reduced) token.add(static_cast<std::int64_t>(b));
  for (const Key& k : keys_) token.add(k);
  Tree tree{std::make_shared<Graph>(), token.hex()};
  List reduced_list;
  for (bool b : reduced) reduced_list.emplace_back(b);
  auto partial_params =
      std::make_shared<const Params>(Params{{"func", Value(func)},
                                            {"reduced", Value(reduced_list)},
                                            {"shape", Value(detail::shape_list(shape_))}});
  auto combine_params = std::make_shared<const Params>(Params{{"func", Value(func)}});
  OpPtr partial_op = OpRegistry::global().get("array.reduce_partial");
  OpPtr combine_op = OpRegistry::global().get("array.reduce_combine");

  // Partials, grouped by the output chunk they feed.
  Shape nb = numblocks(), out_nb = nb;
  for (std::size_t d = 0; d < nb.size(); ++d)
    if (reduced[d]) out_nb[d] = 1;
  std::vector<std::vector<std::int64_t>> offs;
  for (const auto& c : chunks_) offs.push_back(detail::offsets(c));
  std::vector<std::vector<Key>> groups(detail::grid_size(out_nb));
  Key pbase("reduce-partial-" + tree.token);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    Shape idx = detail::grid_index(i, nb), out_idx = idx, off(idx.size());
    for (std::size_t d = 0; d < idx.size(); ++d) {
      off[d] = offs[d][idx[d]];
      if (reduced[d]) out_idx[d] = 0;
    }
    Key k = pbase.with_index(idx);
    tree.graph->add(Task{k,
                         partial_op,
                         {Arg(keys_[i]), Arg(Value(detail::shape_list(off)))},
                         partial_params,
                         nullptr});
    groups[detail::flat_index(out_idx, out_nb)].push_back(k);
  }

  Chunks out_chunks;
  for (std::size_t d = 0; d < nb.size(); ++d) {
    if (!reduced[d])
      out_chunks.push_back(chunks_[d]);
    else if (r.keepdims)
      out_chunks.push_back({1});
  }
  std::vector<std::vector<Arg>> args;
  for (std::size_t o = 0; o < groups.size(); ++o) {
    args.push_back({Arg(
        combine(tree, groups[o], static_cast<std::int64_t>(o), r, combine_op, combine_params))});
  }
  Array with_tree(Layers(layers_), keys_, chunks_, dtype_);
  with_tree.layers_.push_back(tree.graph);
  return detail::layer_array({&with_tree}, func, "array.reduce_finalize",
                             Params{{"func", Value(func)},
                                    {"reduced", Value(reduced_list)},
                                    {"keepdims", Value(r.keepdims)},
                                    {"ddof", Value(r.ddof)},
                                    {"dtype", Value(std::string(dtype_name(dtype_)))}},
                             detail::reduce_dtype(func, dtype_), std::move(args),
                             std::move(out_chunks));
}

}  // namespace shoal
