#include "tls_options.h"

#include <CLI/CLI.hpp>

namespace shoal::cli {

void add_tls_options(CLI::App& cmd, TlsOptions& tls) {
  const char* group = "Mutual TLS (all three, on every node of the cluster; `shoal certs`)";
  cmd.add_option("--tls-ca", tls.ca_file, "The cluster's CA certificate, PEM")->group(group);
  cmd.add_option("--tls-cert", tls.cert_file, "This node's certificate, PEM, signed by the CA")
      ->group(group);
  cmd.add_option("--tls-key", tls.key_file, "This node's private key, PEM, not encrypted")
      ->group(group);
}

}  // namespace shoal::cli
