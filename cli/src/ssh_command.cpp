// shoal ssh HOST [HOST ...] FILE: starts a cluster over SSH, runs a
// pipeline on it and stops it, as dask's SSHCluster does. The first host
// runs the scheduler, every other host (or, given one host, that one) runs
// --workers-per-host workers; the pipeline runs here as `shoal run
// --scheduler`, and whatever happens (the run ends, fails, a start fails,
// SIGINT/SIGTERM) every remote process is stopped before it returns.
//
// It uses the system's OpenSSH client (`ssh -T -o BatchMode=yes`), so keys,
// agents, ~/.ssh/config and ProxyJump work as they do for the user; -F and
// -o pass a config file and options through.
//
// Stopping without leftovers: each remote command runs under a small POSIX
// sh wrapper that starts the Shoal process in the background and kills it
// (SIGTERM, a clean stop) when its standard input, the SSH channel, reaches
// end of file. Closing the pipe to ssh is how this command stops a remote
// process; and if this command dies (kill -9), its ssh clients die with
// their pipes, sshd closes the channels and the wrappers stop the remote
// processes just the same. Nothing relies on SIGHUP or a pseudo-terminal.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <regex>
#include <thread>

#include "child_process.h"
#include "commands.h"
#include "plugin_options.h"
#include "shoal/error.h"
#include "signals.h"
#include "tls_options.h"

namespace shoal::cli {
namespace {

using namespace std::chrono_literals;

struct SshCommandOptions {
  std::vector<std::string> hosts_and_file;  // HOST [HOST ...] FILE
  std::size_t workers_per_host = 1;
  std::size_t threads = 0;
  std::string memory_limit;
  std::uint16_t scheduler_port = 8786;
  std::string remote_shoal;  // default: this executable's path
  std::string ssh_config;
  std::vector<std::string> ssh_options;
  std::vector<std::string> plugins;
  std::vector<std::string> allow_paths;
  std::string death_timeout = "60s";
  unsigned start_timeout_s = 60;
  TlsOptions tls;  // the same paths on every host
};

// The --tls-* flags of every process (none without TLS).
std::vector<std::string> tls_args(const TlsOptions& tls) {
  if (!tls.enabled()) return {};
  return {"--tls-ca", tls.ca_file, "--tls-cert", tls.cert_file, "--tls-key", tls.key_file};
}

// The wrapper every remote command runs in (see the top of the file): the
// process gets /dev/null as input; a watcher holds the channel (fd 3) and
// sends SIGTERM once it closes; the wrapper's status is the process's.
constexpr const char* kWrapper =
    "exec 3<&0 </dev/null; \"$@\" 3<&- & p=$!; "
    "(cat <&3 >/dev/null 2>&1; kill -TERM \"$p\" 2>/dev/null) >/dev/null 2>&1 & "
    "exec 3<&-; wait \"$p\"";

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// What ssh runs on the host: the remote login shell parses one string.
std::string remote_command(const std::vector<std::string>& argv) {
  std::string out = "sh -c " + shell_quoted(kWrapper) + " shoal-ssh";
  for (const std::string& a : argv) out += " " + shell_quoted(a);
  return out;
}

// "user@host" -> "host": the address the processes bind and announce.
std::string address_of(const std::string& host) {
  std::size_t at = host.rfind('@');
  return at == std::string::npos ? host : host.substr(at + 1);
}

std::string self_exe() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("shoal ssh: cannot find this executable's path; pass --remote-shoal");
  return p.string();
}

class SshCluster {
 public:
  explicit SshCluster(const SshCommandOptions& o) : o_(o) {}
  ~SshCluster() { stop(); }

  // Starts the scheduler, then the workers; the scheduler's address.
  std::string start(const std::vector<std::string>& hosts) {
    const std::string& head = hosts.front();
    std::vector<std::string> args{"scheduler", "--host", address_of(head), "--port",
                                  std::to_string(o_.scheduler_port)};
    for (const std::string& a : tls_args(o_.tls)) args.push_back(a);
    auto& s = launch(head, "scheduler", args);
    auto line = s.wait_for_line(std::regex(R"(listening on (\S+)$)"), start_timeout());
    if (!line) fail("the scheduler on " + head + " did not start", s);
    const std::string address = (*line)[1];
    std::vector<std::string> worker_hosts(hosts.size() > 1 ? hosts.begin() + 1 : hosts.begin(),
                                          hosts.end());
    for (const std::string& host : worker_hosts) {
      for (std::size_t i = 0; i < o_.workers_per_host; ++i) launch_worker(host, address);
    }
    for (std::size_t i = 1; i < sessions_.size(); ++i) {
      if (!sessions_[i]->wait_for_line(std::regex("registered with"), start_timeout()))
        fail("worker " + std::to_string(i) + " did not register", *sessions_[i]);
    }
    return address;
  }

  // Workers first (a scheduler stopped first would make them log a loss),
  // each by closing its channel, then SIGKILL of the ssh after a grace time.
  void stop() {
    for (std::size_t i = sessions_.size(); i-- > 0;) sessions_[i]->close_stdin();
    for (std::size_t i = sessions_.size(); i-- > 0;) sessions_[i]->stop_within(15s);
    sessions_.clear();
  }

 private:
  std::chrono::milliseconds start_timeout() const {
    return std::chrono::seconds(o_.start_timeout_s);
  }

  void launch_worker(const std::string& host, const std::string& scheduler) {
    std::vector<std::string> args{
        "worker",          scheduler,
        "--host",          address_of(host),
        "--name",          "ssh-" + address_of(host) + "-" + std::to_string(sessions_.size()),
        "--death-timeout", o_.death_timeout};
    if (o_.threads) args.insert(args.end(), {"--threads", std::to_string(o_.threads)});
    if (!o_.memory_limit.empty()) args.insert(args.end(), {"--memory-limit", o_.memory_limit});
    for (const std::string& p : o_.plugins) args.insert(args.end(), {"--plugin", p});
    for (const std::string& p : o_.allow_paths) args.insert(args.end(), {"--allow-path", p});
    for (const std::string& a : tls_args(o_.tls)) args.push_back(a);
    launch(host, "worker-" + std::to_string(sessions_.size()), args);
  }

  ChildProcess& launch(const std::string& host, const std::string& role,
                       std::vector<std::string> shoal_args) {
    std::vector<std::string> argv{"ssh", "-T", "-o", "BatchMode=yes"};
    if (!o_.ssh_config.empty()) argv.insert(argv.end(), {"-F", o_.ssh_config});
    for (const std::string& opt : o_.ssh_options) argv.insert(argv.end(), {"-o", opt});
    shoal_args.insert(shoal_args.begin(), o_.remote_shoal.empty() ? self_exe() : o_.remote_shoal);
    argv.push_back(host);
    argv.push_back(remote_command(shoal_args));
    sessions_.push_back(std::make_unique<ChildProcess>(argv, ChildProcess::kCapture,
                                                       "[" + host + " " + role + "]"));
    return *sessions_.back();
  }

  [[noreturn]] void fail(const std::string& what, ChildProcess& p) {
    throw Error("shoal ssh: " + what + " within " + std::to_string(o_.start_timeout_s) +
                " s; its last lines:" + p.tail());
  }

  const SshCommandOptions& o_;
  std::vector<std::unique_ptr<ChildProcess>> sessions_;  // [0] the scheduler
};

// `shoal run FILE --scheduler ADDRESS` here, sharing this process's streams;
// its exit code, or 1 when a stop signal came first.
int run_pipeline(const SshCommandOptions& o, const std::string& file, const std::string& address,
                 const std::atomic<bool>& stopping) {
  std::vector<std::string> argv{self_exe(), "run", file, "--scheduler", address};
  for (const std::string& p : o.plugins) argv.insert(argv.end(), {"--plugin", p});
  for (const std::string& a : tls_args(o.tls)) argv.push_back(a);
  ChildProcess run(argv, ChildProcess::kInherit, "[run]");
  for (;;) {
    if (auto code = run.wait_exit(100ms)) return *code;
    if (stopping) {
      run.send_signal(SIGTERM);
      run.stop_within(10s);
      return kExitInvalid;
    }
  }
}

int run_ssh(const SshCommandOptions& o) {
  if (o.hosts_and_file.size() < 2) {
    std::cerr << "shoal ssh: give at least one host and the pipeline file\n";
    return kExitUnreadable;
  }
  std::vector<std::string> hosts(o.hosts_and_file.begin(), o.hosts_and_file.end() - 1);
  const std::string file = std::filesystem::absolute(o.hosts_and_file.back()).string();
  if (!std::filesystem::is_regular_file(file)) {
    std::cerr << "shoal ssh: " << file << ": no such file\n";
    return kExitUnreadable;
  }
  block_stop_signals();
  std::atomic<bool> stopping{false};
  std::thread stopper([&] {
    wait_for_stop_signal();
    stopping = true;
  });
  stopper.detach();  // blocked in sigwait; ends with the process
  SshCluster cluster(o);
  try {
    const std::string address = cluster.start(hosts);
    if (stopping) return kExitInvalid;
    std::cerr << "shoal ssh: cluster up, scheduler at " << address << "; running " << file
              << std::endl;
    int code = run_pipeline(o, file, address, stopping);
    cluster.stop();
    return code;
  } catch (const Error& e) {
    std::cerr << e.what() << std::endl;
    return kExitInvalid;
  }
}

}  // namespace

void add_ssh_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SshCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ssh",
      "Start a cluster over SSH (the first host runs the scheduler, the others workers), run a "
      "pipeline on it, then stop it (exit codes as shoal run's)");
  cmd->add_option("HOSTS_THEN_FILE", o->hosts_and_file,
                  "Hosts ([user@]host, as ssh takes them), then the pipeline file")
      ->required()
      ->expected(2, 1 << 20);
  cmd->add_option("--workers-per-host", o->workers_per_host, "Workers on each worker host")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--threads", o->threads, "Threads per worker (default: the host's)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--memory-limit", o->memory_limit, "Each worker's --memory-limit");
  cmd->add_option("--scheduler-port", o->scheduler_port, "The scheduler's port (0 = any)");
  cmd->add_option("--remote-shoal", o->remote_shoal,
                  "The shoal executable on the hosts (default: this one's path)");
  cmd->add_option("-F,--ssh-config", o->ssh_config, "An ssh_config file, passed as ssh -F");
  cmd->add_option("-o,--ssh-option", o->ssh_options, "An ssh option (repeatable), as ssh -o")
      ->allow_extra_args(false);
  add_plugin_option(*cmd, o->plugins);
  cmd->add_option("--allow-path", o->allow_paths, "Each worker's --allow-path (repeatable)")
      ->type_name("DIR")
      ->allow_extra_args(false);
  cmd->add_option("--death-timeout", o->death_timeout, "Each worker's --death-timeout")
      ->capture_default_str();
  cmd->add_option("--start-timeout", o->start_timeout_s,
                  "Seconds to wait for the scheduler and each worker to start")
      ->check(CLI::Range(1u, 3600u));
  add_tls_options(*cmd, o->tls);  // the same paths on every host and here
  cmd->callback([o, &exit_code] { exit_code = run_ssh(*o); });
}

}  // namespace shoal::cli
