// Ops that tests make on the spot: in-process only (local_only), never
// registered, so tests can count calls, throw or build big values freely.
#pragma once

#include <memory>
#include <string>

#include "shoal/op.h"

namespace shoal::testing {

/// A local_only op named `name` that runs `fn(ctx, args, params)`.
inline OpPtr local_op(std::string name, OpFunction fn) {
  auto op = std::make_shared<Op>();
  op->name = std::move(name);
  op->local_only = true;
  op->fn = std::move(fn);
  return op;
}

}  // namespace shoal::testing
