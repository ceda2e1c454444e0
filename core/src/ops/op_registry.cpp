#include <algorithm>

#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal {

OpRegistry::OpRegistry(const OpRegistry& other) {
  std::lock_guard lock(other.mu_);
  ops_ = other.ops_;
}

namespace {

void check_addable(const Op& op, const std::string& origin) {
  if (op.name.empty()) throw Error("cannot register an op without a name (from " + origin + ")");
  if (!op.fn && !op.lower)
    throw Error("op '" + op.name + "' from " + origin + " has neither a function nor a lowering");
}

[[noreturn]] void duplicate(const std::string& name, const std::string& origin,
                            const std::string& earlier) {
  throw Error("op '" + name + "' from " + origin + " is already registered by " + earlier +
              "; rename one of them");
}

}  // namespace

OpPtr OpRegistry::add(Op op, std::string origin) {
  check_addable(op, origin);
  std::lock_guard lock(mu_);
  auto it = ops_.find(op.name);
  if (it != ops_.end()) duplicate(op.name, origin, it->second.second);
  auto ptr = std::make_shared<const Op>(std::move(op));
  ops_.emplace(ptr->name, std::make_pair(ptr, std::move(origin)));
  return ptr;
}

std::vector<OpPtr> OpRegistry::add_all(std::vector<Op> ops, const std::string& origin) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    check_addable(ops[i], origin);
    for (std::size_t j = 0; j < i; ++j) {
      if (ops[j].name == ops[i].name) duplicate(ops[i].name, origin, origin + " itself (twice)");
    }
  }
  std::lock_guard lock(mu_);  // check every name, then add: all or nothing
  for (const Op& op : ops) {
    auto it = ops_.find(op.name);
    if (it != ops_.end()) duplicate(op.name, origin, it->second.second);
  }
  std::vector<OpPtr> added;
  added.reserve(ops.size());
  for (Op& op : ops) {
    auto ptr = std::make_shared<const Op>(std::move(op));
    ops_.emplace(ptr->name, std::make_pair(ptr, origin));
    added.push_back(std::move(ptr));
  }
  return added;
}

void* OpStates::get(const OpPtr& op) {
  if (!op || !op->make_state) return nullptr;
  std::lock_guard lock(mu_);  // held while creating: each state is made once
  auto it = states_.find(op.get());
  if (it == states_.end()) {
    std::shared_ptr<void> state = op->make_state();
    if (!state) throw Error("op '" + op->name + "': make_state() returned no state");
    it = states_.emplace(op.get(), std::make_pair(op, std::move(state))).first;
  }
  return it->second.second.get();
}

std::size_t OpStates::size() const {
  std::lock_guard lock(mu_);
  return states_.size();
}

OpPtr OpRegistry::find(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = ops_.find(std::string(name));
  return it == ops_.end() ? nullptr : it->second.first;
}

OpPtr OpRegistry::get(std::string_view name) const {
  if (OpPtr op = find(name)) return op;
  throw Error("unknown op '" + std::string(name) +
              "': it is neither built in nor registered by a loaded plugin "
              "(`shoal ops` lists the known ops; load its plugin with --plugin)");
}

std::vector<OpPtr> OpRegistry::list() const {
  std::vector<OpPtr> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, entry] : ops_) out.push_back(entry.first);
  }
  std::sort(out.begin(), out.end(),
            [](const OpPtr& a, const OpPtr& b) { return a->name < b->name; });
  return out;
}

std::string OpRegistry::origin(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = ops_.find(std::string(name));
  return it == ops_.end() ? std::string() : it->second.second;
}

}  // namespace shoal
