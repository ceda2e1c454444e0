// Hostile and broken peers on the scheduler's port and on a worker's port,
// while a job runs: random bytes, truncated frames (CAF BASP headers and Cap'n
// Proto segment tables that announce more than they send, some absurdly
// large), connections reset mid-frame, half-closed ones, and idle ones that
// stay open and silent until the end. The job started meanwhile must finish
// correctly, the next one too, `shoal status` must still answer, no worker
// may be lost, and no process may crash.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <regex>

#include "cluster_support.h"
#include "raw_socket.h"

using namespace shoal;
using namespace shoal::testing;

namespace {

// Connected TCP sockets to 127.0.0.1, closed when the holder goes.
class Sockets {
 public:
  ~Sockets() {
    for (int fd : held_) ::close(fd);
  }
  int connect(std::uint16_t port) { return connect_loopback(port); }
  void hold(int fd) { held_.push_back(fd); }
  std::size_t held() const { return held_.size(); }

 private:
  std::vector<int> held_;
};

void put_be(Bytes8& b, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_le(Bytes8& b, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// A CAF 0.17 BASP header (32 bytes, big-endian): operation, 2 padding bytes,
// flags, payload length, operation data, source and destination actor.
Bytes8 basp_header(std::uint8_t op, std::uint32_t payload_len, std::uint64_t op_data = 0) {
  Bytes8 b{op, 0, 0, 0};
  put_be(b, payload_len, 4);
  put_be(b, op_data, 8);
  put_be(b, 1, 8);
  put_be(b, 2, 8);
  return b;
}

// A Cap'n Proto segment table: count - 1, then each size in words.
Bytes8 capnp_table(std::uint32_t count_minus_one, std::uint32_t size_words) {
  Bytes8 b;
  put_le(b, count_minus_one, 4);
  put_le(b, size_words, 4);
  return b;
}

// Frames that promise more than they deliver (up to 1 MiB: sizes a real
// message may have; see the last test for absurd ones).
std::vector<Bytes8> broken_frames(std::mt19937_64& rng) {
  std::vector<Bytes8> frames;
  for (std::uint8_t op : {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xFF}) {
    for (std::uint32_t len : {16u, 4096u, 1u << 20}) {
      Bytes8 f = basp_header(op, len, 1);
      Bytes8 tail = random_bytes(rng, std::min<std::size_t>(len / 2, 512));
      f.insert(f.end(), tail.begin(), tail.end());
      frames.push_back(std::move(f));
    }
  }
  Bytes8 cut = basp_header(0x01, 64);
  cut.resize(13);  // a header cut short
  frames.push_back(std::move(cut));
  frames.push_back(capnp_table(0xFFFFFFFF, 16));  // segment count wraps to 0
  frames.push_back(capnp_table(511, 0xFFFFFFF));  // 512 segments, huge sizes
  Bytes8 big = capnp_table(0, 0x10000000);        // one 2 GiB segment, 1 KiB of it
  Bytes8 body = random_bytes(rng, 1024);
  big.insert(big.end(), body.begin(), body.end());
  frames.push_back(std::move(big));
  return frames;
}

// Everything above against one port; idle and half-open connections are
// kept in `keep` (open until the test ends).
void attack(std::uint16_t port, Sockets& keep, std::mt19937_64& rng) {
  for (int i = 0; i < 20; ++i) keep.hold(keep.connect(port));  // idle: never a byte
  for (int i = 0; i < 40; ++i) {                               // random bytes, then close
    Sockets once;
    int fd = once.connect(port);
    send_some(fd, random_bytes(rng, 1 + rng() % 65536));
    once.hold(fd);
  }
  for (const Bytes8& frame : broken_frames(rng)) {
    int open_fd = keep.connect(port);  // truncated and left hanging mid-frame
    send_some(open_fd, frame);
    keep.hold(open_fd);
    Sockets once;  // truncated, then reset
    int fd = once.connect(port);
    send_some(fd, frame);
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    once.hold(fd);
  }
  for (int i = 0; i < 10; ++i) {  // half-closed: bytes, then no more writes, but open
    int fd = keep.connect(port);
    send_some(fd, random_bytes(rng, 1 + rng() % 256));
    ::shutdown(fd, SHUT_WR);
    keep.hold(fd);
  }
}

std::uint16_t port_of(const std::string& address) {
  return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

// The cluster still serves: a next job, `shoal status`, no worker lost, no
// process gone, and the scheduler still stops on SIGTERM with exit code 0.
void check_still_serving(Cluster& cluster, Client& client) {
  SlowGraph next = slow_map(200, 5);
  CHECK(run_within(client, next, cluster.scheduler(), std::chrono::seconds(60)) ==
        next.expected_values);
  Process status(kShoalExe, {"status", cluster.address()});
  CHECK(status.wait_exit(std::chrono::seconds(20)).clean());
  CHECK(status.wait_for_line(Stream::kStdout, std::regex(R"(\bw0\b)"), std::chrono::seconds(1))
            .text.size() > 0);
  CHECK(status.wait_for_line(Stream::kStdout, std::regex(R"(\bw1\b)"), std::chrono::seconds(1))
            .text.size() > 0);
  ClusterStatus after = client.status();
  CHECK(after.workers.size() == 2);
  CHECK(after.workers_lost == 0);
  CHECK(cluster.worker(0).running());
  CHECK(cluster.worker(1).running());
  REQUIRE(cluster.scheduler().running());
  cluster.scheduler().send_signal(SIGTERM);
  CHECK(cluster.scheduler().wait_exit(std::chrono::seconds(10)).clean());
}

struct Fixture {
  TempDir traces{"hostile"};
  Cluster cluster{traced_cluster(traces, 2, 2)};
  Client client{cluster.address()};
  std::uint16_t worker_port = 0;
  Fixture() {
    ClusterStatus s = client.status();
    REQUIRE(s.workers.size() == 2);
    REQUIRE_MESSAGE(s.workers[0].address.rfind("127.0.0.1:", 0) == 0,
                    "worker address: " << s.workers[0].address);
    worker_port = port_of(s.workers[0].address);
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture,
                  "garbage, truncated frames and idle connections on the scheduler's and a "
                  "worker's port do not stop the cluster") {
  SlowGraph job = slow_map(1000, 20);  // ~5 s on 4 threads
  Sockets keep;
  BackgroundRun run(client, job, cluster.scheduler());
  run.wait_finished(trace_paths(traces, 2), 100);
  std::mt19937_64 rng(20261128);
  attack(cluster.port(), keep, rng);
  attack(worker_port, keep, rng);
  MESSAGE("holding " << keep.held() << " idle or half-open connections");
  CHECK(run.get(std::chrono::seconds(60)) == job.expected_values);
  check_still_serving(cluster, client);
}

// A frame header may announce up to 4 GiB. Whoever believes it before the
// bytes arrive (allocating, zeroing the buffer) lets one connection of 32
// bytes take gigabytes, or stall the process. A size cap must refuse it.
TEST_CASE_FIXTURE(Fixture, "frames announcing gigabytes take neither memory nor service") {
  SlowGraph job = slow_map(600, 20);
  Sockets keep;
  BackgroundRun run(client, job, cluster.scheduler());
  run.wait_finished(trace_paths(traces, 2), 100);
  for (std::uint16_t port : {cluster.port(), worker_port}) {
    for (auto [op, len] : {std::pair<std::uint8_t, std::uint32_t>{0x00, 0xFFFFFFFF},
                           {0x02, 0x7FFFFFFF},
                           {0x03, 0xFFFFFFFF}}) {
      int fd = keep.connect(port);
      send_some(fd, basp_header(op, len, 1));
      keep.hold(fd);
    }
  }
  CHECK(run.get(std::chrono::seconds(60)) == job.expected_values);
  constexpr std::uint64_t kMiB = 1 << 20;
  const std::uint64_t scheduler_peak = peak_rss_bytes(cluster.scheduler().pid()),
                      worker_peak = peak_rss_bytes(cluster.worker(0).pid());
  MESSAGE("peak RSS: scheduler " << scheduler_peak / kMiB << " MiB, w0 " << worker_peak / kMiB
                                 << " MiB");
  CHECK(scheduler_peak < 512 * kMiB);
  CHECK(worker_peak < 512 * kMiB);
  check_still_serving(cluster, client);
}
