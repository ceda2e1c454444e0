// The plugin loader: opens a plugin (a shared library built with the SDK in
// shoal/plugin.h) and registers its ops.
//
//   shoal::PluginInfo text = shoal::load_plugin("text");  // found on SHOAL_PLUGIN_PATH
//   auto worker_ops = std::make_shared<shoal::OpRegistry>(shoal::OpRegistry::global());
//   shoal::load_plugin("/opt/ops/libgeo.so", *worker_ops);  // one worker's op set
//
// A plugin stays loaded until the process exits (its code may run in any
// op, state or value it made). Loading the same file into two registries
// runs its init twice and gives each registry its own Op objects.
//
// Thread-safety: load_plugin may be called from several threads; each call
// registers all of the plugin's ops at once or none of them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "shoal/op.h"

namespace shoal {

/// What load_plugin loaded.
struct PluginInfo {
  std::string name;  ///< From SHOAL_PLUGIN(name, version).
  std::string version;
  std::filesystem::path path;    ///< The file opened.
  std::vector<std::string> ops;  ///< The ops it registered, in its order.
};

/// Opens the plugin `path_or_name` and adds its ops to `registry`, recorded
/// with the origin "plugin NAME VERSION (PATH)". A value containing '/' is a
/// path; a bare name is looked for on plugin_search_path() (see
/// find_plugin). Throws shoal::Error, leaving `registry` unchanged, when the
/// file is missing or cannot be opened, lacks the `shoal_plugin_entry`
/// symbol, was built for another plugin ABI (kPluginAbiVersion), throws
/// while it defines its ops, or defines an op whose name the registry
/// already has (naming both origins).
PluginInfo load_plugin(const std::string& path_or_name,
                       OpRegistry& registry = OpRegistry::global());

/// The directories searched for bare plugin names, in order: those of the
/// colon-separated SHOAL_PLUGIN_PATH environment variable, then the
/// `shoal/plugins` directory beside the installed Shoal::core library.
std::vector<std::filesystem::path> plugin_search_path();

/// The file a bare plugin name stands for: the first of NAME, libNAME.so,
/// NAME.so and libshoal_NAME.so that exists in a directory of
/// plugin_search_path(). Throws shoal::Error naming every directory tried.
std::filesystem::path find_plugin(const std::string& name);

}  // namespace shoal
