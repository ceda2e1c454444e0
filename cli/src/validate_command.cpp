// shoal validate FILE [--rewrite]: every problem of a pipeline, one line
// each, naming the node it concerns. --rewrite saves a valid file back in
// the current format and canonical layout: how an older file is migrated
// for good (loading migrates it in memory only).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/pipeline_file.h"

namespace shoal::cli {
namespace {

int validate(const std::string& file, bool rewrite) {
  Pipeline pipeline;
  try {
    std::vector<std::string> notes;
    pipeline = load_pipeline(file, &notes);
    for (const std::string& n : notes) std::cerr << "shoal validate: note: " << n << "\n";
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
  if (!rewrite) return kExitOk;
  try {
    save_pipeline(file, pipeline);
  } catch (const Error& e) {
    std::cerr << "shoal validate: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::cout << file << ": rewritten in format " << kPipelineFormatVersion << "\n";
  return kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>();
  auto plugins = std::make_shared<std::vector<std::string>>();
  auto rewrite = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("validate", "Check a pipeline file; print every problem with its node");
  cmd->add_option("FILE", *file, "A pipeline file (*.shoal.json)")->required();
  cmd->add_flag("--rewrite", *rewrite,
                "Save a valid file back in the current format (migrating an older one)");
  add_plugin_option(*cmd, *plugins);
  cmd->callback([file, plugins, rewrite, &exit_code] {
    exit_code =
        load_plugins(*plugins, "shoal validate") ? validate(*file, *rewrite) : kExitUnreadable;
  });
}

}  // namespace shoal::cli
