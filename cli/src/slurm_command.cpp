// shoal slurm script|submit [options] FILE: a pipeline as one Slurm batch
// job (slurm_script.h says what the job does). `script` prints the batch
// script; `submit` hands it to sbatch and prints the job id, and with --wait
// waits for the job and exits with its status (the pipeline's).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>

#include "child_process.h"
#include "commands.h"
#include "plugin_options.h"
#include "shoal/error.h"
#include "slurm_script.h"
#include "tls_options.h"

namespace shoal::cli {
namespace {

namespace fs = std::filesystem;

struct SlurmCommandOptions {
  std::string file;
  std::size_t workers = 1;
  std::size_t cores = 1;
  std::string memory;
  std::string walltime;
  std::string partition;
  std::string account;
  std::vector<std::string> extra_directives;
  std::string job_name;
  std::string log_dir;
  std::string shoal;  // default: this executable
  std::string death_timeout = "60s";
  unsigned start_timeout_s = 300;
  std::vector<std::string> plugins;
  TlsOptions tls;
  bool wait = false;
};

std::string self_exe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("shoal slurm: cannot find this executable's path; pass --shoal");
  return p.string();
}

// Paths the nodes read must not depend on where sbatch runs.
std::string absolute(const std::string& path) {
  return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

SlurmJob job_of(const SlurmCommandOptions& o) {
  if (!fs::is_regular_file(o.file))
    throw Error("shoal slurm: " + o.file + " is not a pipeline file");
  SlurmJob job;
  job.pipeline = absolute(o.file);
  job.shoal = o.shoal.empty() ? self_exe() : absolute(o.shoal);
  job.workers = o.workers;
  job.cores = o.cores;
  job.memory = parse_bytes(o.memory);
  parse_duration(o.death_timeout);  // refused here rather than by every worker
  job.walltime = o.walltime;
  job.partition = o.partition;
  job.account = o.account;
  job.extra_directives = o.extra_directives;
  std::string stem = fs::path(o.file).filename().string();
  stem = stem.substr(0, stem.find('.'));
  job.job_name = o.job_name.empty() ? "shoal-" + stem : o.job_name;
  job.log_dir = absolute(o.log_dir);
  job.death_timeout = o.death_timeout;
  job.start_timeout_s = o.start_timeout_s;
  for (const std::string& p : o.plugins) job.plugins.push_back(fs::exists(p) ? absolute(p) : p);
  job.tls = {absolute(o.tls.ca_file), absolute(o.tls.cert_file), absolute(o.tls.key_file)};
  return job;
}

// sbatch SCRIPT; the job id, and with --wait the job's exit status.
int submit(const SlurmCommandOptions& o, const std::string& script) {
  const fs::path path = fs::temp_directory_path() / ("shoal-slurm-" + std::to_string(getpid()));
  std::ofstream(path) << script;
  std::vector<std::string> argv{"sbatch", "--parsable"};
  if (o.wait) argv.push_back("--wait");
  argv.push_back(path.string());
  ChildProcess sbatch(argv, ChildProcess::kCapture, "");
  sbatch.close_stdin();
  auto id = sbatch.wait_for_line(std::regex(R"(^(\d+)(;\S+)?$)"), std::chrono::seconds(60));
  fs::remove(path);  // sbatch has read it once it printed the id
  if (!id) {
    int code = sbatch.stop_within(std::chrono::seconds(5));
    std::cerr << "shoal slurm: sbatch failed (exit " << code << "):" << sbatch.tail(20)
              << "\nis Slurm's client installed and a controller reachable (`sinfo`)?\n";
    return kExitInvalid;
  }
  std::cout << "shoal slurm: submitted job " << (*id)[1] << std::endl;
  if (!o.wait) return kExitOk;
  std::optional<int> code;
  while (!(code = sbatch.wait_exit(std::chrono::hours(24)))) {
  }
  std::cout << "shoal slurm: job " << (*id)[1] << " ended with status " << *code << std::endl;
  return *code;
}

int run_slurm(const SlurmCommandOptions& o, bool print_only) {
  std::string script;
  try {
    script = slurm_script(job_of(o));
  } catch (const Error& e) {
    std::string what = e.what();
    std::cerr << (what.rfind("shoal slurm", 0) == 0 ? "" : "shoal slurm: ") << what << "\n";
    return kExitUnreadable;
  }
  if (print_only) {
    std::cout << script;
    return kExitOk;
  }
  try {
    return submit(o, script);
  } catch (const Error& e) {
    std::cerr << "shoal slurm: " << e.what() << "\n";
    return kExitInvalid;
  }
}

void add_job_options(CLI::App& cmd, SlurmCommandOptions& o) {
  cmd.add_option("FILE", o.file, "The pipeline file (*.shoal.json), on a shared file system")
      ->required();
  cmd.add_option("--workers", o.workers, "Workers, each a task of the job")
      ->check(CLI::Range(1, 100000))
      ->required();
  cmd.add_option("--cores", o.cores, "CPUs, and threads, per worker")
      ->check(CLI::Range(1, 4096))
      ->required();
  cmd.add_option("--memory", o.memory,
                 "Memory per worker (e.g. 4GiB): Slurm's --mem-per-cpu and the worker's "
                 "--memory-limit")
      ->required();
  cmd.add_option("--walltime", o.walltime, "The job's time limit, e.g. 1:00:00")->required();
  cmd.add_option("--partition", o.partition, "Slurm partition (default: the cluster's)");
  cmd.add_option("--account", o.account, "Slurm account to charge");
  cmd.add_option("--extra-directive", o.extra_directives,
                 "An sbatch option for the script, e.g. --qos=debug (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--job-name", o.job_name, "Default: shoal-<file name>");
  cmd.add_option("--log-dir", o.log_dir,
                 "Where the job's output and shoal-JOBID/ logs go (default: where sbatch runs)");
  cmd.add_option("--shoal", o.shoal, "The shoal executable on the nodes (default: this one)");
  cmd.add_option("--death-timeout", o.death_timeout,
                 "Workers exit after losing the scheduler this long");
  cmd.add_option("--start-timeout", o.start_timeout_s, "Seconds for the workers to register")
      ->check(CLI::Range(1u, 86400u));
  add_plugin_option(cmd, o.plugins);
  add_tls_options(cmd, o.tls);
}

}  // namespace

void add_slurm_command(CLI::App& app, int& exit_code) {
  CLI::App* slurm = app.add_subcommand(
      "slurm", "Run a pipeline as one Slurm job: scheduler and workers as job steps");
  slurm->require_subcommand(1);
  auto script_options = std::make_shared<SlurmCommandOptions>();
  CLI::App* script = slurm->add_subcommand("script", "Print the batch script");
  add_job_options(*script, *script_options);
  script->callback([o = script_options, &exit_code] { exit_code = run_slurm(*o, true); });
  auto submit_options = std::make_shared<SlurmCommandOptions>();
  CLI::App* submit =
      slurm->add_subcommand("submit", "Submit the batch script with sbatch; print the job id");
  add_job_options(*submit, *submit_options);
  submit->add_flag("--wait", submit_options->wait,
                   "Wait for the job; exit with its status (the pipeline's)");
  submit->callback([o = submit_options, &exit_code] { exit_code = run_slurm(*o, false); });
}

}  // namespace shoal::cli
