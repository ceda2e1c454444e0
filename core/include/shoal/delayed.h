// Delayed: lazy function calls that build a task graph.
//
//   SHOAL_FUNCTION(inc, [](std::int64_t x) { return x + 1; });
//   auto a = shoal::delayed(inc)(1);                       // nothing runs yet
//   auto b = shoal::delayed([](std::int64_t x, std::int64_t y) { return x * y; })(a, 10);
//   auto [x, y] = shoal::compute(a, b);                    // 2, 20
//
// A call on Delayed arguments records a task whose key is the function's name
// plus a token of its arguments, so the same call gives the same key and
// shared work is computed once. Functions registered with SHOAL_FUNCTION run
// by name (on any node that registers them); plain lambdas run in-process
// only (their op is local_only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "shoal/error.h"
#include "shoal/executor.h"
#include "shoal/graph.h"
#include "shoal/value_traits.h"

namespace shoal {

namespace detail {

/// One recorded call: its task and the calls it depends on.
struct DelayedNode {
  Task task;
  std::vector<std::shared_ptr<const DelayedNode>> deps;
};
using NodePtr = std::shared_ptr<const DelayedNode>;

/// All tasks reachable from roots, each once.
Graph collect_graph(std::span<const NodePtr> roots);
/// A node holding an already computed value (see Delayed::persist()).
NodePtr literal_node(const Key& key, Value value);
/// A process-unique number, for tokens of lambdas that capture state.
std::uint64_t next_nonce() noexcept;

}  // namespace detail

template <class T>
class Delayed {
 public:
  using value_type = T;

  explicit Delayed(detail::NodePtr node) : node_(std::move(node)) {}

  const Key& key() const noexcept { return node_->task.key; }
  const detail::NodePtr& node() const noexcept { return node_; }
  /// The tasks this value needs, itself included.
  Graph graph() const { return detail::collect_graph({&node_, 1}); }

  T compute(Executor& executor) const {
    Key k = key();
    return from_value<T>(executor.run(graph(), {&k, 1}, detail::compute_options()).at(0));
  }
  T compute() const { return compute(default_executor()); }

  /// Computes the value now and returns a Delayed that holds it, so that
  /// later computations reuse it instead of recomputing its graph.
  Delayed persist(Executor& executor) const {
    Key k = key();
    Value v = executor.run(graph(), {&k, 1}, detail::compute_options()).at(0);
    return Delayed(detail::literal_node(k, std::move(v)));
  }
  Delayed persist() const { return persist(default_executor()); }

 private:
  detail::NodePtr node_;
};

namespace detail {

template <class A>
struct Unwrap {
  using type = std::decay_t<A>;
};
template <class T>
struct Unwrap<Delayed<T>> {
  using type = T;
};
/// A vector of Delayed values is one argument: the list of their results.
template <class T>
struct Unwrap<std::vector<Delayed<T>>> {
  using type = std::vector<T>;
};
template <class A>
using unwrap_t = typename Unwrap<std::decay_t<A>>::type;

template <class A>
struct IsDelayedList : std::false_type {};
template <class T>
struct IsDelayedList<std::vector<Delayed<T>>> : std::true_type {};
template <class A>
constexpr bool is_delayed_list_v = IsDelayedList<std::decay_t<A>>::value;
template <class A>
constexpr bool is_delayed_v =
    !std::is_same_v<unwrap_t<A>, std::decay_t<A>> && !is_delayed_list_v<A>;

/// Calls fn with args unpacked to Ps... and wraps the result.
template <class... Ps, class F, std::size_t... I>
Value invoke_unpacked(const F& fn, std::span<const Value> args, std::index_sequence<I...>) {
  using R = std::invoke_result_t<const F&, Ps...>;
  if constexpr (std::is_void_v<R>) {
    fn(from_value<Ps>(args[I])...);
    return Value();
  } else {
    return to_value(fn(from_value<Ps>(args[I])...));
  }
}

template <class... Ps, class F>
OpFunction make_op_function(F fn) {
  return [fn = std::move(fn)](OpContext&, std::span<const Value> args, const Params&) {
    if (args.size() != sizeof...(Ps)) {
      throw Error("expected " + std::to_string(sizeof...(Ps)) + " arguments, got " +
                  std::to_string(args.size()));
    }
    return invoke_unpacked<Ps...>(fn, args, std::index_sequence_for<Ps...>{});
  };
}

/// Parameter types of a non-generic callable.
template <class F>
struct Signature : Signature<decltype(&F::operator())> {};
template <class R, class... Ps>
struct Signature<R (*)(Ps...)> {
  using params = std::tuple<std::decay_t<Ps>...>;
};
template <class R, class... Ps>
struct Signature<R(Ps...)> : Signature<R (*)(Ps...)> {};
template <class C, class R, class... Ps>
struct Signature<R (C::*)(Ps...) const> : Signature<R (*)(Ps...)> {};
template <class C, class R, class... Ps>
struct Signature<R (C::*)(Ps...)> : Signature<R (*)(Ps...)> {};

template <class F, class Tuple>
struct OpForTuple;
template <class F, class... Ps>
struct OpForTuple<F, std::tuple<Ps...>> {
  static OpFunction make(F fn) { return make_op_function<Ps...>(std::move(fn)); }
};

/// Registers fn as a global op named `name`; returns the op.
OpPtr register_function(std::string name, OpFunction fn);

}  // namespace detail

/// A function registered under a stable name (see SHOAL_FUNCTION). Callable
/// directly, and by delayed() as a graph op that any node can run.
template <class F>
class RegisteredFunction {
 public:
  RegisteredFunction(const char* name, F fn)
      : RegisteredFunction(std::string(name), std::move(fn)) {}
  RegisteredFunction(std::string name, F fn)
      : fn_(fn),
        op_(detail::register_function(
            std::move(name),
            detail::OpForTuple<F, typename detail::Signature<F>::params>::make(fn))) {}

  template <class... A>
  decltype(auto) operator()(A&&... a) const {
    return fn_(std::forward<A>(a)...);
  }
  const OpPtr& op() const noexcept { return op_; }
  const F& function() const noexcept { return fn_; }

 private:
  F fn_;
  OpPtr op_;
};

template <class F>
RegisteredFunction(const char*, F) -> RegisteredFunction<F>;
template <class F>
RegisteredFunction(std::string, F) -> RegisteredFunction<F>;

/// The callable delayed() returns: calling it records a task.
template <class F>
class DelayedFunction {
 public:
  /// A registered op, run by name.
  explicit DelayedFunction(OpPtr op) : op_(std::move(op)) {}
  /// An in-process lambda.
  explicit DelayedFunction(F fn) : fn_(std::move(fn)) {
    if constexpr (!std::is_empty_v<F>) nonce_ = detail::next_nonce();
  }

  template <class... A>
  auto operator()(A&&... args) const {
    using R =
        std::conditional_t<std::is_void_v<std::invoke_result_t<const F&, detail::unwrap_t<A>...>>,
                           Value, std::invoke_result_t<const F&, detail::unwrap_t<A>...>>;
    auto node = std::make_shared<detail::DelayedNode>();
    node->task.op = op_ ? op_ : lambda_op<detail::unwrap_t<A>...>();
    Tokenizer token;
    token.add(node->task.op->name);
    // Lambdas all share the op name "lambda": their type tells them apart,
    // and a nonce tells apart instances that may capture different state.
    if (!op_) token.add(typeid(F).name());
    if (nonce_) token.add(static_cast<std::int64_t>(nonce_));
    node->task.args.reserve(sizeof...(A));
    (add_arg(*node, token, std::forward<A>(args)), ...);
    node->task.key = Key(node->task.op->name + "-" + token.hex());
    return Delayed<std::decay_t<R>>(std::move(node));
  }

 private:
  template <class... Ps>
  OpPtr lambda_op() const {
    auto op = std::make_shared<Op>();
    op->name = "lambda";
    op->doc = typeid(F).name();
    op->local_only = true;
    op->fn = detail::make_op_function<Ps...>(*fn_);
    op->inputs.resize(sizeof...(Ps));
    return op;
  }
  template <class A>
  static void add_arg(detail::DelayedNode& node, Tokenizer& token, A&& a) {
    if constexpr (detail::is_delayed_v<A>) {
      token.add(a.key());
      node.task.args.emplace_back(a.key());
      node.deps.push_back(a.node());
    } else if constexpr (detail::is_delayed_list_v<A>) {
      std::vector<Arg> items;
      items.reserve(a.size());
      token.add(static_cast<std::int64_t>(a.size()));
      for (const auto& d : a) {
        token.add(d.key());
        items.emplace_back(d.key());
        node.deps.push_back(d.node());
      }
      node.task.args.emplace_back(std::move(items));
    } else {
      Value v = to_value(std::forward<A>(a));
      token.add(v);
      node.task.args.emplace_back(std::move(v));
    }
  }

  OpPtr op_;
  std::optional<F> fn_;
  std::uint64_t nonce_ = 0;
};

/// Wraps a registered function: calls record tasks of its op.
template <class F>
DelayedFunction<F> delayed(const RegisteredFunction<F>& f) {
  return DelayedFunction<F>(f.op());
}
/// Wraps a callable: calls record tasks that run it in-process.
template <class F>
DelayedFunction<std::decay_t<F>> delayed(F&& fn) {
  return DelayedFunction<std::decay_t<F>>(std::forward<F>(fn));
}

/// Computes several delayed values in one run; work they share runs once.
template <class... T>
std::tuple<T...> compute(Executor& executor, const Delayed<T>&... ds) {
  detail::NodePtr roots[] = {ds.node()...};
  Key keys[] = {ds.key()...};
  Graph graph = detail::collect_graph(roots);
  std::vector<Value> values = executor.run(graph, keys, detail::compute_options());
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple<T...>{from_value<T>(values[I])...};
  }
  (std::index_sequence_for<T...>{});
}
template <class... T>
std::tuple<T...> compute(const Delayed<T>&... ds) {
  return compute(default_executor(), ds...);
}

}  // namespace shoal

/// Defines `name` as a RegisteredFunction whose op is registered globally
/// under "name". The callable must not be generic (its parameter types are
/// what the op unpacks its arguments to).
#define SHOAL_FUNCTION(name, ...)                 \
  inline const ::shoal::RegisteredFunction name { \
#name, __VA_ARGS__                            \
  }
