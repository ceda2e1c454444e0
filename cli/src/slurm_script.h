// The batch script of `shoal slurm`: one Slurm job that runs a cluster's
// scheduler and workers as job steps and a pipeline on them, as
// dask-jobqueue's SLURMCluster does with one job per worker, but in one
// job: a pipeline run is a batch job's whole life.
//
// The script (bash) starts the scheduler as a one-task step on the batch
// node (`srun --overlap`: it needs little and must not wait for CPUs), then
// one step of `workers` tasks, each a `shoal worker --threads cores
// --memory-limit memory` (the job asks for `cores` CPUs per task and
// memory / cores per CPU, so Slurm's own limit and the worker's agree; the
// worker spills at 70% and pauses at 85% of it, below Slurm's kill). It
// waits until every worker registered, runs `shoal run FILE --scheduler`,
// stops both steps and exits with the run's status: the job fails when the
// pipeline fails. Logs go to `log_dir`/shoal-JOBID/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shoal/tls.h"

namespace shoal::cli {

struct SlurmJob {
  std::string pipeline;  ///< absolute path of the pipeline file
  std::string shoal;     ///< absolute path of the `shoal` executable on the nodes
  std::size_t workers = 1;
  std::size_t cores = 1;     ///< per worker: its threads and CPUs
  std::uint64_t memory = 0;  ///< per worker, bytes
  std::string walltime;      ///< Slurm's --time ("30", "1:00:00", "1-00:00:00")
  std::string partition;     ///< "" = the cluster's default
  std::string account;
  std::vector<std::string> extra_directives;  ///< each becomes "#SBATCH <it>"
  std::string job_name;
  std::string log_dir;  ///< absolute; "" = the directory sbatch runs in
  std::string death_timeout = "60s";
  unsigned start_timeout_s = 300;  ///< for the workers to register
  std::vector<std::string> plugins;
  TlsOptions tls;
};

/// The batch script. Throws shoal::Error naming the option when a value
/// cannot go into it (a walltime Slurm would refuse, a newline in a
/// directive, no workers).
std::string slurm_script(const SlurmJob& job);

}  // namespace shoal::cli
