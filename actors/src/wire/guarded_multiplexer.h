// Internal: CAF's network backend with a cap on what one incoming message
// may announce.
//
// CAF 0.17's BASP reads a frame header and then sizes the connection's read
// buffer to the payload length the header claims (up to 4 GiB), before any
// of those bytes arrive: one connection of 32 hostile bytes would make a
// node allocate and clear gigabytes. Every Shoal node loads the middleman
// with this backend instead (configure_node): its connections refuse a read
// larger than kMaxMessageBytes by reading one byte instead, which BASP
// then rejects as a malformed message and closes the connection.
#pragma once

#include <caf/io/network/default_multiplexer.hpp>
#include <cstddef>

namespace shoal::actors {

/// The largest message a node accepts from a peer: above the largest
/// partition Shoal expects to move in one piece.
inline constexpr std::size_t kMaxMessageBytes = std::size_t{1} << 30;

class GuardedMultiplexer : public caf::io::network::default_multiplexer {
 public:
  explicit GuardedMultiplexer(caf::actor_system* sys) : default_multiplexer(sys) {}

  /// Every connection, accepted or opened, gets its scribe here.
  caf::io::scribe_ptr new_scribe(caf::io::network::native_socket fd) override;

  /// The event loop, with OpenSSL's error queue emptied before each round.
  /// CAF 0.17's TLS sessions never clear it, and OpenSSL 3 pushes an error
  /// when a peer closes without close_notify (every client that exits):
  /// SSL_get_error then reports that stale error for the next connection
  /// that would merely block, and CAF closes it. Measured before this: one
  /// `shoal status` leaving made the scheduler drop every TLS worker. An
  /// error and a read of another socket in the same round of events can
  /// still meet; that residue is a CAF bug this cannot reach.
  void run() override;
};

}  // namespace shoal::actors
