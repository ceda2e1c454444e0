// shoal run FILE: lowers a pipeline and runs it on an embedded LocalCluster
// (or, with --scheduler, on a remote cluster), with a progress bar on a
// terminal, then prints each output node's value.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "plugin_options.h"
#include "shoal/client.h"
#include "shoal/local_cluster.h"
#include "shoal/pipeline_file.h"
#include "tls_options.h"

namespace shoal::cli {
namespace {

struct RunCommandOptions {
  std::string file;
  std::vector<std::string> plugins;
  std::size_t workers = 1;
  std::size_t threads = 0;
  bool no_progress = false;
  std::string memory_limit;  // empty: the LocalCluster's default
  std::string spill_dir;
  std::string scheduler;  // empty: an embedded LocalCluster
  TlsOptions tls;         // to the scheduler's cluster
};

// The pipeline lowered, or the exit code of what stopped it.
int lower_file(const RunCommandOptions& o, LoweredPipeline& out) {
  Pipeline pipeline;
  try {
    std::vector<std::string> notes;
    pipeline = load_pipeline(o.file, &notes);
    for (const std::string& n : notes) std::cerr << "shoal run: note: " << n << "\n";
  } catch (const Error& e) {
    std::cerr << "shoal run: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::vector<PipelineProblem> problems = pipeline.problems();
  for (const PipelineProblem& p : problems) {
    std::cerr << o.file << ": " << p.message << " [" << problem_kind_name(p.kind) << "]\n";
  }
  if (!problems.empty()) {
    std::cerr << "shoal run: " << o.file << " is not runnable (" << problems.size() << " problem"
              << (problems.size() == 1 ? "" : "s") << "); `shoal validate` lists them too\n";
    return kExitUnreadable;
  }
  // Relative paths in parameters point from the file, so a pipeline and its
  // data can move together. A node that refuses its inputs (a missing file,
  // a column that does not exist) fails the run before any task runs.
  try {
    out = lower(pipeline, OpRegistry::global(),
                std::filesystem::absolute(o.file).parent_path().string());
  } catch (const Error& e) {
    std::cerr << "shoal run: " << o.file << ": the run failed: " << e.what() << "\n";
    return kExitInvalid;
  }
  return kExitOk;
}

// "node 'x': " for the node whose task failed, so that a user finds the node
// to fix in the file (task keys are tokens); empty for an internal task.
std::string failed_node(const LoweredPipeline& low, const std::string& key) {
  for (const auto& [k, id] : low.task_node)
    if (k.str() == key) return "node '" + id + "': ";
  return {};
}

LocalClusterOptions local_options(const RunCommandOptions& o) {
  LocalClusterOptions options{.workers = o.workers, .threads_per_worker = o.threads};
  if (!o.memory_limit.empty()) options.memory_limit = parse_bytes(o.memory_limit);
  options.spill_dir = o.spill_dir;
  return options;
}

// A run that spilled says so: it ran slower than it would have in memory,
// and the operator may want a larger limit or a faster spill directory.
void report_spills(const LocalCluster& cluster) {
  const LocalClusterStats s = cluster.stats();
  if (s.spills == 0 && s.paused_dispatches == 0) return;
  std::cerr << "shoal run: the local cluster spilled " << format_bytes(s.spilled_total) << " in "
            << s.spills << " results and ran one task at a time " << s.paused_dispatches
            << " times (memory limit " << format_bytes(s.memory_limit) << ", most held "
            << format_bytes(s.last_run_peak_held) << ")\n";
}

int run(const RunCommandOptions& o) {
  if (!o.memory_limit.empty()) {
    try {
      parse_bytes(o.memory_limit);
    } catch (const Error& e) {
      std::cerr << "shoal run: --memory-limit: " << e.what() << "\n";
      return kExitUnreadable;
    }
  }
  if (!load_plugins(o.plugins, "shoal run")) return kExitUnreadable;
  LoweredPipeline low;
  if (int code = lower_file(o, low); code != kExitOk) return code;
  std::vector<Value> values;
  try {
    std::unique_ptr<Executor> executor;
    if (o.scheduler.empty()) {
      executor = std::make_unique<LocalCluster>(local_options(o));
    } else {
      executor = std::make_unique<Client>(o.scheduler, ClientOptions{.tls = o.tls});
    }
    values = executor->run(low.optimized(), low.output_keys(), {.progress = !o.no_progress});
    if (auto* local = dynamic_cast<LocalCluster*>(executor.get())) report_spills(*local);
  } catch (const TaskError& e) {
    std::cerr << "shoal run: " << o.file << ": the run failed: " << failed_node(low, e.key())
              << e.what() << "\n";
    return kExitInvalid;
  } catch (const GraphError& e) {
    std::cerr << "shoal run: " << o.file << ": " << e.what() << "\n";
    return kExitUnreadable;
  } catch (const Error& e) {  // the cluster: unreachable, or lost during the run
    std::cerr << "shoal run: " << o.file << ": " << e.what() << "\n";
    return kExitInvalid;
  }
  for (const auto& [id, value] : low.sink_values(values)) {
    std::cout << id << " = " << value.repr() << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand("run",
                                     "Run a pipeline on an embedded local cluster (or --scheduler) "
                                     "and print each output node's value "
                                     "(exit 0 ok, 1 the run failed, 2 bad input)");
  cmd->add_option("FILE", o->file, "A pipeline file (*.shoal.json)")->required();
  add_plugin_option(*cmd, o->plugins);
  cmd->add_option("--workers", o->workers, "Worker actors of the local cluster")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--threads", o->threads, "Threads per worker (default: cores / workers)")
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("--no-progress", o->no_progress, "No progress bar, even on a terminal");
  cmd->add_option("--memory-limit", o->memory_limit,
                  "Results the local cluster holds: spilled past 70% of this, one task at a time "
                  "past 85% (e.g. 512MiB; 0: none; default: 80% of the machine's memory)");
  cmd->add_option("--spill-dir", o->spill_dir,
                  "Where the local cluster spills (default: the temporary directory)");
  cmd->add_option("--scheduler", o->scheduler,
                  "Run on the remote cluster whose scheduler is at HOST:PORT (default: an embedded "
                  "local cluster)");
  add_tls_options(*cmd, o->tls);
  cmd->callback([o, &exit_code] { exit_code = run(*o); });
}

}  // namespace shoal::cli
