// A cluster with mutual TLS (`shoal certs`, --tls-ca/--tls-cert/--tls-key on
// every process): the same values as without; peers without a certificate
// of the cluster's CA (none, another CA's, plain TCP) are refused while a job
// runs, which finishes; garbage and truncated TLS handshakes on every port
// crash nothing; and kill -9 of a worker is repaired over TLS as over TCP.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <thread>

#include "cluster_support.h"
#include "kill_worker.h"
#include "raw_socket.h"
#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/local_cluster.h"

using namespace shoal;
using namespace shoal::testing;

namespace {

// A CA and the certificates of scheduler, worker and client, made by
// `shoal certs` in a directory of the test's own.
struct Certs {
  TempDir dir;
  explicit Certs(const std::string& tag) : dir(tag) {
    Process certs(kShoalExe, {"certs", dir.path().string()});
    REQUIRE_MESSAGE(certs.wait_exit(60s).clean(), certs.tail());
  }
  std::vector<std::string> args(const std::string& name) const {
    return {"--tls-ca",  dir.file("ca.pem"),     "--tls-cert", dir.file(name + ".pem"),
            "--tls-key", dir.file(name + ".key")};
  }
  TlsOptions options(const std::string& name) const {
    return {dir.file("ca.pem"), dir.file(name + ".pem"), dir.file(name + ".key")};
  }
};

// A scheduler and two workers (2 threads, the test plugin) with TLS.
struct TlsFixture {
  Certs certs{"tls-certs"};
  TempDir traces{"tls"};
  Cluster cluster{traced_cluster(traces, 2, 2, certs.args("worker"), certs.args("scheduler"))};
  Client client{cluster.address(), {.tls = certs.options("client")}};
  std::vector<std::uint16_t> worker_ports;

  TlsFixture() {
    ClusterStatus s = client.status();
    REQUIRE(s.workers.size() == 2);
    for (const WorkerStatus& w : s.workers) {
      worker_ports.push_back(
          static_cast<std::uint16_t>(std::stoi(w.address.substr(w.address.rfind(':') + 1))));
    }
  }
  // Nothing crashed and both workers are registered. Lost workers are
  // reported, not failed: a known gap (architecture.md, "Transport
  // security") — CAF 0.17 leaves OpenSSL's error queue dirty after a refused
  // handshake or a peer's reset, and a connection read in the same round of
  // events is closed; the worker registers anew and its results are
  // recomputed. Seen even without refused peers (1 loss in about 6 runs of
  // the first case, from the `shoal run` clients' exits); the values, which
  // every case checks, stay right.
  void check_intact(bool refused_peers = false) {
    CHECK(cluster.scheduler().running());
    for (std::size_t i = 0; i < cluster.num_workers(); ++i) CHECK(cluster.worker(i).running());
    // A worker dropped by the gap registers anew within a heartbeat or two.
    ClusterStatus s = client.status();
    for (auto until = Clock::now() + 10s; s.workers.size() != 2 && Clock::now() < until;) {
      std::this_thread::sleep_for(100ms);
      s = client.status();
    }
    CHECK(s.workers.size() == 2);
    WARN_MESSAGE(s.workers_lost == 0, (refused_peers ? "refused peers" : "client exits")
                                          << " cost " << s.workers_lost
                                          << " worker re-registrations (known gap)");
  }
};

// True when the peer closed the connection within `timeout` (reading and
// dropping whatever it sent first, e.g. a TLS alert).
bool closed_by_peer(int fd, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
  return false;
}

// A TLS record header: handshake (22), TLS 1.0 on the record layer, length.
Bytes8 tls_record(std::uint16_t length, std::uint8_t type = 22) {
  return {type, 3, 1, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

// The start of a ClientHello that announces `length` bytes; `body` of them follow.
Bytes8 client_hello_start(std::mt19937_64& rng, std::uint16_t length, std::size_t body) {
  Bytes8 b = tls_record(length);
  Bytes8 hello{
      1, 0, static_cast<std::uint8_t>((length - 4) >> 8), static_cast<std::uint8_t>(length - 4),
      3, 3};
  b.insert(b.end(), hello.begin(), hello.end());
  Bytes8 rest = random_bytes(rng, body);
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

// Broken handshakes against one port: random bytes, ClientHellos cut short
// and left open or reset, records announcing the maximum, alerts, a plain
// CAF BASP header. `keep` holds the connections left open.
void attack(std::uint16_t port, std::vector<int>& keep, std::mt19937_64& rng) {
  auto reset = [](int fd) {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
  };
  for (int i = 0; i < 10; ++i) keep.push_back(connect_loopback(port));  // idle, never a byte
  for (int i = 0; i < 20; ++i) {
    int fd = connect_loopback(port);
    send_some(fd, random_bytes(rng, 1 + rng() % 16384));
    ::close(fd);
  }
  for (std::uint16_t len :
       {std::uint16_t{64}, std::uint16_t{512}, std::uint16_t{16384}, std::uint16_t{65535}}) {
    for (std::size_t body : {std::size_t{0}, std::size_t{3}, std::size_t{40}}) {
      int open_fd = connect_loopback(port);
      send_some(open_fd, client_hello_start(rng, len, body));
      keep.push_back(open_fd);
      int fd = connect_loopback(port);
      send_some(fd, client_hello_start(rng, len, body));
      reset(fd);
    }
  }
  for (std::uint8_t type : {20, 21, 23, 0xFF}) {  // change cipher spec, alert, data, bogus
    int fd = connect_loopback(port);
    Bytes8 r = tls_record(2, type);
    r.push_back(2);
    r.push_back(40);
    send_some(fd, r);
    ::close(fd);
  }
  Bytes8 basp{0x01, 0, 0, 0, 0, 0, 0, 0x40};  // a plain CAF peer's first bytes, cut short
  int fd = connect_loopback(port);
  send_some(fd, basp);
  ::shutdown(fd, SHUT_WR);
  keep.push_back(fd);
}

std::string stdout_of(Process& p) {
  std::string out;
  for (const Line& l : p.lines(Stream::kStdout)) out += l.text + "\n";
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(TlsFixture, "a cluster with TLS gives the values a LocalCluster gives") {
  load_cluster_test_plugin();
  SlowGraph tree = slow_tree(200, 4, 1, 2048);  // results over the inline limit: worker to worker
  CHECK(run_within(client, tree, cluster.scheduler(), 60s) == tree.expected_values);

  // A DataFrame whose partitions stay on the workers and reach the client
  // from them, compared with the embedded cluster.
  std::string csv = traces.file("data.csv");
  {
    std::ofstream out(csv);
    out << "key,x\n";
    for (int i = 0; i < 100000; ++i) out << "k" << (i * 7919) % 31 << "," << i % 1009 << "\n";
  }
  CsvOptions o;
  o.blocksize = 128 * 1024;
  DataFrame df = read_csv(csv, o);
  DataFrame q = df[df["x"] > 500.0];
  LocalCluster local{{.workers = 2, .threads_per_worker = 1}};
  CHECK(q.compute(client) == q.compute(local));

  // `shoal run --scheduler` with the client's certificate prints what a local run prints.
  // On a copy: the pipeline writes its output beside the file.
  const std::filesystem::path examples =
      std::filesystem::path(SHOAL_EXAMPLE_PIPELINES).parent_path();
  std::filesystem::create_directories(traces.path() / "pipelines");
  std::filesystem::copy(examples / "data", traces.path() / "data");
  const std::string trips = traces.file("pipelines/trips.shoal.json");
  std::filesystem::copy_file(examples / "pipelines" / "trips.shoal.json", trips);
  std::vector<std::string> args{"run", trips, "--no-progress", "--scheduler", cluster.address()};
  for (const std::string& a : certs.args("client")) args.push_back(a);
  Process remote(kShoalExe, args);
  Process here(kShoalExe, {"run", trips, "--no-progress"});
  REQUIRE_MESSAGE(remote.wait_exit(120s).clean(), remote.tail());
  REQUIRE_MESSAGE(here.wait_exit(120s).clean(), here.tail());
  CHECK(!stdout_of(here).empty());
  CHECK(stdout_of(remote) == stdout_of(here));
  check_intact();
}

TEST_CASE_FIXTURE(TlsFixture,
                  "peers without a certificate of the cluster's CA are refused; the job runs on") {
  load_cluster_test_plugin();
  SlowGraph job = slow_map(800, 20);  // ~4 s on 4 threads
  BackgroundRun run(client, job, cluster.scheduler());
  run.wait_finished(trace_paths(traces, 2), 50);
  Certs other("tls-other-ca");

  // A client with no certificate, and one of another CA: `shoal status` fails.
  Process plain(kShoalExe, {"status", cluster.address()});
  std::vector<std::string> foreign{"status", cluster.address()};
  for (const std::string& a : other.args("client")) foreign.push_back(a);
  Process stranger(kShoalExe, foreign);
  // Workers of the same kinds do not join.
  Process plain_worker(kShoalExe, {"worker", cluster.address(), "--name", "rogue-plain",
                                   "--death-timeout", "2s", "--plugin", SHOAL_CLUSTER_TEST_PLUGIN});
  std::vector<std::string> rogue{"worker",   cluster.address(), "--name",
                                 "rogue-ca", "--death-timeout", "2s"};
  for (const std::string& a : other.args("worker")) rogue.push_back(a);
  Process foreign_worker(kShoalExe, rogue);
  // A plain TCP peer that speaks first, on the scheduler's and a worker's port:
  // disconnected, having been answered nothing it could use.
  for (std::uint16_t port : {cluster.port(), worker_ports[0]}) {
    int fd = connect_loopback(port);
    send_some(fd, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0, 0, 0, 0});
    CHECK_MESSAGE(closed_by_peer(fd, 5000ms), "port " << port << " kept a plain TCP peer");
    ::close(fd);
  }

  for (Process* p : {&plain, &stranger}) {
    ExitStatus s = p->wait_exit(60s);
    CHECK_MESSAGE(s.code == 1, p->command() << ": " << s.describe() << "\n" << p->tail());
    CHECK(stdout_of(*p).find("workers") == std::string::npos);  // it learnt nothing
  }
  std::vector<Line> err = plain.lines(Stream::kStderr);
  REQUIRE_FALSE(err.empty());
  CHECK(err.back().text.find("refuses clients without --tls-ca") != std::string::npos);
  for (Process* p : {&plain_worker, &foreign_worker}) {
    ExitStatus s = p->wait_exit(60s);
    CHECK_MESSAGE(s.code == 1, p->command() << ": " << s.describe() << "\n" << p->tail());
    CHECK(stdout_of(*p).find("registered") == std::string::npos);
  }

  // Known gap (architecture.md, "Transport security"): a refused handshake
  // leaves OpenSSL's error queue dirty, and a connection the scheduler reads
  // in the same round of events may be closed, this client's too. The
  // cluster must still serve: a new client gets the job's values.
  try {
    std::vector<Value> values = run.get(60s);
    CHECK(values == job.expected_values);
  } catch (const shoal::Error& e) {
    const std::string what = e.what();
    if (what.find("lost the scheduler") == std::string::npos) throw;
    WARN_MESSAGE(false, "known gap: the refused peers closed this client's connection: " << what);
    Client again{cluster.address(), {.tls = certs.options("client")}};
    CHECK(again.run(job.graph, job.outputs) == job.expected_values);
    ClusterStatus s = again.status();
    CHECK(s.workers.size() == 2);
    for (const WorkerStatus& w : s.workers) CHECK(w.name.rfind("rogue", 0) != 0);
    CHECK(cluster.scheduler().running());
    return;
  }
  ClusterStatus s = client.status();
  for (const WorkerStatus& w : s.workers) CHECK(w.name.rfind("rogue", 0) != 0);
  check_intact(/*refused_peers=*/true);
}

TEST_CASE_FIXTURE(TlsFixture, "garbage and truncated TLS handshakes on every port crash nothing") {
  load_cluster_test_plugin();
  SlowGraph job = slow_map(800, 20);
  BackgroundRun run(client, job, cluster.scheduler());
  run.wait_finished(trace_paths(traces, 2), 50);
  std::mt19937_64 rng(20261202);
  std::vector<int> keep;
  for (std::uint16_t port : {cluster.port(), worker_ports[0], worker_ports[1]}) {
    attack(port, keep, rng);
  }
  MESSAGE("holding " << keep.size() << " idle or half-open connections");
  CHECK(run.get(60s) == job.expected_values);
  SlowGraph next = slow_map(100, 2);  // and the next job, while they are still open
  CHECK(run_within(client, next, cluster.scheduler(), 60s) == next.expected_values);
  check_intact();
  for (int fd : keep) ::close(fd);
}

TEST_CASE("kill -9 of a worker over TLS: correct results, bounded re-runs, loss logged at once") {
  Certs certs("tls-kill");
  std::vector<std::string> args = certs.args("worker");  // one certificate serves every node
  kill_one_worker_during(slow_map(1000, 20), 3, args, {.tls = certs.options("client")});
}
