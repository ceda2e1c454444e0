// `shoal slurm`: the batch script maps the options to sbatch directives and
// worker flags, refuses what Slurm would refuse, and — on a real single-host
// Slurm started by the test (root only; skipped otherwise) — one job runs the
// scheduler and two workers as job steps and the trips pipeline on them,
// writing the outputs a local `shoal run` writes.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "deploy_support.h"
#include "slurm_cluster.h"

using namespace shoal::testing;

namespace {

std::pair<ExitStatus, std::string> script(std::vector<std::string> args) {
  args.insert(args.begin(), {"slurm", "script"});
  Process p(kShoalExe, args);
  ExitStatus s = p.wait_exit(30s);
  std::string out;
  for (const Line& l : p.lines(Stream::kStdout)) out += l.text + "\n";
  for (const Line& l : p.lines(Stream::kStderr)) out += l.text + "\n";
  return {s, out};
}

}  // namespace

TEST_CASE("shoal slurm script maps the job's options to directives and worker flags") {
  const std::string file = std::string(SHOAL_EXAMPLE_PIPELINES) + "/trips.shoal.json";
  auto [s, text] = script({"--workers", "3", "--cores", "2", "--memory", "1GiB", "--walltime",
                           "1:30:00", "--partition", "short", "--account", "proj7",
                           "--extra-directive", "--qos=debug", file});
  REQUIRE_MESSAGE(s.clean(), text);
  for (const char* line :
       {"#!/bin/bash\n", "#SBATCH --job-name=shoal-trips\n", "#SBATCH --ntasks=3\n",
        "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem-per-cpu=512M\n", "#SBATCH --time=1:30:00\n",
        "#SBATCH --partition=short\n", "#SBATCH --account=proj7\n", "#SBATCH --qos=debug\n"}) {
    CHECK_MESSAGE(text.find(line) != std::string::npos, line);
  }
  // The workers: 2 threads and the memory Slurm grants each (1 GiB).
  CHECK(text.find("srun --ntasks=3 --cpus-per-task=2 --exact") != std::string::npos);
  CHECK(text.find("worker \"$address\" --threads 2 --memory-limit 1073741824") !=
        std::string::npos);
  CHECK(text.find("run \"$pipeline\" --scheduler \"$address\"") != std::string::npos);
  // bash accepts it.
  TempDir dir("slurm-script");
  std::ofstream(dir.file("job.sh")) << text;
  Process bash("/bin/bash", {"-n", dir.file("job.sh")});
  CHECK(bash.wait_exit(10s).clean());
}

TEST_CASE("shoal slurm script refuses what sbatch would, naming the option") {
  const std::string file = std::string(SHOAL_EXAMPLE_PIPELINES) + "/trips.shoal.json";
  const std::vector<std::string> base{"--workers", "2", "--cores", "1"};
  auto refused = [&](std::vector<std::string> extra, const std::string& expected) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(file);
    auto [s, text] = script(args);
    CHECK_MESSAGE(s.code == 2, text);
    CHECK_MESSAGE(text.find(expected) != std::string::npos, text);
  };
  refused({"--memory", "1GiB", "--walltime", "an hour"},
          "--walltime 'an hour' is not a Slurm time");
  refused({"--memory", "1GiB", "--walltime", "10", "--extra-directive", "qos=debug"},
          "--extra-directive 'qos=debug' is not an sbatch option");
  refused({"--walltime", "10", "--memory", "lots"}, "'lots' is not an amount of memory");
  refused({"--walltime", "10", "--memory", "1MiB"}, "--memory is per worker");
  auto [s, text] = script({"--workers", "2", "--cores", "1", "--memory", "1GiB", "--walltime", "10",
                           "/nonexistent/p.shoal.json"});
  CHECK(s.code == 2);
  CHECK(text.find("/nonexistent/p.shoal.json is not a pipeline file") != std::string::npos);
}

TEST_CASE("shoal slurm submit runs a pipeline as one Slurm job, as a local run does") {
  if (std::string skip = SlurmCluster::unavailable(); !skip.empty()) {
    std::cout << "SKIPPED: " << skip << std::endl;
    return;
  }
  TempDir dir("slurm");
  SlurmCluster slurm(dir);
  const auto on_slurm = copy_example(dir.path() / "slurm", "trips");
  const auto here = copy_example(dir.path() / "here", "trips");
  auto [local, local_out] = run_shoal({"run", here.string(), "--no-progress"});
  REQUIRE_MESSAGE(local.clean(), local_out);

  const std::string logs = (dir.path() / "logs").string();
  std::filesystem::create_directories(logs);
  Process submit(kShoalExe,
                 {"slurm", "submit", "--workers", "2", "--cores", "1", "--memory", "256MiB",
                  "--walltime", "10", "--log-dir", logs, "--wait", on_slurm.string()},
                 slurm.env());
  Line id = submit.wait_for_line(Stream::kStdout, std::regex(R"(submitted job (\d+))"), 60s);
  ExitStatus status = submit.wait_exit(240s);
  const std::string job_out = read_text(logs + "/shoal-" + id.groups[1] + ".out");
  CAPTURE(job_out);
  CAPTURE(slurm.logs());
  REQUIRE_MESSAGE(status.clean(), submit.tail());
  // The values the run printed, and the file it wrote, are the local run's.
  std::istringstream lines(local_out);
  for (std::string line; std::getline(lines, line);) CHECK(job_out.find(line) != std::string::npos);
  const auto csv = [](const std::filesystem::path& p) {
    return read_text(p.parent_path() / "trips_by_zone.csv");
  };
  CHECK_FALSE(csv(here).empty());
  CHECK(csv(on_slurm) == csv(here));
  // Both workers registered, each a task of the job.
  const std::string step_logs = logs + "/shoal-" + id.groups[1];
  CHECK(read_text(step_logs + "/worker-0.out").find("registered with") != std::string::npos);
  CHECK(read_text(step_logs + "/worker-1.out").find("registered with") != std::string::npos);
}
