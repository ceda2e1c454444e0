// OpRegistry::global(): the registry every Shoal process starts with, holding
// the ops of every subsystem. It lives at the top of core/src because it
// alone names them all; the registry itself (ops/) knows none of them.
#include "array/task_ops.h"
#include "bag/task_ops.h"
#include "dataframe/task_ops.h"
#include "ops/builtin_ops.h"
#include "pipeline/node_ops.h"
#include "shoal/op.h"

namespace shoal {

OpRegistry& OpRegistry::global() {
  static OpRegistry* registry = [] {
    auto* r = new OpRegistry();  // never destroyed: ops may run during exit
    detail::register_builtin_ops(*r);
    detail::register_dataframe_ops(*r);
    detail::register_array_ops(*r);
    detail::register_value_node(*r);
    detail::register_table_nodes(*r);
    detail::register_bag_ops(*r);
    detail::register_list_nodes(*r);
    detail::register_tensor_nodes(*r);
    return r;
  }();
  return *registry;
}

}  // namespace shoal
