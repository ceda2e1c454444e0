#include "slurm_script.h"

#include <regex>
#include <sstream>

#include "shoal/error.h"

namespace shoal::cli {
namespace {

// `s` as one bash word, in single quotes.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "(--flag 'value' ...)": a bash array of the options.
std::string array_of(const std::vector<std::string>& words) {
  std::string out = "(";
  for (const std::string& w : words) out += (out.size() > 1 ? " " : "") + quoted(w);
  return out + ")";
}

void check_value(const std::string& option, const std::string& value) {
  if (value.find_first_of("\n\r") != std::string::npos) {
    throw Error("shoal slurm: " + option + " '" + value +
                "' holds a line break; a batch script directive is one line");
  }
}

void check_job(const SlurmJob& job) {
  if (job.workers == 0) throw Error("shoal slurm: --workers must be at least 1");
  if (job.cores == 0) throw Error("shoal slurm: --cores must be at least 1");
  if (job.memory < (std::uint64_t{64} << 20)) {
    throw Error("shoal slurm: --memory is per worker and must be at least 64MiB, e.g. 4GiB");
  }
  // Slurm's --time forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
  static const std::regex walltime(R"(^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2})$)");
  if (!std::regex_match(job.walltime, walltime)) {
    throw Error("shoal slurm: --walltime '" + job.walltime +
                "' is not a Slurm time; write MINUTES, HH:MM:SS or DAYS-HH:MM:SS, e.g. 1:00:00");
  }
  check_value("--partition", job.partition);
  check_value("--account", job.account);
  for (const std::string& d : job.extra_directives) {
    check_value("--extra-directive", d);
    if (d.rfind("--", 0) != 0 && d.rfind("-", 0) != 0) {
      throw Error("shoal slurm: --extra-directive '" + d +
                  "' is not an sbatch option; write it as on sbatch's command line, e.g. "
                  "--qos=debug");
    }
  }
}

void write_directives(std::ostream& out, const SlurmJob& job) {
  const std::uint64_t mib = std::uint64_t{1} << 20;
  const std::uint64_t per_cpu = (job.memory / job.cores + mib - 1) / mib;
  out << "#!/bin/bash\n"
      << "#SBATCH --job-name=" << job.job_name << "\n"
      << "#SBATCH --ntasks=" << job.workers << "\n"
      << "#SBATCH --cpus-per-task=" << job.cores << "\n"
      << "#SBATCH --mem-per-cpu=" << per_cpu << "M\n"
      << "#SBATCH --time=" << job.walltime << "\n";
  if (!job.partition.empty()) out << "#SBATCH --partition=" << job.partition << "\n";
  if (!job.account.empty()) out << "#SBATCH --account=" << job.account << "\n";
  if (!job.log_dir.empty()) out << "#SBATCH --output=" << job.log_dir << "/shoal-%j.out\n";
  for (const std::string& d : job.extra_directives) out << "#SBATCH " << d << "\n";
}

void write_settings(std::ostream& out, const SlurmJob& job) {
  std::vector<std::string> tls, plugins;
  if (job.tls.enabled()) {
    tls = {"--tls-ca",        job.tls.ca_file, "--tls-cert",
           job.tls.cert_file, "--tls-key",     job.tls.key_file};
  }
  for (const std::string& p : job.plugins) plugins.insert(plugins.end(), {"--plugin", p});
  out << "# Written by `shoal slurm`: the scheduler and " << job.workers
      << " workers as job steps, then the pipeline on them; the job's status is the run's.\n"
      << "set -u\n"
      << "shoal=" << quoted(job.shoal) << "\n"
      << "pipeline=" << quoted(job.pipeline) << "\n"
      << "tls=" << array_of(tls) << "\n"
      << "plugins=" << array_of(plugins) << "\n"
      << "logs=" << (job.log_dir.empty() ? "\"$SLURM_SUBMIT_DIR\"" : quoted(job.log_dir))
      << "/shoal-\"$SLURM_JOB_ID\"\n"
      << "start_timeout=" << job.start_timeout_s << "\n"
      << "mkdir -p \"$logs\"\n";
}

// Starting the steps, waiting for them, the run, and the stop on exit.
void write_body(std::ostream& out, const SlurmJob& job) {
  out << R"SH(steps=()
stop() { for p in "${steps[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait; }
trap stop EXIT
fail() { echo "shoal slurm: $*" >&2; exit 1; }
# The scheduler: one small task on the batch node, beside the workers' CPUs.
srun --ntasks=1 --nodes=1 --nodelist="$SLURMD_NODENAME" --overlap \
  --output="$logs/scheduler.out" --error="$logs/scheduler.err" \
  "$shoal" scheduler --host "$(hostname)" --port 0 "${tls[@]}" &
steps+=($!)
address=""
for ((i = 0; i < start_timeout * 10; i++)); do
  address=$(sed -n 's/^shoal scheduler: listening on //p' "$logs/scheduler.out" 2>/dev/null)
  [[ -n "$address" ]] && break
  kill -0 "${steps[0]}" 2>/dev/null || fail "the scheduler step ended: $(tail -n 5 "$logs/scheduler.err")"
  sleep 0.1
done
[[ -n "$address" ]] || fail "the scheduler did not start in ${start_timeout} s; see $logs/scheduler.err"
)SH";
  out << "# The workers: one task each, announcing their node's name to their peers.\n"
      << "srun --ntasks=" << job.workers << " --cpus-per-task=" << job.cores
      << " --exact --kill-on-bad-exit=0 \\\n"
      << "  --output=\"$logs/worker-%t.out\" --error=\"$logs/worker-%t.err\" \\\n"
      << "  bash -c 'exec \"$@\" --host \"$(hostname)\"' shoal-worker \\\n"
      << "  \"$shoal\" worker \"$address\" --threads " << job.cores << " --memory-limit "
      << job.memory << " --death-timeout " << quoted(job.death_timeout)
      << " \"${plugins[@]}\" \"${tls[@]}\" &\n"
      << "steps+=($!)\n"
      << "registered=0\n"
      << "for ((i = 0; i < start_timeout * 10; i++)); do\n"
      << "  registered=$(cat \"$logs\"/worker-*.out 2>/dev/null | grep -c 'registered with')\n"
      << "  ((registered >= " << job.workers << ")) && break\n"
      << "  kill -0 \"${steps[1]}\" 2>/dev/null || fail \"the worker step ended; see "
         "$logs/worker-*.err\"\n"
      << "  sleep 0.1\n"
      << "done\n"
      << "((registered >= " << job.workers << ")) || fail \"$registered of " << job.workers
      << " workers registered in ${start_timeout} s; see $logs/worker-*.err\"\n"
      << "\"$shoal\" run \"$pipeline\" --scheduler \"$address\" --no-progress "
         "\"${plugins[@]}\" \"${tls[@]}\"\n"
      << "status=$?\n"
      << "exit \"$status\"\n";
}

}  // namespace

std::string slurm_script(const SlurmJob& job) {
  check_job(job);
  std::ostringstream out;
  write_directives(out, job);
  write_settings(out, job);
  write_body(out, job);
  return out.str();
}

}  // namespace shoal::cli
