// Ops that tests make on the spot: in-process only (local_only), never
// registered, so tests can count calls, throw or build big values freely;
// and registered ops run once, outside any graph.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/params.h"

namespace shoal::testing {

/// A local_only op named `name` that runs `fn(ctx, args, params)`.
inline OpPtr local_op(std::string name, OpFunction fn) {
  auto op = std::make_shared<Op>();
  op->name = std::move(name);
  op->local_only = true;
  op->fn = std::move(fn);
  return op;
}

/// Runs the registered op `name` once on `args`, as a pipeline node runs it.
inline Value run_op(const std::string& name, std::vector<Value> args, const Params& params) {
  Key key("test");
  OpContext ctx{&key, "test"};
  return OpRegistry::global().get(name)->fn(ctx, args, params);
}

}  // namespace shoal::testing
