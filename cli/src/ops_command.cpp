// shoal ops: the registered ops, by palette group, with ports and parameters.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <string>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/op.h"

namespace shoal::cli {
namespace {

std::string_view type_name(ParamSpec::Type t) {
  static constexpr std::string_view kNames[] = {"bool", "int",    "float", "string",
                                                "path", "choice", "list",  "any"};
  return kNames[static_cast<int>(t)];
}

std::string ports(const std::vector<PortSpec>& list) {
  if (list.empty()) return "-";
  std::string out;
  for (const PortSpec& p : list) {
    out += (out.empty() ? "" : ", ") + p.name + ": " + p.type + (p.variadic ? "..." : "") +
           (p.required ? "" : " (optional)");
  }
  return out;
}

void print_param(const ParamSpec& p) {
  std::cout << "      " << p.name << ": " << type_name(p.type);
  if (p.required) std::cout << ", required";
  if (!p.default_value.is_null()) std::cout << ", default " << p.default_value.repr();
  if (p.min || p.max) {
    std::cout << ", in [" << (p.min ? Value(*p.min).repr() : "-inf") << ", "
              << (p.max ? Value(*p.max).repr() : "inf") << "]";
  }
  for (std::size_t i = 0; i < p.choices.size(); ++i)
    std::cout << (i ? " | " : ", one of ") << p.choices[i];
  if (!p.doc.empty()) std::cout << " -- " << p.doc;
  std::cout << "\n";
}

// Internal task ops (Op::internal: what the collections lower into, such as
// dataframe.csv_block) are not nodes a pipeline can use; --all shows them.
void list_ops(bool all) {
  std::map<std::string, std::vector<OpPtr>> groups;
  for (const OpPtr& op : OpRegistry::global().list()) {
    if (all || !op->internal) groups[op->group].push_back(op);
  }
  for (const auto& [group, ops] : groups) {
    std::cout << group << "\n";
    for (const OpPtr& op : ops) {
      std::string origin = OpRegistry::global().origin(op->name);
      std::cout << "  " << op->name << "  " << op->doc << "\n";
      if (origin != "built-in") std::cout << "    from: " << origin << "\n";
      std::cout << "    in:  " << ports(op->inputs) << "\n"
                << "    out: " << ports(op->outputs) << "\n";
      if (!op->params.empty()) std::cout << "    params:\n";
      for (const ParamSpec& p : op->params) print_param(p);
    }
  }
}

}  // namespace

void add_ops_command(CLI::App& app, int& exit_code) {
  auto plugins = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("ops", "List the known ops with their ports and parameters");
  add_plugin_option(*cmd, *plugins);
  auto all = std::make_shared<bool>(false);
  cmd->add_flag("--all", *all, "Also list the internal task ops the collections lower into");
  cmd->callback([plugins, all, &exit_code] {
    if (!load_plugins(*plugins, "shoal ops")) {
      exit_code = kExitUnreadable;
      return;
    }
    list_ops(*all);
    exit_code = kExitOk;
  });
}

}  // namespace shoal::cli
