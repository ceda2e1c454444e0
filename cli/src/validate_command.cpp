// shoal validate FILE: every problem of a pipeline, one line each, naming
// the node it concerns.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/pipeline_file.h"

namespace shoal::cli {
namespace {

int validate(const std::string& file) {
  Pipeline pipeline;
  try {
    pipeline = load_pipeline(file);
  } catch (const Error& e) {
    std::cerr << "shoal validate: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::vector<PipelineProblem> problems = pipeline.problems();
  for (const PipelineProblem& p : problems) {
    std::cout << file << ": " << p.message << " [" << problem_kind_name(p.kind) << "]\n";
  }
  if (!problems.empty()) {
    std::cout << file << ": invalid, " << problems.size() << " problem"
              << (problems.size() == 1 ? "" : "s") << "\n";
    return kExitInvalid;
  }
  std::cout << file << ": valid (" << pipeline.nodes.size() << " nodes, " << pipeline.edges.size()
            << " edges)\n";
  return kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>();
  auto plugins = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Check a pipeline file; print every problem with its node");
  cmd->add_option("FILE", *file, "A pipeline file (*.shoal.json)")->required();
  add_plugin_option(*cmd, *plugins);
  cmd->callback([file, plugins, &exit_code] {
    exit_code = load_plugins(*plugins, "shoal validate") ? validate(*file) : kExitUnreadable;
  });
}

}  // namespace shoal::cli
