// SlurmCluster: a throwaway single-host Slurm for the test of `shoal slurm`:
// its own munged (own key and socket), slurmctld and slurmd (foreground,
// -D), one node of 4 CPUs (more than this machine has, accepted through
// SlurmdParameters=config_overrides, so that the job's steps fit on a
// 2-core runner) and one partition, all configured and logged in a
// temporary directory, on free ports of 127.0.0.1. No cgroups: processes
// are tracked by /proc (proctrack/linuxproc), memory is not a consumable
// resource (CR_CPU), so a container without cgroup delegation can run it.
//
// unavailable() says why it cannot run here (not root: slurmd starts jobs
// as their users; a package absent). env() is what a client needs
// (SLURM_CONF). The destructor stops every daemon.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <thread>

#include "deploy_support.h"

namespace shoal::testing {

class SlurmCluster {
 public:
  static constexpr const char* kNode = "shoalnode";

  /// "" when Slurm can be started here, otherwise why not.
  static std::string unavailable() {
    if (::geteuid() != 0) return "slurmd needs root (it starts job steps as their users)";
    for (const char* exe : {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged",
                            "/usr/bin/sbatch", "/usr/bin/srun"}) {
      if (!std::filesystem::exists(exe))
        return std::string(exe) + " is absent (slurmctld, slurmd, munge: scripts/install-deps)";
    }
    return "";
  }

  explicit SlurmCluster(const TempDir& dir) : dir_(dir.path() / "slurm") {
    std::filesystem::create_directories(dir_ / "state");
    std::filesystem::create_directories(dir_ / "spool");
    start_munge();
    write_config();
    ctld_ = std::make_unique<Process>("/usr/sbin/slurmctld",
                                      std::vector<std::string>{"-D", "-c", "-f", conf()});
    slurmd_ = std::make_unique<Process>("/usr/sbin/slurmd",
                                        std::vector<std::string>{"-D", "-f", conf(), "-N", kNode});
    wait_idle();
  }
  ~SlurmCluster() {
    slurmd_.reset();  // Process kills what still runs
    ctld_.reset();
    if (munged_pid_ > 0) ::kill(munged_pid_, SIGTERM);
  }

  std::string conf() const { return (dir_ / "slurm.conf").string(); }
  /// The environment a Slurm client (sbatch, sinfo) needs for this cluster.
  std::vector<std::string> env() const { return {"SLURM_CONF=" + conf()}; }
  std::string logs() const {
    return "slurmctld.log:\n" + tail_of(dir_ / "slurmctld.log") + "slurmd.log:\n" +
           tail_of(dir_ / "slurmd.log");
  }

 private:
  static std::string tail_of(const std::filesystem::path& p) {
    std::string text = read_text(p);
    return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
  }

  void start_munge() {
    {
      std::ofstream key(dir_ / "munge.key", std::ios::binary);
      std::random_device rd;
      for (int i = 0; i < 1024; ++i) key.put(static_cast<char>(rd()));
    }
    std::filesystem::permissions(dir_ / "munge.key", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write);
    Process munged("/usr/sbin/munged",
                   {"--key-file=" + (dir_ / "munge.key").string(),
                    "--socket=" + (dir_ / "munge.sock").string(),
                    "--pid-file=" + (dir_ / "munged.pid").string(),
                    "--log-file=" + (dir_ / "munged.log").string(),
                    "--seed-file=" + (dir_ / "munge.seed").string(), "--force"});
    if (!munged.wait_exit(30s).clean()) munged.fail("munged did not start");  // it daemonizes
    std::ifstream(dir_ / "munged.pid") >> munged_pid_;
  }

  void write_config() {
    const std::string d = dir_.string();
    std::ofstream out(conf());
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);  // slurmctld runs only where SlurmctldHost names
    out << "ClusterName=shoaltest\nSlurmctldHost=" << host << "(127.0.0.1)\nMailProg=/bin/true\n"
        << "SlurmctldPort=" << closed_port() << "\nSlurmdPort=" << closed_port() << "\n"
        << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << d << "/munge.sock\n"
        << "SlurmUser=root\nSlurmdUser=root\n"
        << "StateSaveLocation=" << d << "/state\nSlurmdSpoolDir=" << d << "/spool\n"
        << "SlurmctldPidFile=" << d << "/slurmctld.pid\nSlurmdPidFile=" << d << "/slurmd.pid\n"
        << "SlurmctldLogFile=" << d << "/slurmctld.log\nSlurmdLogFile=" << d << "/slurmd.log\n"
        << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
        << "SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n"
        << "SchedulerType=sched/backfill\nReturnToService=2\nMpiDefault=none\n"
        << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
        << "SlurmdParameters=config_overrides\n"
        << "NodeName=" << kNode << " NodeAddr=127.0.0.1 CPUs=4 RealMemory=4096 State=UNKNOWN\n"
        << "PartitionName=debug Nodes=" << kNode << " Default=YES MaxTime=INFINITE State=UP\n";
  }

  // Until sinfo reports the node idle (the daemons found each other).
  void wait_idle() {
    for (int i = 0; i < 60; ++i) {
      if (!ctld_->running() || !slurmd_->running()) break;
      Process sinfo("/usr/bin/sinfo", {"-h", "-o", "%T"}, env());
      sinfo.wait_exit(10s);
      for (const Line& l : sinfo.lines(Stream::kStdout))
        if (l.text == "idle") return;
      std::this_thread::sleep_for(500ms);
    }
    throw std::runtime_error("the test's Slurm node never became idle\n" + logs());
  }

  std::filesystem::path dir_;
  pid_t munged_pid_ = 0;
  std::unique_ptr<Process> ctld_, slurmd_;
};

}  // namespace shoal::testing
