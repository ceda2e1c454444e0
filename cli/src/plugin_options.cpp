#include "plugin_options.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "shoal/error.h"
#include "shoal/plugin_loader.h"

namespace shoal::cli {

void add_plugin_option(CLI::App& cmd, std::vector<std::string>& paths) {
  cmd.add_option(
         "--plugin", paths,
         "Load a plugin's ops first: a path, or a name found on SHOAL_PLUGIN_PATH (repeatable)")
      ->allow_extra_args(false);  // one value per --plugin: `--plugin a FILE` leaves FILE alone
}

bool load_plugins(const std::vector<std::string>& paths, const char* command) {
  for (const std::string& p : paths) {
    try {
      load_plugin(p);
    } catch (const Error& e) {
      std::cerr << command << ": " << e.what() << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace shoal::cli
