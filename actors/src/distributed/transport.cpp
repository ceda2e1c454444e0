#include "distributed/transport.h"

#include <caf/openssl/all.hpp>

#include "distributed/tls_check.h"

namespace shoal::actors {

void configure_tls(caf::actor_system_config& cfg, const TlsOptions& tls, const std::string& who) {
  if (!tls.enabled()) return;
  // CAF opens these files again for every connection, from its network
  // thread, and raises (which ends the process) when one does not load:
  // check them here, where a clear error can still be thrown.
  check_tls_files(tls, who);
  quiet_unexpected_eof();
  cfg.openssl_cafile = tls.ca_file;
  cfg.openssl_certificate = tls.cert_file;
  cfg.openssl_key = tls.key_file;
  cfg.load<caf::openssl::manager>();
}

caf::io::middleman_actor connection_manager(caf::actor_system& sys) {
  return sys.has_openssl_manager() ? sys.openssl_manager().actor_handle()
                                   : sys.middleman().actor_handle();
}

caf::expected<std::uint16_t> publish_actor(caf::actor_system& sys, const caf::actor& whom,
                                           std::uint16_t port, const std::string& host,
                                           bool reuse) {
  const char* in = host.empty() ? nullptr : host.c_str();
  if (sys.has_openssl_manager()) return caf::openssl::publish(whom, port, in, reuse);
  return sys.middleman().publish(whom, port, in, reuse);
}

caf::expected<caf::actor> connect_actor(caf::actor_system& sys, const std::string& host,
                                        std::uint16_t port) {
  if (sys.has_openssl_manager()) return caf::openssl::remote_actor(sys, host, port);
  return sys.middleman().remote_actor(host, port);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace shoal::actors
