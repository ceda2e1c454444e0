// Task: one unit of work in a graph — an op, its arguments and parameters.
#pragma once

#include <memory>
#include <type_traits>
#include <variant>
#include <vector>

#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/params.h"
#include "shoal/value.h"

namespace shoal {

/// An argument of a task: a literal Value, a reference to another task's
/// result (by Key), or a list of arguments (passed to the op as a List).
class Arg {
 public:
  Arg(Value literal) : v_(std::move(literal)) {}
  Arg(Key ref) : v_(std::move(ref)) {}
  Arg(std::vector<Arg> items) : v_(std::move(items)) {}
  template <class T>
  requires(std::is_constructible_v<Value, T> && !std::is_same_v<std::decay_t<T>, Value>)
      Arg(T&& literal)
      : v_(Value(std::forward<T>(literal))) {}

  bool is_literal() const noexcept { return v_.index() == 0; }
  bool is_ref() const noexcept { return v_.index() == 1; }
  bool is_list() const noexcept { return v_.index() == 2; }
  const Value& literal() const { return std::get<0>(v_); }
  const Key& ref() const { return std::get<1>(v_); }
  const std::vector<Arg>& items() const { return std::get<2>(v_); }

 private:
  std::variant<Value, Key, std::vector<Arg>> v_;
};

struct Task {
  Key key;
  OpPtr op;
  std::vector<Arg> args;
  std::shared_ptr<const Params> params;  ///< May be null: no parameters.
  /// Tasks fused into this one by Graph::fuse(), run in order before it;
  /// this task's arguments may refer to their keys. Usually empty.
  std::shared_ptr<const std::vector<Task>> prelude;

  /// The distinct keys this task needs from the graph (references in its
  /// arguments and prelude, less the keys its prelude produces).
  std::vector<Key> dependencies() const;
  const std::string& op_name() const;
};

/// Calls f(key) for every reference to a key outside the task, in argument
/// order (prelude first), repeats included. Executors use this order to hand
/// the referenced values to run_task().
template <class F>
void for_each_external_ref(const Task& task, F&& f);

/// Runs a task: resolves its arguments from the referenced values (given in
/// for_each_external_ref order), runs its prelude, then its op. Exceptions
/// from the op propagate unchanged.
Value run_task(const Task& task, std::span<const Value> refs, OpContext& ctx);

namespace detail {
bool prelude_produces(const Task& task, const Key& key);
template <class F>
void walk_refs(const std::vector<Arg>& args, const Task& task, F& f) {
  for (const Arg& a : args) {
    if (a.is_ref()) {
      if (!prelude_produces(task, a.ref())) f(a.ref());
    } else if (a.is_list()) {
      walk_refs(a.items(), task, f);
    }
  }
}
}  // namespace detail

template <class F>
void for_each_external_ref(const Task& task, F&& f) {
  if (task.prelude) {
    for (const Task& p : *task.prelude) detail::walk_refs(p.args, task, f);
  }
  detail::walk_refs(task.args, task, f);
}

}  // namespace shoal
