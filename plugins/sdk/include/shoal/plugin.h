// The Shoal plugin SDK: write ops in C++, build them into a shared library,
// and load it with `shoal --plugin`, load_plugin() or the studio.
//
//   #include <shoal/plugin.h>
//
//   SHOAL_PLUGIN("greet", "1.0.0") {
//     plugin.op("greet.hello")
//         .doc("Greets someone.")
//         .input("name", "string", "Who to greet")
//         .output("out", "string")
//         .param_choice("style", "plain", {"plain", "loud"}, "How to greet")
//         .run([](shoal::OpContext&, std::span<const shoal::Value> in, const shoal::Params& p) {
//           std::string s = "hello " + in[0].as_string();
//           return shoal::Value(p.at("style").as_string() == "loud" ? s + "!" : s);
//         });
//   }
//
// An op has a name (by convention "<plugin>.<op>"; ops travel by name, so it
// must be unique in every process that loads the plugin), a doc line, typed
// input and output ports, a parameter schema and a function. Before the
// function runs, the SDK checks the call against the schema: every required
// input is there (and not null, unless its type is "any"), every parameter
// has the declared kind and lies in its range or choices, and parameters
// left unset take their defaults. A violation throws shoal::Error naming
// the op and the parameter, which fails the task with that message.
//
// A stateful op (run_with_state) keeps an object per worker: created once,
// before the op's first task on that worker, kept between tasks and
// destroyed when the worker stops. Use it for what is costly to build and
// read-only afterwards (a lookup table, a model); tasks on one worker may run
// on several threads at once, so synchronize any writes (a connection pool).
//
// Link the plugin against Shoal::plugin_sdk (which brings Shoal::core) and
// nothing else of Shoal; see examples/plugin_template and docs/plugins.md.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "shoal/error.h"
#include "shoal/op.h"
#include "shoal/params.h"
#include "shoal/plugin_abi.h"
#include "shoal/value.h"

namespace shoal::plugin {

namespace detail {

inline std::string range_text(const ParamSpec& s) {
  auto num = [](std::optional<double> v, const char* none) {
    if (!v) return std::string(none);
    std::string t = std::to_string(*v);
    t.erase(t.find_last_not_of('0') + 1);
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
  };
  return "[" + num(s.min, "-inf") + ", " + num(s.max, "inf") + "]";
}

// Throws when `v` does not fit `s` (the op's name prefixes the message).
inline void check_param(const std::string& op, const ParamSpec& s, const Value& v) {
  auto fail = [&](const std::string& why) {
    throw Error("op '" + op + "': parameter '" + s.name + "' " + why + ", got " + v.repr());
  };
  using T = ParamSpec::Type;
  switch (s.type) {
    case T::kBool:
      if (!v.is_bool()) fail("must be a bool");
      break;
    case T::kInt:
    case T::kFloat: {
      if (s.type == T::kInt ? !v.is_int() : !v.is_number())
        fail(s.type == T::kInt ? "must be an int" : "must be a number");
      double x = v.as_float();
      if ((s.min && x < *s.min) || (s.max && x > *s.max)) fail("must be in " + range_text(s));
      break;
    }
    case T::kString:
    case T::kPath:
      if (!v.is_string()) fail("must be a string");
      break;
    case T::kChoice: {
      bool ok = v.is_string();
      if (ok) {
        ok = false;
        for (const std::string& c : s.choices) ok = ok || c == v.as_string();
      }
      if (!ok) {
        std::string list;
        for (const std::string& c : s.choices) list += (list.empty() ? "" : ", ") + c;
        fail("must be one of " + list);
      }
      break;
    }
    case T::kList:
      if (!v.is_list()) fail("must be a list");
      break;
    case T::kAny:
      break;
  }
}

// The parameters the op sees: checked, with defaults for those not set.
// Returns `given` itself when nothing is missing (no copy).
inline const Params& effective(const Op& op, const Params& given, Params& scratch) {
  const Params* out = &given;
  for (const ParamSpec& s : op.params) {
    const Value* v = given.find(s.name);
    if (v && !v->is_null()) {
      check_param(op.name, s, *v);
    } else if (!s.default_value.is_null()) {
      if (out == &given) {  // copy once, only when something is missing
        scratch = given;
        out = &scratch;
      }
      scratch.set(s.name, s.default_value);
    } else if (s.required) {
      throw Error("op '" + op.name + "': required parameter '" + s.name + "' is not set");
    }
  }
  return *out;
}

inline void check_inputs(const Op& op, std::span<const Value> args) {
  std::size_t needed = 0;
  for (std::size_t i = 0; i < op.inputs.size(); ++i) {
    if (op.inputs[i].required && !op.inputs[i].variadic) needed = i + 1;
  }
  if (args.size() < needed) {
    throw Error("op '" + op.name + "': expected at least " + std::to_string(needed) +
                " inputs, got " + std::to_string(args.size()));
  }
  for (std::size_t i = 0; i < needed; ++i) {  // null is a value only for "any" ports
    if (op.inputs[i].required && op.inputs[i].type != "any" && args[i].is_null()) {
      throw Error("op '" + op.name + "': input '" + op.inputs[i].name +
                  "' is required but got null");
    }
  }
}

}  // namespace detail

/// Describes one op. Returned by Plugin::op(); every setter returns *this.
class OpBuilder {
 public:
  explicit OpBuilder(std::string name) { op_.name = std::move(name); }

  OpBuilder& doc(std::string text) {
    op_.doc = std::move(text);
    return *this;
  }
  /// The studio palette's group; defaults to the plugin's name.
  OpBuilder& group(std::string name) {
    op_.group = std::move(name);
    group_set_ = true;
    return *this;
  }

  /// Port types: "any", "bool", "int64", "float64", "number", "string",
  /// "bytes", "list", "table", "tensor". Inputs arrive in declaration order.
  OpBuilder& input(std::string name, std::string type = "any", std::string doc = {}) {
    return add_input({std::move(name), std::move(type), std::move(doc), true, false});
  }
  /// An input that may be left unconnected (the op then gets null).
  OpBuilder& optional_input(std::string name, std::string type = "any", std::string doc = {}) {
    return add_input({std::move(name), std::move(type), std::move(doc), false, false});
  }
  /// The last input may take any number of values.
  OpBuilder& variadic_input(std::string name, std::string type = "any", std::string doc = {}) {
    return add_input({std::move(name), std::move(type), std::move(doc), false, true});
  }
  /// The first call replaces the default single output "out". An op with
  /// several outputs returns a list with one item per output.
  OpBuilder& output(std::string name, std::string type = "any", std::string doc = {}) {
    if (!outputs_set_) {  // replace the default "out"
      op_.outputs.clear();
      outputs_set_ = true;
    }
    op_.outputs.push_back({std::move(name), std::move(type), std::move(doc), true, false});
    return *this;
  }

  /// A parameter described in full.
  OpBuilder& param(ParamSpec spec) {
    op_.params.push_back(std::move(spec));
    return *this;
  }
  OpBuilder& param_bool(std::string name, bool def, std::string doc = {}) {
    return param(spec(std::move(name), ParamSpec::Type::kBool, Value(def), std::move(doc)));
  }
  /// An int64 parameter in [min, max] (either bound optional).
  OpBuilder& param_int(std::string name, std::int64_t def, std::optional<double> min = {},
                       std::optional<double> max = {}, std::string doc = {}) {
    ParamSpec s = spec(std::move(name), ParamSpec::Type::kInt, Value(def), std::move(doc));
    s.min = min;
    s.max = max;
    return param(std::move(s));
  }
  OpBuilder& param_float(std::string name, double def, std::optional<double> min = {},
                         std::optional<double> max = {}, std::string doc = {}) {
    ParamSpec s = spec(std::move(name), ParamSpec::Type::kFloat, Value(def), std::move(doc));
    s.min = min;
    s.max = max;
    return param(std::move(s));
  }
  OpBuilder& param_string(std::string name, std::string def, std::string doc = {}) {
    return param(
        spec(std::move(name), ParamSpec::Type::kString, Value(std::move(def)), std::move(doc)));
  }
  OpBuilder& param_choice(std::string name, std::string def, std::vector<std::string> choices,
                          std::string doc = {}) {
    ParamSpec s =
        spec(std::move(name), ParamSpec::Type::kChoice, Value(std::move(def)), std::move(doc));
    s.choices = std::move(choices);
    return param(std::move(s));
  }
  /// A parameter without default that every task must set.
  OpBuilder& param_required(std::string name, ParamSpec::Type type, std::string doc = {}) {
    ParamSpec s = spec(std::move(name), type, Value(), std::move(doc));
    s.required = true;
    return param(std::move(s));
  }

  /// The op's function: Value(OpContext&, std::span<const Value> inputs,
  /// const Params&). It must be a pure function of its inputs and
  /// parameters, and may run on several threads at once.
  template <class Fn>
  OpBuilder& run(Fn fn) {
    fn_ = [fn = std::move(fn)](OpContext& ctx, std::span<const Value> in, const Params& p) mutable {
      return Value(fn(ctx, in, p));
    };
    return *this;
  }

  /// A stateful op. `make()` returns the worker's state (a std::shared_ptr
  /// or std::unique_ptr to State); `fn` is Value(State&, OpContext&,
  /// std::span<const Value>, const Params&).
  template <class State, class Make, class Fn>
  OpBuilder& run_with_state(Make make, Fn fn) {
    op_.make_state = [make = std::move(make)]() -> std::shared_ptr<void> {
      return std::shared_ptr<State>(make());
    };
    fn_ = [fn = std::move(fn)](OpContext& ctx, std::span<const Value> in, const Params& p) mutable {
      if (!ctx.state) throw Error("stateful op called without its state");
      return Value(fn(*static_cast<State*>(ctx.state), ctx, in, p));
    };
    return *this;
  }

  /// The finished op; throws shoal::Error when it has no function.
  Op build() const {
    if (!fn_)
      throw Error("op '" + op_.name + "' has no function: call .run(...) or .run_with_state(...)");
    Op op = op_;
    // The schema is copied into the checker: the Op object may move.
    auto schema = std::make_shared<const Op>(op_);
    op.fn = [schema, fn = fn_](OpContext& ctx, std::span<const Value> in, const Params& given) {
      detail::check_inputs(*schema, in);
      Params scratch;
      return fn(ctx, in, detail::effective(*schema, given, scratch));
    };
    return op;
  }

  const std::string& name() const noexcept { return op_.name; }
  bool has_group() const noexcept { return group_set_; }

 private:
  static ParamSpec spec(std::string name, ParamSpec::Type type, Value def, std::string doc) {
    ParamSpec s;
    s.name = std::move(name);
    s.type = type;
    s.default_value = std::move(def);
    s.doc = std::move(doc);
    return s;
  }
  OpBuilder& add_input(PortSpec p) {
    op_.inputs.push_back(std::move(p));
    return *this;
  }

  Op op_;
  OpFunction fn_;
  bool outputs_set_ = false;
  bool group_set_ = false;
};

/// What a SHOAL_PLUGIN body fills in: the plugin's ops.
class Plugin {
 public:
  explicit Plugin(std::string name) : name_(std::move(name)) {}

  /// Starts a new op; describe it through the returned builder.
  OpBuilder& op(std::string name) { return builders_.emplace_back(std::move(name)); }
  const std::string& name() const noexcept { return name_; }

  /// Builds every op into `registrar` (the loader registers them together).
  void finish(PluginRegistrar& registrar) const {
    for (const OpBuilder& b : builders_) {
      Op op = b.build();
      if (!b.has_group()) op.group = group_name();
      registrar.add(std::move(op));
    }
  }

 private:
  std::string group_name() const {
    std::string g = name_;
    if (!g.empty() && g[0] >= 'a' && g[0] <= 'z') g[0] = static_cast<char>(g[0] - 'a' + 'A');
    return g;
  }

  std::string name_;
  std::deque<OpBuilder> builders_;  // a deque: op()'s references stay valid
};

}  // namespace shoal::plugin

/// Defines a plugin: its name, its version (strings) and a body that
/// describes its ops through `plugin` (a shoal::plugin::Plugin&). Expands to
/// the extern "C" entry point `shoal_plugin_entry`, which carries the
/// kPluginAbiVersion this plugin was compiled with. Use once per library.
#define SHOAL_PLUGIN(NAME, VERSION)                                                              \
  static void shoal_plugin_define_(::shoal::plugin::Plugin& plugin);                             \
  static void shoal_plugin_init_(::shoal::PluginRegistrar& registrar) {                          \
    ::shoal::plugin::Plugin plugin(NAME);                                                        \
    shoal_plugin_define_(plugin);                                                                \
    plugin.finish(registrar);                                                                    \
  }                                                                                              \
  extern "C" __attribute__((visibility("default"))) const ::shoal::PluginDescriptor*             \
  shoal_plugin_entry() {                                                                         \
    static const ::shoal::PluginDescriptor descriptor{::shoal::kPluginAbiVersion, NAME, VERSION, \
                                                      &shoal_plugin_init_};                      \
    return &descriptor;                                                                          \
  }                                                                                              \
  static void shoal_plugin_define_(::shoal::plugin::Plugin& plugin)
