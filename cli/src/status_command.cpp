// shoal status HOST:PORT: what a cluster's scheduler sees now.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "shoal/client.h"
#include "shoal/error.h"
#include "tls_options.h"

namespace shoal::cli {
namespace {

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

void print(const ClusterStatus& s) {
  std::printf("%-24s %-22s %7s %7s %12s %12s %12s\n", "worker", "address", "threads", "tasks",
              "memory", "limit", "spilled");
  for (const WorkerStatus& w : s.workers) {
    std::printf("%-24s %-22s %7zu %7zu %12s %12s %12s\n", w.name.c_str(), w.address.c_str(),
                w.threads, w.running, mib(w.memory_bytes).c_str(),
                w.memory_limit ? mib(w.memory_limit).c_str() : "none",
                mib(w.spilled_bytes).c_str());
  }
  std::printf(
      "%zu workers; %zu runs in progress; tasks: %zu waiting, %zu queued, %zu processing, %zu in "
      "memory\n",
      s.workers.size(), s.runs, s.waiting, s.queued, s.processing, s.memory);
  std::printf("since start: %zu workers lost, %zu tasks recomputed\n", s.workers_lost,
              s.tasks_recomputed);
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code) {
  auto address = std::make_shared<std::string>();
  auto tls = std::make_shared<TlsOptions>();
  CLI::App* cmd =
      app.add_subcommand("status", "Print a cluster's workers, threads, memory and tasks by state");
  cmd->add_option("SCHEDULER", *address, "The scheduler's address, HOST:PORT")->required();
  add_tls_options(*cmd, *tls);
  cmd->callback([address, tls, &exit_code] {
    try {
      Client client(*address, {.connect_timeout = std::chrono::milliseconds(3000), .tls = *tls});
      print(client.status());
      std::fflush(stdout);
      exit_code = kExitOk;
    } catch (const Error& e) {
      std::cerr << "shoal status: " << e.what() << "\n";
      exit_code = kExitInvalid;
    }
  });
}

}  // namespace shoal::cli
