// shoal: the command line of Shoal. One file per command in this folder.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"
#include "shoal/error.h"

int main(int argc, char** argv) {
  CLI::App app{"Shoal: task graphs of partitioned data, run on actors."};
  app.footer(
      "Exit codes: 0 ok, 1 invalid pipeline (run: the run failed), 2 unreadable or unwritable "
      "file, "
      "plugin that does not load (run: also an invalid pipeline).");
  app.set_version_flag("--version", "shoal 0.1.0");
  app.require_subcommand(1);
  int exit_code = shoal::cli::kExitOk;
  shoal::cli::add_validate_command(app, exit_code);
  shoal::cli::add_graph_command(app, exit_code);
  shoal::cli::add_ops_command(app, exit_code);
  shoal::cli::add_run_command(app, exit_code);
  shoal::cli::add_scheduler_command(app, exit_code);
  shoal::cli::add_worker_command(app, exit_code);
  shoal::cli::add_status_command(app, exit_code);
  shoal::cli::add_ssh_command(app, exit_code);
  shoal::cli::add_certs_command(app, exit_code);
  shoal::cli::add_slurm_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const shoal::Error& e) {
    std::cerr << "shoal: " << e.what() << "\n";
    return shoal::cli::kExitUnreadable;
  }
  return exit_code;
}
