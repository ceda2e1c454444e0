// shoal graph FILE -o OUT [--tasks]: a picture of a pipeline (its nodes and
// edges), or with --tasks of the task graph it lowers to.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/pipeline_file.h"
#include "shoal/render.h"

namespace shoal::cli {
namespace {

struct GraphOptions {
  std::string file;
  std::string out;
  bool tasks = false;
  std::vector<std::string> plugins;
};

int draw(const GraphOptions& o) {
  if (!load_plugins(o.plugins, "shoal graph")) return kExitUnreadable;
  Pipeline pipeline;
  try {
    pipeline = load_pipeline(o.file);
  } catch (const Error& e) {
    std::cerr << "shoal graph: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::string dot;
  if (o.tasks) {
    try {
      std::string base = std::filesystem::absolute(o.file).parent_path().string();
      dot = lower(pipeline, OpRegistry::global(), base)
                .graph.to_dot(pipeline.metadata.name.empty() ? "tasks" : pipeline.metadata.name);
    } catch (const Error& e) {
      std::cerr << "shoal graph: " << o.file << ": " << e.what() << "\n";
      return kExitInvalid;
    }
  } else {
    dot = pipeline.to_dot();
  }
  try {
    write_dot_file(dot, o.out);
  } catch (const Error& e) {
    std::cerr << "shoal graph: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::cout << "wrote " << o.out << "\n";
  return kExitOk;
}

}  // namespace

void add_graph_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<GraphOptions>();
  CLI::App* cmd =
      app.add_subcommand("graph", "Draw a pipeline, or its task graph, as SVG, PNG or DOT");
  cmd->add_option("FILE", o->file, "A pipeline file (*.shoal.json)")->required();
  cmd->add_option("-o,--output", o->out, "The picture to write: *.svg, *.png or *.dot")->required();
  cmd->add_flag("--tasks", o->tasks, "Draw the lowered task graph instead of the pipeline's nodes");
  add_plugin_option(*cmd, o->plugins);
  cmd->callback([o, &exit_code] { exit_code = draw(*o); });
}

}  // namespace shoal::cli
