// shoal certs DIR: a certificate authority and node certificates for a
// small cluster's mutual TLS (--tls-ca, --tls-cert, --tls-key), made with
// the openssl command line tool.
//
//   DIR/ca.pem            the CA certificate: every node's --tls-ca
//   DIR/ca.key            the CA's key: keep it off the cluster (signs more)
//   DIR/NAME.pem, .key    one certificate and key per --name (default:
//                         scheduler, worker, client)
//
// Keys are EC P-256 and written 0600. Every certificate is good for both
// ends of a connection (serverAuth, clientAuth): a worker accepts fetches
// and opens connections to peers. Subject alternative names list the
// --host values (CAF verifies the chain, not the name, but other TLS
// tools a site runs beside the cluster may check them).
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "child_process.h"
#include "commands.h"
#include "shoal/error.h"

namespace shoal::cli {
namespace {

namespace fs = std::filesystem;

struct CertsCommandOptions {
  std::string dir;
  std::vector<std::string> names{"scheduler", "worker", "client"};
  std::vector<std::string> hosts{"127.0.0.1", "localhost"};
  unsigned days = 365;
  bool force = false;
};

// Runs openssl with `args`; throws with its output when it fails.
void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess p(argv, ChildProcess::kCapture, "");
  p.close_stdin();
  int code = p.stop_within(std::chrono::seconds(60));
  if (code != 0) {
    throw Error("shoal certs: openssl " + args.front() + " failed (exit " + std::to_string(code) +
                "):" + p.tail(20) + "\nis Debian's openssl package installed?");
  }
}

std::string subject_alt_names(const std::vector<std::string>& hosts) {
  std::string out;
  for (const std::string& h : hosts) {
    bool ip = h.find_first_not_of("0123456789.") == std::string::npos || h.find(':') != h.npos;
    out += (out.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + h;
  }
  return out;
}

void make_ca(const fs::path& dir, unsigned days) {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", (dir / "ca.key").string(), "-out", (dir / "ca.pem").string(), "-days",
           std::to_string(days), "-subj", "/CN=Shoal cluster CA", "-addext",
           "basicConstraints=critical,CA:TRUE", "-addext",
           "keyUsage=critical,keyCertSign,cRLSign"});
}

void make_node(const fs::path& dir, const std::string& name, const CertsCommandOptions& o) {
  const fs::path key = dir / (name + ".key"), csr = dir / (name + ".csr"),
                 ext = dir / (name + ".ext");
  openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", key.string(), "-out", csr.string(), "-subj", "/CN=" + name});
  std::ofstream(ext) << "basicConstraints=CA:FALSE\n"
                     << "keyUsage=critical,digitalSignature,keyEncipherment\n"
                     << "extendedKeyUsage=serverAuth,clientAuth\n"
                     << "subjectAltName=" << subject_alt_names(o.hosts) << "\n";
  openssl({"x509", "-req", "-in", csr.string(), "-CA", (dir / "ca.pem").string(), "-CAkey",
           (dir / "ca.key").string(), "-CAcreateserial", "-days", std::to_string(o.days),
           "-extfile", ext.string(), "-out", (dir / (name + ".pem")).string()});
  fs::remove(csr);
  fs::remove(ext);
}

int run_certs(const CertsCommandOptions& o) {
  const fs::path dir = o.dir;
  try {
    fs::create_directories(dir);
    if (!o.force && fs::exists(dir / "ca.pem")) {
      throw Error("shoal certs: " + (dir / "ca.pem").string() +
                  " exists; pass --force to make a new CA (every node then needs new files)");
    }
    ::umask(077);  // keys readable by their owner only
    make_ca(dir, o.days);
    for (const std::string& name : o.names) make_node(dir, name, o);
    fs::remove(dir / "ca.srl");
  } catch (const Error& e) {
    std::cerr << e.what() << "\n";
    return kExitUnreadable;
  } catch (const fs::filesystem_error& e) {
    std::cerr << "shoal certs: " << e.what() << "\n";
    return kExitUnreadable;
  }
  std::cout << "shoal certs: wrote " << (dir / "ca.pem").string();
  for (const std::string& name : o.names) std::cout << ", " << name << ".pem/.key";
  std::cout << " in " << dir.string() << std::endl;
  return kExitOk;
}

}  // namespace

void add_certs_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CertsCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "certs", "Create a CA and node certificates for a cluster's mutual TLS (uses openssl)");
  cmd->add_option("DIR", o->dir, "Where the files go (created if needed)")->required();
  cmd->add_option("--name", o->names,
                  "A certificate to make, NAME.pem and NAME.key (repeatable; default: scheduler, "
                  "worker, client)")
      ->allow_extra_args(false);
  cmd->add_option("--host", o->hosts,
                  "A host name or address the certificates name (repeatable; default: 127.0.0.1, "
                  "localhost)")
      ->allow_extra_args(false);
  cmd->add_option("--days", o->days, "How long the certificates are valid")
      ->check(CLI::Range(1u, 36500u));
  cmd->add_flag("--force", o->force, "Replace an existing CA in DIR");
  cmd->callback([o, &exit_code] { exit_code = run_certs(*o); });
}

}  // namespace shoal::cli
