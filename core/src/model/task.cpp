#include "shoal/task.h"

#include <algorithm>
#include <array>

#include "shoal/error.h"

namespace shoal {

namespace detail {
bool prelude_produces(const Task& task, const Key& key) {
  if (!task.prelude) return false;
  for (const Task& p : *task.prelude) {
    if (p.key == key) return true;
  }
  return false;
}
}  // namespace detail

std::vector<Key> Task::dependencies() const {
  std::vector<Key> deps;
  for_each_external_ref(*this, [&](const Key& k) {
    if (std::find(deps.begin(), deps.end(), k) == deps.end()) deps.push_back(k);
  });
  return deps;
}

const std::string& Task::op_name() const {
  static const std::string kNone = "<no op>";
  return op ? op->name : kNone;
}

namespace {

// Turns arguments into values: literals as they are, references from the
// prelude's results or from the executor-supplied values, in walk order.
class Resolver {
 public:
  Resolver(const Task& task, std::span<const Value> refs) : task_(task), refs_(refs) {}

  Value resolve(const Arg& a) {
    if (a.is_literal()) return a.literal();
    if (a.is_ref()) return lookup(a.ref());
    List items;
    items.reserve(a.items().size());
    for (const Arg& item : a.items()) items.push_back(resolve(item));
    return Value(std::move(items));
  }

  void add_prelude_result(Value v) { prelude_values_.push_back(std::move(v)); }

 private:
  Value lookup(const Key& key) {
    if (task_.prelude) {
      // Newest first: in a fused chain a task usually reads the one before.
      const auto& prelude = *task_.prelude;
      for (std::size_t j = prelude_values_.size(); j-- > 0;) {
        if (prelude[j].key == key) return prelude_values_[j];
      }
      if (detail::prelude_produces(task_, key)) {
        throw Error("fused task " + task_.key.str() + " refers to " + key.str() +
                    " before it runs");
      }
    }
    if (next_ >= refs_.size()) {
      throw Error("task " + task_.key.str() + " was given " + std::to_string(refs_.size()) +
                  " input values but refers to more");
    }
    return refs_[next_++];
  }

  const Task& task_;
  std::span<const Value> refs_;
  std::size_t next_ = 0;
  std::vector<Value> prelude_values_;
};

// The op a task runs here: by name from the worker's registry when the
// executor gave one (ops travel by name), else the task's own op object.
OpPtr op_here(const Task& t, const OpContext& ctx) {
  if (!ctx.registry || t.op->local_only) return t.op;
  OpPtr op = ctx.registry->find(t.op->name);
  if (!op) {
    throw Error("op '" + t.op->name + "' is not registered on worker " + std::string(ctx.worker) +
                "; load the plugin that provides it into that worker's registry");
  }
  return op;
}

// A stateful op's state: the worker's, or a fresh one for this call when the
// executor keeps none.
std::shared_ptr<void> state_for(const OpPtr& op, OpContext& ctx) {
  if (!op->make_state) {
    ctx.state = nullptr;
    return nullptr;
  }
  if (ctx.states) {
    ctx.state = ctx.states->get(op);
    return nullptr;
  }
  std::shared_ptr<void> fresh = op->make_state();
  ctx.state = fresh.get();
  return fresh;
}

Value call_op(const Task& t, Resolver& r, OpContext& ctx) {
  if (!t.op) throw Error("task " + t.key.str() + " has no op");
  static const Params kNoParams;
  const Params& params = t.params ? *t.params : kNoParams;
  ctx.key = &t.key;
  OpPtr op = (ctx.registry || t.op->make_state) ? op_here(t, ctx) : nullptr;
  const Op& run = op ? *op : *t.op;
  std::shared_ptr<void> keep = op ? state_for(op, ctx) : nullptr;
  if (!op) ctx.state = nullptr;
  if (t.args.size() <= 8) {  // the common case, without a heap allocation
    std::array<Value, 8> buf;
    for (std::size_t i = 0; i < t.args.size(); ++i) buf[i] = r.resolve(t.args[i]);
    return run.fn(ctx, std::span<const Value>(buf.data(), t.args.size()), params);
  }
  std::vector<Value> args;
  args.reserve(t.args.size());
  for (const Arg& a : t.args) args.push_back(r.resolve(a));
  return run.fn(ctx, args, params);
}

}  // namespace

Value run_task(const Task& task, std::span<const Value> refs, OpContext& ctx) {
  Resolver r(task, refs);
  if (task.prelude) {
    for (const Task& p : *task.prelude) r.add_prelude_result(call_op(p, r, ctx));
  }
  return call_op(task, r, ctx);
}

}  // namespace shoal
