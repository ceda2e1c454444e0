// Helpers shared by the plugin tests: where the plugins were built, and a
// task builder over a given registry.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shoal/error.h"
#include "shoal/graph.h"
#include "shoal/plugin_abi.h"
#include "shoal/plugin_loader.h"
#include "shoal/task.h"

namespace shoal::testing {

inline std::string shipped_plugin(const std::string& name) {
  return std::string(SHOAL_PLUGIN_BUILD_DIR) + "/libshoal_" + name + ".so";
}
inline std::string test_plugin(const std::string& name) {
  return std::string(SHOAL_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

/// A registry with the global ops and the given plugins (paths) loaded.
inline std::shared_ptr<OpRegistry> registry_with(const std::vector<std::string>& plugins) {
  auto r = std::make_shared<OpRegistry>(OpRegistry::global());
  for (const std::string& p : plugins) load_plugin(p, *r);
  return r;
}

/// A task of the op `op` (looked up in `r`) on `args`, with `params`.
inline Task task_of(const OpRegistry& r, std::string key, const std::string& op,
                    std::vector<Arg> args, Params params = {}) {
  Task t;
  t.key = Key(std::move(key));
  t.op = r.get(op);
  t.args = std::move(args);
  if (!params.empty()) t.params = std::make_shared<const Params>(std::move(params));
  return t;
}

/// Runs one op on literal inputs with InlineExecutor, checking ops against `r`.
Value run_op(const OpRegistry& r, const std::string& op, std::vector<Arg> args, Params params = {});

}  // namespace shoal::testing

namespace shoal::testing {

/// Loads a shipped plugin into the global registry once per process.
inline void load_globally(const std::string& name) {
  if (OpRegistry::global().find(name + (name == "text" ? ".tokenize" : ".quantiles"))) return;
  load_plugin(shipped_plugin(name));
}

}  // namespace shoal::testing
