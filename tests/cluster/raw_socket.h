// Raw TCP to a cluster's ports, for the tests that send what no Shoal node
// would (garbage, cut-off frames, broken TLS handshakes): a connect to
// 127.0.0.1, a send that never blocks, and random bytes.
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <random>
#include <vector>

namespace shoal::testing {

using Bytes8 = std::vector<std::uint8_t>;

/// A socket connected to 127.0.0.1:`port` (the caller closes it); fails the
/// test when nothing listens there.
inline int connect_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE_MESSAGE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0,
                  "connect to port " << port);
  return fd;
}

/// Sends what the peer takes without blocking (a peer may stop reading, or
/// have closed already: no SIGPIPE).
inline void send_some(int fd, const Bytes8& b) {
  if (b.empty()) return;
  [[maybe_unused]] ssize_t n = ::send(fd, b.data(), b.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

inline Bytes8 random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes8 b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

}  // namespace shoal::testing
