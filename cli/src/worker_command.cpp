// shoal worker HOST:PORT: runs a worker of a cluster until SIGINT/SIGTERM or
// until its scheduler is gone for good.
#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/error.h"
#include "shoal/worker_node.h"
#include "signals.h"

namespace shoal::cli {
namespace {

struct WorkerCommandOptions {
  std::string scheduler;
  std::string name;
  std::string host = "127.0.0.1";
  std::size_t threads = 0;
  std::string memory_limit;
  std::string spill_dir;
  std::vector<std::string> plugins;
  unsigned heartbeat_interval_ms = 500;
  unsigned reconnect_timeout_ms = 30000;
};

int run_worker(const WorkerCommandOptions& o) {
  block_stop_signals();
  if (!load_plugins(o.plugins, "shoal worker")) return kExitUnreadable;
  WorkerNodeOptions options;
  options.scheduler = o.scheduler;
  options.name = o.name;
  options.host = o.host;
  options.threads = o.threads;
  options.spill_dir = o.spill_dir;
  options.heartbeat_interval = std::chrono::milliseconds(o.heartbeat_interval_ms);
  options.reconnect_timeout = std::chrono::milliseconds(o.reconnect_timeout_ms);
  std::unique_ptr<WorkerNode> node;
  try {
    options.memory_limit = o.memory_limit.empty() ? 0 : parse_bytes(o.memory_limit);
    // Printed each time it registers (again after a lost connection), for
    // operators and tests.
    options.on_registered = [scheduler = o.scheduler](const std::string& name) {
      std::cout << "shoal worker " << name << ": registered with " << scheduler << std::endl;
    };
    node = std::make_unique<WorkerNode>(options);
  } catch (const Error& e) {
    std::cerr << e.what() << "\n";
    return kExitUnreadable;
  }
  std::thread stopper([&] {
    wait_for_stop_signal();
    node->stop();
  });
  node->wait();
  node->stop();
  stopper.detach();  // blocked in sigwait; ends with the process
  return kExitOk;
}

}  // namespace

std::uint64_t parse_bytes(const std::string& text) {
  std::size_t end = 0;
  double number = 0;
  try {
    number = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  std::string unit = text.substr(end);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1},      {"b", 1},      {"kb", 1e3},      {"mb", 1e6},      {"gb", 1e9},
      {"tb", 1e12}, {"kib", 1024}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1099511627776.0}};
  for (auto [name, scale] : kUnits) {
    if (end > 0 && unit == name && number >= 0 && std::isfinite(number)) {
      return static_cast<std::uint64_t>(number * scale);
    }
  }
  throw Error("'" + text +
              "' is not an amount of memory; write e.g. 2GiB, 512MiB, 800MB or 1000000");
}

void add_worker_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WorkerCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "worker",
      "Run a worker of the cluster whose scheduler is at HOST:PORT, until SIGINT/SIGTERM");
  cmd->add_option("SCHEDULER", o->scheduler, "The scheduler's address, HOST:PORT")->required();
  cmd->add_option("--name", o->name, "The worker's name (default: worker-<host>-<pid>)");
  cmd->add_option("--host", o->host,
                  "Address this worker serves results on (reachable by the other workers)");
  cmd->add_option("--threads", o->threads, "Tasks run at once (default: the hardware's threads)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option(
      "--memory-limit", o->memory_limit,
      "Spill results to disk past 70% of this, pause past 85% (e.g. 2GiB; default: none)");
  cmd->add_option("--spill-dir", o->spill_dir,
                  "Where spilled results go (default: a temporary directory)");
  add_plugin_option(*cmd, o->plugins);
  cmd->add_option("--heartbeat-interval", o->heartbeat_interval_ms, "ms between heartbeats")
      ->check(CLI::Range(10u, 600000u));
  cmd->add_option("--reconnect-timeout", o->reconnect_timeout_ms,
                  "Give up after this many ms without reaching the scheduler")
      ->check(CLI::Range(100u, 86400000u));
  cmd->callback([o, &exit_code] { exit_code = run_worker(*o); });
}

}  // namespace shoal::cli
