// shoal scheduler: runs a cluster's scheduler until SIGINT or SIGTERM.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands.h"
#include "shoal/error.h"
#include "shoal/scheduler_node.h"
#include "signals.h"
#include "tls_options.h"

namespace shoal::cli {
namespace {

struct SchedulerCommandOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8786;
  unsigned heartbeat_interval_ms = 500;
  unsigned heartbeat_timeout_ms = 5000;
  std::size_t allowed_failures = 3;
  TlsOptions tls;
};

int run_scheduler(const SchedulerCommandOptions& o) {
  block_stop_signals();
  std::unique_ptr<SchedulerNode> node;
  try {
    node = std::make_unique<SchedulerNode>(SchedulerNodeOptions{
        .host = o.host,
        .port = o.port,
        .heartbeat_interval = std::chrono::milliseconds(o.heartbeat_interval_ms),
        .heartbeat_timeout = std::chrono::milliseconds(o.heartbeat_timeout_ms),
        .allowed_failures = o.allowed_failures,
        .tls = o.tls});
  } catch (const Error& e) {
    std::cerr << e.what() << "\n";
    return kExitUnreadable;
  }
  // Scripts and tests read the address from this line.
  std::cout << "shoal scheduler: listening on " << node->address() << std::endl;
  int sig = wait_for_stop_signal();
  std::cerr << "shoal scheduler: stopping (signal " << sig << ")" << std::endl;
  node->stop();
  return kExitOk;
}

}  // namespace

void add_scheduler_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SchedulerCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "scheduler",
      "Run the scheduler of a cluster until SIGINT/SIGTERM; workers and clients connect to it");
  cmd->add_option("--host", o->host, "Address to listen on (127.0.0.1: this machine only)");
  cmd->add_option("--port", o->port, "Port to listen on (0 = any free port)");
  cmd->add_option("--heartbeat-interval", o->heartbeat_interval_ms,
                  "Workers' heartbeat interval, ms")
      ->check(CLI::Range(10u, 600000u));
  cmd->add_option("--heartbeat-timeout", o->heartbeat_timeout_ms,
                  "Remove a worker silent this long, ms")
      ->check(CLI::Range(50u, 3600000u));
  cmd->add_option("--allowed-failures", o->allowed_failures,
                  "Fail a task once this many workers died running it")
      ->check(CLI::Range(1, 100));
  add_tls_options(*cmd, o->tls);
  cmd->callback([o, &exit_code] { exit_code = run_scheduler(*o); });
}

}  // namespace shoal::cli
