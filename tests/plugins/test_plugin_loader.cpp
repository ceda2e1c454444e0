// load_plugin: loading, search path, and every documented error; the SDK's
// parameter checks; stateful op state on the InlineExecutor.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "plugin_test_support.h"
#include "shoal/inline_executor.h"
#include "shoal/plan.h"

namespace shoal::testing {

Value run_op(const OpRegistry& r, const std::string& op, std::vector<Arg> args, Params params) {
  Graph g;
  g.add(task_of(r, "t", op, std::move(args), std::move(params)));
  Key k("t");
  // Check the ops against `r` (the plugin is not in the global registry),
  // then run on the InlineExecutor's core path: run_task with a state store.
  Plan plan(g, std::span<const Key>(&k, 1), &r);
  OpStates states;
  OpContext ctx;
  ctx.worker = "test";
  ctx.states = &states;
  return run_task(plan.task(0), {}, ctx);
}

namespace {

std::string error_of(const std::string& plugin, OpRegistry& r) {
  try {
    load_plugin(plugin, r);
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("loading " << plugin << " did not throw");
  return {};
}

std::vector<std::string> names(const OpRegistry& r) {
  std::vector<std::string> out;
  for (const OpPtr& op : r.list()) out.push_back(op->name);
  return out;
}

TEST_CASE("load_plugin registers a plugin's ops and reports them") {
  OpRegistry r(OpRegistry::global());
  std::size_t before = r.list().size();
  PluginInfo info = load_plugin(shipped_plugin("text"), r);
  CHECK(info.name == "text");
  CHECK(info.version == "1.0.0");
  CHECK(info.path == shipped_plugin("text"));
  CHECK(info.ops == std::vector<std::string>{"text.lowercase", "text.tokenize", "text.ngrams",
                                             "text.regex_filter", "text.regex_extract",
                                             "text.remove_stopwords"});
  CHECK(r.list().size() == before + 6);
  CHECK(r.origin("text.tokenize") == "plugin text 1.0.0 (" + shipped_plugin("text") + ")");
  CHECK(r.find("text.tokenize")->group == "Text");
  CHECK(OpRegistry::global().find("text.tokenize") == nullptr);  // only the registry given
  CHECK(r.find("inc") == OpRegistry::global().find("inc"));      // a copy shares the op objects
}

TEST_CASE("bare names are found on SHOAL_PLUGIN_PATH") {
  std::string path = std::string("/nonexistent/dir:") + SHOAL_PLUGIN_BUILD_DIR;
  setenv("SHOAL_PLUGIN_PATH", path.c_str(), 1);
  CHECK(plugin_search_path().at(0) == "/nonexistent/dir");
  CHECK(find_plugin("stats") == shipped_plugin("stats"));  // libshoal_stats.so
  CHECK(find_plugin("libshoal_stats.so") == shipped_plugin("stats"));
  OpRegistry r(OpRegistry::global());
  CHECK(load_plugin("stats", r).name == "stats");
  std::string err = error_of("nosuch", r);
  CHECK(err.find("plugin 'nosuch' not found") != std::string::npos);
  CHECK(err.find("/nonexistent/dir") != std::string::npos);
  CHECK(err.find("SHOAL_PLUGIN_PATH") != std::string::npos);
  unsetenv("SHOAL_PLUGIN_PATH");
}

TEST_CASE("each failure is a clear error and leaves the registry unchanged") {
  OpRegistry r(OpRegistry::global());
  const std::vector<std::string> before = names(r);

  SUBCASE("missing file") {
    CHECK(error_of("/no/such/plugin.so", r).find("plugin file not found: /no/such/plugin.so") == 0);
  }
  SUBCASE("not a shared library") {
    std::string text = std::string(SHOAL_TEST_PLUGIN_DIR) + "/not_a_library.so";
    std::ofstream(text) << "plain text\n";
    CHECK(error_of(text, r).find("cannot load plugin " + text + ": ") == 0);
  }
  SUBCASE("no entry symbol") {
    std::string err = error_of(test_plugin("no_entry"), r);
    CHECK(err.find("is not a Shoal plugin: it has no 'shoal_plugin_entry' symbol") !=
          std::string::npos);
    CHECK(err.find("SHOAL_PLUGIN(name, version)") != std::string::npos);
  }
  SUBCASE("wrong ABI version") {
    std::string err = error_of(test_plugin("wrong_abi"), r);
    CHECK(err.find("was built for plugin ABI " + std::to_string(kPluginAbiVersion + 41) +
                   ", but this Shoal loads ABI " + std::to_string(kPluginAbiVersion)) !=
          std::string::npos);
    CHECK(err.find("rebuild the plugin") != std::string::npos);
  }
  SUBCASE("an exception during initialisation") {
    std::string err = error_of(test_plugin("throws_in_init"), r);
    CHECK(err == "plugin throws 0.1 (" + test_plugin("throws_in_init") +
                     ") failed to initialise: cannot reach the licence server");
  }
  SUBCASE("an op name that is built in") {
    std::string err = error_of(test_plugin("dup_builtin"), r);
    CHECK(err == "op 'inc' from plugin dup_builtin 0.1 (" + test_plugin("dup_builtin") +
                     ") is already registered by built-in; rename one of them");
    CHECK(r.find("dup.unique") == nullptr);  // all or nothing
  }
  SUBCASE("two plugins with the same op name") {
    load_plugin(test_plugin("same_a"), r);
    std::string err = error_of(test_plugin("same_b"), r);
    CHECK(err == "op 'same.op' from plugin same_b 0.1 (" + test_plugin("same_b") +
                     ") is already registered by plugin same_a 0.1 (" + test_plugin("same_a") +
                     "); rename one of them");
    CHECK(r.origin("same.op").find("same_a") != std::string::npos);
    return;  // same_a's op was added on purpose
  }
  SUBCASE("the same plugin twice") {
    load_plugin(shipped_plugin("stats"), r);
    std::size_t with_stats = r.list().size();
    CHECK(error_of(shipped_plugin("stats"), r).find("is already registered by plugin stats") !=
          std::string::npos);
    CHECK(r.list().size() == with_stats);
    return;
  }
  CHECK(names(r) == before);
}

TEST_CASE("add_all is all or nothing") {
  OpRegistry r;
  auto fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(); };
  std::vector<Op> ops(2);
  ops[0].name = "a", ops[0].fn = fn;
  ops[1].name = "a", ops[1].fn = fn;
  CHECK_THROWS_WITH_AS(r.add_all(ops, "test"), doctest::Contains("op 'a' from test"), Error);
  ops[1].name = "b";
  r.add(Op{.name = "b", .fn = fn}, "earlier");
  CHECK_THROWS_WITH_AS(r.add_all(ops, "test"), doctest::Contains("already registered by earlier"),
                       Error);
  CHECK(r.find("a") == nullptr);
}

TEST_CASE("the SDK checks parameters and applies defaults") {
  auto r = registry_with({shipped_plugin("text")});
  List tokens{Value("a"), Value("b"), Value("c")};
  CHECK(run_op(*r, "text.ngrams", {Value(tokens)}) ==
        Value(List{Value("a b"), Value("b c")}));  // n = 2
  CHECK_THROWS_WITH_AS(run_op(*r, "text.ngrams", {Value(tokens)}, Params{{"n", Value(0)}}),
                       "op 'text.ngrams': parameter 'n' must be in [1, 16], got 0", Error);
  CHECK_THROWS_WITH_AS(run_op(*r, "text.ngrams", {Value(tokens)}, Params{{"n", Value("two")}}),
                       "op 'text.ngrams': parameter 'n' must be an int, got \"two\"", Error);
  CHECK_THROWS_WITH_AS(
      run_op(*r, "text.tokenize", {Value("x")}, Params{{"by", Value("chars")}}),
      "op 'text.tokenize': parameter 'by' must be one of words, whitespace, got \"chars\"", Error);
  CHECK_THROWS_WITH_AS(run_op(*r, "text.regex_filter", {Value(tokens)}),
                       "op 'text.regex_filter': required parameter 'pattern' is not set", Error);
  CHECK_THROWS_WITH_AS(run_op(*r, "text.ngrams", {}),
                       "op 'text.ngrams': expected at least 1 inputs, got 0", Error);
}

TEST_CASE("a stateful op keeps one state per executor run, destroyed after it") {
  auto r = registry_with({test_plugin("counter")});
  void* lib = dlopen(test_plugin("counter").c_str(), RTLD_NOW | RTLD_NOLOAD);
  REQUIRE(lib != nullptr);
  auto created = reinterpret_cast<int (*)()>(dlsym(lib, "counter_states_created"));
  auto destroyed = reinterpret_cast<int (*)()>(dlsym(lib, "counter_states_destroyed"));
  int c0 = created(), d0 = destroyed();
  Graph g;
  std::vector<Key> outs{Key("c1"), Key("c2"), Key("c3")};
  for (const Key& k : outs) g.add(task_of(*r, k.str(), "counter.count", {}));
  // The plugin is only in `r`: check the plan against it, and run each task
  // as an executor does, with one state store for the whole run.
  Plan plan(g, outs, r.get());
  std::vector<std::int64_t> counts;
  {
    OpStates states;
    OpContext ctx;
    ctx.worker = "w";
    ctx.states = &states;
    for (Plan::Id id = 0; id < plan.size(); ++id) {
      Value v = run_task(plan.task(id), {}, ctx);
      CHECK(v.as_list()[0] == Value("w"));
      counts.push_back(v.as_list()[1].as_int());
    }
    CHECK(created() == c0 + 1);
    CHECK(destroyed() == d0);
    CHECK(states.size() == 1);
  }
  std::sort(counts.begin(), counts.end());
  CHECK(counts == std::vector<std::int64_t>{1, 2, 3});
  CHECK(destroyed() == d0 + 1);
  dlclose(lib);
}

TEST_CASE("without a state store a stateful op gets a fresh state per call") {
  auto r = registry_with({test_plugin("counter")});
  Graph g;
  g.add(task_of(*r, "c", "counter.count", {}));
  Key k("c");
  Plan plan(g, std::span<const Key>(&k, 1), r.get());
  OpContext ctx;
  ctx.worker = "w";
  CHECK(run_task(plan.task(0), {}, ctx) == Value(List{Value("w"), Value(1)}));
  CHECK(run_task(plan.task(0), {}, ctx) == Value(List{Value("w"), Value(1)}));
}

}  // namespace
}  // namespace shoal::testing
