// A plugin built for another plugin ABI (written by hand, as an older SDK would).
#include <shoal/plugin_abi.h>

namespace {
void init(shoal::PluginRegistrar&) {}
const shoal::PluginDescriptor kDescriptor{shoal::kPluginAbiVersion + 41, "wrong_abi", "0.1", &init};
}  // namespace

extern "C" __attribute__((visibility("default"))) const shoal::PluginDescriptor*
shoal_plugin_entry() {
  return &kDescriptor;
}
