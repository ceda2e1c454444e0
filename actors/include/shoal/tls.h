// TlsOptions: the files of a node's mutual TLS (scheduler, worker, client).
//
//   shoal::SchedulerNode s({.host = "10.0.0.5", .tls = {.ca_file = "certs/ca.pem",
//                           .cert_file = "certs/scheduler.pem",
//                           .key_file = "certs/scheduler.key"}});
//
// With TLS every connection the node opens or accepts (client to scheduler,
// worker to scheduler, worker to worker, client to worker) runs TLS through
// CAF's OpenSSL module, and both ends must present a certificate signed by
// `ca_file`: a peer without one, with one from another CA, or speaking plain
// TCP is disconnected during the handshake, before any of its bytes reach
// the runtime. Every node of a cluster must then use TLS (`shoal certs`
// makes the files).
//
// The node checks the three files when it starts and throws shoal::Error
// naming the file and the fix when one is missing, unreadable, not PEM,
// encrypted (no passphrase is supported: CAF would ask on the terminal), or
// when the key does not belong to the certificate or the certificate is not
// signed by the CA. CAF reads the files again for every connection: replace
// them only by renaming over them, never by truncating in place.
#pragma once

#include <string>

namespace shoal {

struct TlsOptions {
  /// The cluster's CA certificate (PEM): peers must present a certificate
  /// it signed.
  std::string ca_file;
  /// This node's certificate (PEM), signed by the CA; may hold the chain.
  std::string cert_file;
  /// This node's private key (PEM, not encrypted).
  std::string key_file;

  /// True when any file is set: then all three must be.
  bool enabled() const noexcept {
    return !ca_file.empty() || !cert_file.empty() || !key_file.empty();
  }
};

}  // namespace shoal
