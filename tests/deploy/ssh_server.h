// SshServer: a throwaway OpenSSH server for the tests of `shoal ssh`, on
// 127.0.0.1 and a free port, with its own host key, a user key that may log
// in as the current user, its own sshd_config (-f, -D, -e) and an
// ssh_config for the client (-F) that trusts exactly that host key. All of
// it lives in a temporary directory.
//
// available() says why it cannot run here (not root: sshd must switch
// users and own /run/sshd; no /usr/sbin/sshd). The destructor stops sshd
// and every session it forked (they share its process group).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>

#include "deploy_support.h"

namespace shoal::testing {

class SshServer {
 public:
  /// "" when an sshd can be started here, otherwise why not.
  static std::string unavailable() {
    if (::geteuid() != 0) return "sshd needs root (it switches users and owns /run/sshd)";
    if (!std::filesystem::exists("/usr/sbin/sshd"))
      return "/usr/sbin/sshd is absent (Debian's openssh-server; scripts/install-deps installs it)";
    return "";
  }

  explicit SshServer(const TempDir& dir) : dir_(dir.path() / "ssh") {
    std::filesystem::create_directories(dir_);
    std::filesystem::create_directories("/run/sshd");  // sshd's privilege separation directory
    keygen("host_key");
    keygen("user_key");
    std::filesystem::copy_file(dir_ / "user_key.pub", dir_ / "authorized_keys");
    // The port was free a moment ago; another test may take it first, so
    // try a few.
    for (int attempt = 0; attempt < 5 && !sshd_; ++attempt) start(closed_port());
    if (!sshd_) throw std::runtime_error("sshd did not start on any of 5 ports");
    write_client_config();
  }
  ~SshServer() {
    if (sshd_ && sshd_->running()) ::kill(-sshd_->pid(), SIGTERM);  // sessions too
  }

  std::uint16_t port() const { return port_; }
  /// The client's config file, for `ssh -F` (`shoal ssh -F`).
  std::string client_config() const { return (dir_ / "ssh_config").string(); }
  Process& sshd() { return *sshd_; }

 private:
  void keygen(const std::string& name) {
    Process p("ssh-keygen", {"-q", "-t", "ed25519", "-N", "", "-f", (dir_ / name).string()});
    if (!p.wait_exit(30s).clean()) p.fail("could not make a key");
  }

  void start(std::uint16_t port) {
    const std::string d = dir_.string();
    std::ofstream(dir_ / "sshd_config")
        << "ListenAddress 127.0.0.1:" << port << "\nHostKey " << d << "/host_key\n"
        << "AuthorizedKeysFile " << d << "/authorized_keys\nPidFile " << d << "/sshd.pid\n"
        << "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
        << "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        << "MaxStartups 100\nMaxSessions 100\nLogLevel INFO\n";
    auto p = std::make_unique<Process>(
        "/usr/sbin/sshd", std::vector<std::string>{"-D", "-e", "-f", d + "/sshd_config"});
    try {
      p->wait_for_line(Stream::kStderr, std::regex("Server listening on 127.0.0.1 port"), 20s);
    } catch (const std::runtime_error&) {
      return;  // the port was taken: the destructor of p reaps it
    }
    sshd_ = std::move(p);
    port_ = port;
  }

  void write_client_config() {
    const std::string d = dir_.string();
    std::string host_key = read_text(dir_ / "host_key.pub");
    host_key = host_key.substr(0, host_key.rfind(' '));  // "type base64", no comment
    std::ofstream(dir_ / "known_hosts") << "[127.0.0.1]:" << port_ << " " << host_key << "\n";
    std::ofstream(dir_ / "ssh_config")
        << "Host 127.0.0.1\n  Port " << port_ << "\n  User root\n  IdentityFile " << d
        << "/user_key\n  IdentitiesOnly yes\n  UserKnownHostsFile " << d << "/known_hosts\n"
        << "  StrictHostKeyChecking yes\n  BatchMode yes\n";
  }

  std::filesystem::path dir_;
  std::unique_ptr<Process> sshd_;
  std::uint16_t port_ = 0;
};

}  // namespace shoal::testing
