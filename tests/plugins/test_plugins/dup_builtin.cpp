// A plugin that defines "dup.unique" and then "inc", which is built in: the
// whole plugin must be refused, "dup.unique" included.
#include <shoal/plugin.h>

SHOAL_PLUGIN("dup_builtin", "0.1") {
  auto pass = [](shoal::OpContext&, std::span<const shoal::Value> in, const shoal::Params&) {
    return in[0];
  };
  plugin.op("dup.unique").input("x").run(pass);
  plugin.op("inc").input("x").run(pass);
}
