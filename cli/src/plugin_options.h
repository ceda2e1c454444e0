// --plugin PATH (repeatable), shared by the commands that resolve ops.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace shoal::cli {

/// Adds `--plugin PATH` (repeatable) to `cmd`; the values land in `paths`.
void add_plugin_option(CLI::App& cmd, std::vector<std::string>& paths);

/// Loads each plugin (a path, or a bare name searched on SHOAL_PLUGIN_PATH)
/// into the global registry. Prints the error prefixed by `command` and
/// returns false when one fails to load.
bool load_plugins(const std::vector<std::string>& paths, const char* command);

}  // namespace shoal::cli
