// load_plugin(): dlopen, the ABI check, init, and all-or-nothing registration.
#include "shoal/plugin_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <sstream>
#include <system_error>

#include "shoal/error.h"
#include "shoal/plugin_abi.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

// The library handle, closed unless kept: a plugin that failed before its
// ops were created leaves nothing behind.
class Library {
 public:
  explicit Library(const fs::path& path) : handle_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (!handle_) {
      const char* why = dlerror();
      throw Error(
          "cannot load plugin " + path.string() + ": " + (why ? why : "unknown dlopen error") +
          " (is it a shared library built for this machine, with its dependencies installed?)");
    }
  }
  ~Library() {
    if (handle_) dlclose(handle_);
  }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  void* symbol(const char* name) const { return dlsym(handle_, name); }
  /// Keeps the plugin loaded for the rest of the process.
  void keep() { handle_ = nullptr; }

 private:
  void* handle_;
};

fs::path resolve(const std::string& path_or_name) {
  if (path_or_name.empty()) throw Error("load_plugin: empty plugin name; pass a path or a name");
  if (path_or_name.find('/') == std::string::npos) return find_plugin(path_or_name);
  std::error_code ec;
  if (!fs::is_regular_file(path_or_name, ec)) {
    throw Error("plugin file not found: " + path_or_name +
                " (check the path, or pass a bare name to search "
                "SHOAL_PLUGIN_PATH)");
  }
  return fs::absolute(path_or_name, ec).lexically_normal();
}

const PluginDescriptor& describe(const Library& lib, const fs::path& path) {
  auto entry = reinterpret_cast<ShoalPluginEntry>(lib.symbol(kPluginEntrySymbol));
  if (!entry) {
    throw Error(
        path.string() + " is not a Shoal plugin: it has no '" + std::string(kPluginEntrySymbol) +
        "' symbol (define the plugin with SHOAL_PLUGIN(name, version) from <shoal/plugin.h>)");
  }
  const PluginDescriptor* d = entry();
  if (!d)
    throw Error("plugin " + path.string() + ": " + kPluginEntrySymbol + " returned no descriptor");
  if (d->abi_version != kPluginAbiVersion) {
    throw Error("plugin " + path.string() + " was built for plugin ABI " +
                std::to_string(d->abi_version) + ", but this Shoal loads ABI " +
                std::to_string(kPluginAbiVersion) +
                ": rebuild the plugin against this Shoal's SDK");
  }
  if (!d->name || !*d->name || !d->version || !d->init) {
    throw Error("plugin " + path.string() +
                " has an incomplete descriptor (name, version and init are required)");
  }
  return *d;
}

std::vector<Op> run_init(const PluginDescriptor& d, const std::string& who) {
  PluginRegistrar registrar;
  try {
    d.init(registrar);
  } catch (const std::exception& e) {
    throw Error(who + " failed to initialise: " + e.what());
  } catch (...) {
    throw Error(who + " failed to initialise: an exception not derived from std::exception");
  }
  return std::move(registrar.ops());
}

}  // namespace

std::vector<fs::path> plugin_search_path() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("SHOAL_PLUGIN_PATH")) {
    std::stringstream in(env);
    for (std::string dir; std::getline(in, dir, ':');) {
      if (!dir.empty()) dirs.emplace_back(dir);
    }
  }
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&plugin_search_path), &info) && info.dli_fname) {
    // Normalized: the library may have been found through an rpath like bin/../lib.
    dirs.push_back(
        (fs::path(info.dli_fname).parent_path() / "shoal" / "plugins").lexically_normal());
  }
  return dirs;
}

fs::path find_plugin(const std::string& name) {
  std::vector<fs::path> dirs = plugin_search_path();
  std::string tried;
  for (const fs::path& dir : dirs) {
    for (const std::string& file :
         {name, "lib" + name + ".so", name + ".so", "libshoal_" + name + ".so"}) {
      std::error_code ec;
      if (fs::is_regular_file(dir / file, ec))
        return fs::absolute(dir / file, ec).lexically_normal();
    }
    tried += "\n  " + dir.string();
  }
  throw Error(
      "plugin '" + name + "' not found as " + name + ", lib" + name + ".so, " + name +
      ".so or libshoal_" + name +
      ".so in any plugin directory:" + (tried.empty() ? std::string("\n  (none)") : tried) +
      "\nadd its directory to SHOAL_PLUGIN_PATH (colon-separated), or pass the file's path");
}

PluginInfo load_plugin(const std::string& path_or_name, OpRegistry& registry) {
  fs::path path = resolve(path_or_name);
  Library lib(path);
  const PluginDescriptor& d = describe(lib, path);
  std::string who = "plugin " + std::string(d.name) + " " + d.version + " (" + path.string() + ")";
  // From here on the plugin's code made objects (ops, their functions) that
  // must outlive this call whatever happens: never unload it.
  lib.keep();
  std::vector<Op> ops = run_init(d, who);
  PluginInfo info{d.name, d.version, path, {}};
  for (const Op& op : ops) info.ops.push_back(op.name);
  registry.add_all(std::move(ops), who);
  return info;
}

}  // namespace shoal
