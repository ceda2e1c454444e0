// A plugin whose definition throws: load_plugin must report it and add nothing.
#include <shoal/plugin.h>

#include <stdexcept>

SHOAL_PLUGIN("throws", "0.1") {
  plugin.op("throws.fine")
      .doc("Defined before the failure; must not be registered.")
      .input("x")
      .run([](shoal::OpContext&, std::span<const shoal::Value> in, const shoal::Params&) {
        return in[0];
      });
  throw std::runtime_error("cannot reach the licence server");
}
