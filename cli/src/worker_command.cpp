// shoal worker HOST:PORT: runs a worker of a cluster until SIGINT/SIGTERM or
// until its scheduler is gone for good (unreachable for --death-timeout).
#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/error.h"
#include "shoal/worker_node.h"
#include "signals.h"
#include "tls_options.h"

namespace shoal::cli {
namespace {

struct WorkerCommandOptions {
  std::string scheduler;
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t threads = 0;
  std::string memory_limit;
  std::string spill_dir;
  std::vector<std::string> plugins;
  std::vector<std::string> allow_paths;
  unsigned heartbeat_interval_ms = 500;
  std::string death_timeout = "30s";
  std::optional<unsigned> reconnect_timeout_ms;  // the older spelling, in ms
  TlsOptions tls;
};

int run_worker(const WorkerCommandOptions& o) {
  block_stop_signals();
  if (!load_plugins(o.plugins, "shoal worker")) return kExitUnreadable;
  WorkerNodeOptions options;
  options.scheduler = o.scheduler;
  options.name = o.name;
  options.host = o.host;
  options.port = o.port;
  options.threads = o.threads;
  options.spill_dir = o.spill_dir;
  options.allowed_paths = o.allow_paths;
  options.tls = o.tls;
  options.heartbeat_interval = std::chrono::milliseconds(o.heartbeat_interval_ms);
  try {
    options.memory_limit = o.memory_limit.empty() ? 0 : parse_bytes(o.memory_limit);
    options.death_timeout = o.reconnect_timeout_ms
                                ? std::chrono::milliseconds(*o.reconnect_timeout_ms)
                                : parse_duration(o.death_timeout);
  } catch (const Error& e) {
    std::cerr << "shoal worker: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::unique_ptr<WorkerNode> node;
  try {
    // Printed each time it registers (again after a lost connection), for
    // operators and tests.
    options.on_registered = [scheduler = o.scheduler](const std::string& name) {
      std::cout << "shoal worker " << name << ": registered with " << scheduler << std::endl;
    };
    node = std::make_unique<WorkerNode>(options);
  } catch (const Error& e) {
    std::cerr << e.what() << "\n";
    return kExitInvalid;
  }
  std::thread stopper([&] {
    wait_for_stop_signal();
    node->stop();
  });
  node->wait();
  std::string failure = node->failure();
  node->stop();
  stopper.detach();  // blocked in sigwait; ends with the process
  if (failure.empty()) return kExitOk;
  // A batch job's script sees a worker that lost its scheduler as failed.
  std::cerr << "shoal worker " << node->name() << ": " << failure << std::endl;
  return kExitInvalid;
}

}  // namespace

void add_worker_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WorkerCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "worker",
      "Run a worker of the cluster whose scheduler is at HOST:PORT, until SIGINT/SIGTERM");
  cmd->add_option("SCHEDULER", o->scheduler, "The scheduler's address, HOST:PORT")->required();
  cmd->add_option("--name", o->name, "The worker's name (default: worker-<host>-<pid>)");
  cmd->add_option("--host", o->host,
                  "Address this worker serves results on (reachable by the other workers)");
  cmd->add_option("--port", o->port,
                  "Port it serves results on (default 0: any free one; fix it for probes)");
  cmd->add_option("--threads", o->threads, "Tasks run at once (default: the hardware's threads)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option(
      "--memory-limit", o->memory_limit,
      "Spill results to disk past 70% of this, pause past 85% (e.g. 2GiB; default: none)");
  cmd->add_option("--spill-dir", o->spill_dir,
                  "Where spilled results go (default: a temporary directory)");
  add_plugin_option(*cmd, o->plugins);
  cmd->add_option("--allow-path", o->allow_paths,
                  "Confine the worker: a task whose path parameters lie outside this directory "
                  "fails, naming the path (repeatable; default: any path)")
      ->type_name("DIR")
      ->allow_extra_args(false);  // one value each: `--allow-path a HOST:PORT` leaves HOST:PORT
  cmd->add_option("--heartbeat-interval", o->heartbeat_interval_ms, "ms between heartbeats")
      ->check(CLI::Range(10u, 600000u));
  cmd->add_option("--death-timeout", o->death_timeout,
                  "Exit (code 1) after this long without reaching the scheduler, at start or "
                  "after losing it (e.g. 30s, 500ms, 2m; a bare number is seconds)")
      ->capture_default_str();
  cmd->add_option("--reconnect-timeout", o->reconnect_timeout_ms,
                  "The same as --death-timeout, in ms (the older name)")
      ->check(CLI::Range(100u, 86400000u));
  add_tls_options(*cmd, o->tls);
  cmd->callback([o, &exit_code] { exit_code = run_worker(*o); });
}

}  // namespace shoal::cli
