#include <algorithm>

#include "array_ops.h"
#include "bag_ops.h"
#include "builtin_ops.h"
#include "dataframe_ops.h"
#include "shoal/error.h"
#include "shoal/op.h"
#include "table_ops_pipeline.h"

namespace shoal {

OpRegistry& OpRegistry::global() {
  static OpRegistry* registry = [] {
    auto* r = new OpRegistry();  // never destroyed: ops may run during exit
    detail::register_builtin_ops(*r);
    detail::register_dataframe_ops(*r);
    detail::register_array_ops(*r);
    detail::register_table_ops(*r);
    detail::register_bag_ops(*r);
    return r;
  }();
  return *registry;
}

OpPtr OpRegistry::add(Op op, std::string origin) {
  if (op.name.empty()) throw Error("cannot register an op without a name (from " + origin + ")");
  if (!op.fn) throw Error("op '" + op.name + "' from " + origin + " has no function");
  std::lock_guard lock(mu_);
  auto it = ops_.find(op.name);
  if (it != ops_.end()) {
    throw Error("op '" + op.name + "' from " + origin + " is already registered by " +
                it->second.second + "; rename one of them");
  }
  auto ptr = std::make_shared<const Op>(std::move(op));
  ops_.emplace(ptr->name, std::make_pair(ptr, std::move(origin)));
  return ptr;
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
  std::sort(out.begin(), out.end(), [](const OpPtr& a, const OpPtr& b) { return a->name < b->name; });
  return out;
}

std::string OpRegistry::origin(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = ops_.find(std::string(name));
  return it == ops_.end() ? std::string() : it->second.second;
}

}  // namespace shoal
