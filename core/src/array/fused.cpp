// The op "array.fused" (see array_fusion.h): a program of random chunks,
// inputs, scalars and elementwise functions, optionally reduced, run a tile
// at a time when it can be and node by node otherwise.
#include <algorithm>
#include <optional>

#include "array/fusion.h"
#include "array/internal.h"
#include "array/kernels.h"
#include "array/random.h"

namespace shoal::detail {
namespace {

/// Elements per tile: every node's tile stays in L1 together.
constexpr std::int64_t kTile = 256;

std::vector<bool> bools_of(const Value& v) {
  std::vector<bool> out;
  for (const Value& b : v.as_list()) out.push_back(b.as_bool());
  return out;
}

RandomChunk random_of(const List& n, std::span<const Value> args) {
  return RandomChunk(n[3].as_string(), static_cast<std::uint64_t>(n[4].as_int()), n[5].as_float(),
                     n[6].as_float(), shape_of(n[7]), shape_of(n[8]), shape_of(args[n[1].as_int()]),
                     shape_of(args[n[2].as_int()]));
}

double scalar_of(const Value& v) {
  return v.is_bool() ? double(v.as_bool()) : v.as_float();
}

// ---- node by node: the unfused kernels, for whatever the tiles cannot do --

Value run_whole(std::span<const Value> args, const List& program) {
  std::vector<Value> vals;
  for (const Value& node : program) {
    const List& n = node.as_list();
    const std::string& kind = n[0].as_string();
    if (kind == "input" || kind == "scalar") {
      vals.push_back(args[n[1].as_int()]);
    } else if (kind == "random") {
      vals.emplace_back(random_block(n[3].as_string(), static_cast<std::uint64_t>(n[4].as_int()),
                                     n[5].as_float(), n[6].as_float(), shape_of(n[7]),
                                     shape_of(n[8]), shape_of(args[n[1].as_int()]),
                                     shape_of(args[n[2].as_int()])));
    } else if (kind == "fn") {
      std::vector<Value> operands;
      for (const Value& k : n[2].as_list()) operands.push_back(vals[k.as_int()]);
      vals.emplace_back(elementwise(n[1].as_string(), operands));
    } else if (kind == "reduce") {
      ReduceSpec spec{n[3].as_string(), bools_of(n[4]), shape_of(args[n[2].as_int()]),
                      shape_of(n[5])};
      vals.push_back(reduce_partial(vals[n[1].as_int()].as_tensor(), spec));
    } else {
      throw Error("array.fused: unknown program node '" + kind + "'");
    }
  }
  return vals.back();
}

// ---- a tile at a time ------------------------------------------------------

/// One node of a streamed program: where its tile comes from.
struct TileNode {
  enum Kind { kInput, kScalar, kRandom, kFn } kind;
  const double* data = nullptr;            ///< kInput: the chunk's elements.
  std::optional<RandomChunk> random;       ///< kRandom.
  Float64TileFn fn = nullptr;              ///< kFn.
  std::array<std::int64_t, 3> operands{};  ///< kFn: node positions.
  std::uint64_t origin = 0;                ///< kRandom: the current row's.
};

struct TilePlan {
  Shape shape;
  std::vector<TileNode> nodes;
  std::optional<RowReduce> reduce;
  std::int64_t reduce_input = -1;
};

/// Records the chunk shape s, or says whether it matches the one recorded.
bool same_shape(std::optional<Shape>& shape, const Shape& s) {
  if (!shape) shape = s;
  return *shape == s;
}

bool plan_fn(const List& n, TileNode& t) {
  t.kind = TileNode::kFn;
  t.fn = float64_tile_fn(n[1].as_string());
  const List& ops = n[2].as_list();
  if (!t.fn || ops.size() != static_cast<std::size_t>(elementwise_arity(n[1].as_string())))
    return false;
  for (std::size_t k = 0; k < 3; ++k) t.operands[k] = ops[std::min(k, ops.size() - 1)].as_int();
  return true;
}

/// The streamed form of the program, or nullopt when some node is not a
/// float64 chunk of the common shape, or the reduction is not sum or mean.
std::optional<TilePlan> plan_tiles(std::span<const Value> args, const List& program) {
  TilePlan plan;
  std::optional<Shape> shape;
  for (std::size_t i = 0; i < program.size(); ++i) {
    const List& n = program[i].as_list();
    const std::string& kind = n[0].as_string();
    TileNode& t = plan.nodes.emplace_back();
    if (kind == "input") {
      const Value& v = args[n[1].as_int()];
      if (!v.is_tensor() || v.as_tensor().dtype() != DType::kFloat64 ||
          !same_shape(shape, v.as_tensor().shape()))
        return std::nullopt;
      t = {TileNode::kInput, v.as_tensor().values<double>().data()};
    } else if (kind == "scalar") {
      const Value& v = args[n[1].as_int()];
      if (!v.is_number() && !v.is_bool()) return std::nullopt;
      t.kind = TileNode::kScalar;
    } else if (kind == "random") {
      if (!same_shape(shape, shape_of(args[n[2].as_int()]))) return std::nullopt;
      t.kind = TileNode::kRandom;
      t.random.emplace(random_of(n, args));
    } else if (kind == "fn") {
      if (!plan_fn(n, t)) return std::nullopt;
    } else if (kind == "reduce" && i + 1 == program.size() &&
               RowReduce::supports(n[3].as_string()) && shape) {
      plan.nodes.pop_back();
      plan.reduce.emplace(n[3].as_string(), *shape, bools_of(n[4]));
      plan.reduce_input = n[1].as_int();
    } else {
      return std::nullopt;
    }
  }
  if (!shape) return std::nullopt;
  plan.shape = *shape;
  return plan;
}

/// Makes tile [j0, j0 + len) of the current row of every node; returns
/// where each node's tile is.
void run_tile(TilePlan& plan, std::vector<double>& buf, std::vector<const double*>& at,
              std::int64_t row_start, std::int64_t j0, std::int64_t len) {
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    TileNode& t = plan.nodes[i];
    double* mine = buf.data() + i * kTile;
    switch (t.kind) {
      case TileNode::kInput:
        at[i] = t.data + row_start + j0;
        break;
      case TileNode::kScalar:
        at[i] = mine;
        break;  // filled once, up front
      case TileNode::kRandom:
        t.random->fill(mine, len, t.origin + static_cast<std::uint64_t>(j0) * t.random->row_step());
        at[i] = mine;
        break;
      case TileNode::kFn:
        t.fn(mine, len, at[t.operands[0]], at[t.operands[1]], at[t.operands[2]]);
        at[i] = mine;
        break;
    }
  }
}

Value run_tiles(TilePlan& plan, std::span<const Value> args, const List& program) {
  std::size_t r = plan.shape.size();
  std::int64_t inner = r ? plan.shape[r - 1] : 1, n = 1;
  for (std::int64_t d : plan.shape) n *= d;
  std::vector<double> buf(plan.nodes.size() * kTile), out;
  std::vector<const double*> at(plan.nodes.size());
  for (std::size_t i = 0; i < plan.nodes.size(); ++i) {
    if (plan.nodes[i].kind != TileNode::kScalar) continue;
    double v = scalar_of(args[program[i].as_list()[1].as_int()]);
    std::fill_n(buf.data() + i * kTile, kTile, v);
  }
  if (!plan.reduce) out.reserve(static_cast<std::size_t>(n));
  Shape idx(r, 0);
  for (std::int64_t row_start = 0; row_start < n; row_start += inner) {
    for (TileNode& t : plan.nodes)
      if (t.kind == TileNode::kRandom) t.origin = t.random->row_origin(idx);
    std::int64_t target = plan.reduce ? plan.reduce->row_target(idx) : 0;
    for (std::int64_t j0 = 0; j0 < inner; j0 += kTile) {
      std::int64_t len = std::min(kTile, inner - j0);
      run_tile(plan, buf, at, row_start, j0, len);
      if (plan.reduce)
        plan.reduce->add(target, j0, at[plan.reduce_input], len);
      else
        out.insert(out.end(), at.back(), at.back() + len);
    }
    for (std::size_t d = r - 1; r && d-- > 0;) {
      if (++idx[d] < plan.shape[d]) break;
      idx[d] = 0;
    }
  }
  if (plan.reduce) return plan.reduce->finish();
  return Value(Tensor(plan.shape, std::move(out)));
}

}  // namespace

Value run_fused(std::span<const Value> args, const Params& params) {
  const List& program = params.at("program").as_list();
  if (program.empty()) throw Error("array.fused: empty program");
  if (auto plan = plan_tiles(args, program)) return run_tiles(*plan, args, program);
  return run_whole(args, program);
}

}  // namespace shoal::detail
