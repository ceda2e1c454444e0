// Two plugins (same_a, same_b) that both define "same.op".
#include <shoal/plugin.h>

SHOAL_PLUGIN(PLUGIN_NAME, "0.1") {
  plugin.op("same.op").input("x").run([](shoal::OpContext&, std::span<const shoal::Value> in,
                                         const shoal::Params&) { return in[0]; });
}
