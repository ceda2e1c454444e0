// The binary contract between a plugin and the loader that opens it.
//
// A plugin is a shared library exporting one extern "C" function,
// `shoal_plugin_entry`, that returns a PluginDescriptor. The loader
// (plugin_loader.h) reads `abi_version` first and refuses the plugin unless
// it equals the kPluginAbiVersion compiled into this Shoal; only then does it
// call `init`, which adds the plugin's ops to a PluginRegistrar. Plugin
// authors do not use this header directly: the SDK (shoal/plugin.h and its
// SHOAL_PLUGIN macro) fills it in.
#pragma once

#include <cstdint>
#include <vector>

#include "shoal/op.h"

namespace shoal {

/// The plugin ABI of this build. A plugin and the Shoal that loads it share
/// C++ types (Op, Value, Params, Table), so it is raised whenever the layout
/// or meaning of anything in op.h, value.h, params.h, table.h, tensor.h or
/// this file changes; a plugin built against another version is refused.
inline constexpr std::uint32_t kPluginAbiVersion = 1;

/// The name of the function every plugin exports.
inline constexpr const char* kPluginEntrySymbol = "shoal_plugin_entry";

/// Collects the ops a plugin's init function defines. The loader registers
/// them all at once after init returns (all or nothing).
class PluginRegistrar {
 public:
  void add(Op op) { ops_.push_back(std::move(op)); }
  std::vector<Op>& ops() noexcept { return ops_; }

 private:
  std::vector<Op> ops_;
};

/// What `shoal_plugin_entry` returns: static data owned by the plugin.
/// `abi_version` stays the first member in every ABI version, so that the
/// loader can read it from any plugin.
struct PluginDescriptor {
  std::uint32_t abi_version;
  const char* name;     ///< e.g. "text"
  const char* version;  ///< The plugin's own version, e.g. "1.0.0".
  void (*init)(PluginRegistrar& registrar);
};

}  // namespace shoal

extern "C" {
/// The entry point's type: `const shoal::PluginDescriptor* shoal_plugin_entry()`.
typedef const shoal::PluginDescriptor* (*ShoalPluginEntry)();
}
