// Internal: how a node of a distributed cluster listens and connects. Plain
// TCP goes through CAF's io middleman; with TlsOptions, mutual TLS through
// CAF's OpenSSL module. Every publish and connect of the distributed runtime
// (scheduler, worker, client) goes through these functions, so that a node
// configured for TLS opens and accepts no plain connection.
//
// Known gap: GuardedMultiplexer caps what a plain TCP peer may announce,
// but CAF's OpenSSL module builds its own connections (its scribes are not
// the multiplexer's), so over TLS the cap does not apply. Only a peer that
// completed the mutual handshake, i.e. holds a certificate of the cluster's
// CA, reaches BASP there (docs/architecture.md, "Transport security").
#pragma once

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <cstdint>
#include <string>

#include "shoal/tls.h"

namespace shoal::actors {

/// Checks the TLS files (check_tls_files) and makes `cfg` load CAF's
/// OpenSSL module with them; does nothing when !tls.enabled(). Call after
/// configure_node, before the actor system is built. Throws shoal::Error
/// naming `who`, the file and the fix.
void configure_tls(caf::actor_system_config& cfg, const TlsOptions& tls, const std::string& who);

/// The middleman actor that opens this node's connections (connect_atom
/// requests): the OpenSSL module's when the system loaded it.
caf::io::middleman_actor connection_manager(caf::actor_system& sys);

/// Publishes `whom` on host:port (0 = any free port), over TLS when the
/// system loaded the OpenSSL module; the port it listens on.
caf::expected<std::uint16_t> publish_actor(caf::actor_system& sys, const caf::actor& whom,
                                           std::uint16_t port, const std::string& host, bool reuse);

/// The actor published at host:port, reached over TLS when the system loaded
/// the OpenSSL module. Blocks until connected or refused.
caf::expected<caf::actor> connect_actor(caf::actor_system& sys, const std::string& host,
                                        std::uint16_t port);

/// True when `host` can only be reached from this machine (127.0.0.0/8,
/// ::1, localhost). "" and 0.0.0.0 mean every interface: false.
bool is_loopback(const std::string& host);

}  // namespace shoal::actors
