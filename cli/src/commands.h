// The commands of the `shoal` executable. Each add_* registers one
// subcommand on the application; when it runs, it stores its exit code in
// `exit_code`:
//   0  done (the pipeline is valid)
//   1  the pipeline has problems (each printed with the node it concerns)
//   2  a file could not be read or written, or is not a pipeline, or a
//      plugin could not be loaded
// `shoal run` differs: 1 means the run failed (an op threw), and a pipeline
// with problems is bad input (2), like an unreadable file. `shoal worker`
// exits 1 when it could not start or gave up on its scheduler
// (--death-timeout), 2 on a bad option or plugin.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace shoal::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUnreadable = 2;

/// `shoal validate FILE`: prints every problem of a pipeline file.
void add_validate_command(CLI::App& app, int& exit_code);
/// `shoal graph FILE -o OUT [--tasks]`: draws a pipeline (or its task graph).
void add_graph_command(CLI::App& app, int& exit_code);
/// `shoal ops`: lists the registered ops with their ports and parameters.
void add_ops_command(CLI::App& app, int& exit_code);
/// `shoal run FILE [--scheduler HOST:PORT]`: runs a pipeline on an embedded
/// LocalCluster, or on a remote cluster.
void add_run_command(CLI::App& app, int& exit_code);
/// `shoal scheduler`: a cluster's scheduler, until SIGINT/SIGTERM.
void add_scheduler_command(CLI::App& app, int& exit_code);
/// `shoal worker HOST:PORT`: a cluster's worker, until SIGINT/SIGTERM.
void add_worker_command(CLI::App& app, int& exit_code);
/// `shoal status HOST:PORT`: workers, threads, memory and tasks by state.
void add_status_command(CLI::App& app, int& exit_code);
/// `shoal ssh HOST [HOST ...] FILE`: a cluster started over SSH for one run.
void add_ssh_command(CLI::App& app, int& exit_code);
/// `shoal certs DIR`: a CA and node certificates for mutual TLS.
void add_certs_command(CLI::App& app, int& exit_code);
/// shoal slurm script|submit: a pipeline as one Slurm batch job.
void add_slurm_command(CLI::App& app, int& exit_code);

/// "2GiB", "512MiB", "800MB", "1000000" as bytes; throws shoal::Error.
std::uint64_t parse_bytes(const std::string& text);
/// "1.5 GiB", "312.0 KiB", "17 B": an amount of memory for people.
std::string format_bytes(std::uint64_t bytes);
/// "30s", "500ms", "2m", "1h", or a bare number of seconds; throws shoal::Error.
std::chrono::milliseconds parse_duration(const std::string& text);

}  // namespace shoal::cli
