// A network partition, for real: three network namespaces (scheduler S,
// workers A and B) joined by veth pairs to a bridge in S, addresses
// 10.77.0.1-3/24 that exist only inside them. The scheduler, both workers
// and a client (cluster_test_client, in S) run inside them with
// `ip netns exec`. Mid-job, A's link is cut (its bridge port in S goes down:
// no FIN, no RST, packets just vanish), so only heartbeats can tell. The
// scheduler must drop A and the job must still give the right value.
//
// Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN): skipped with a message
// otherwise, or when the namespaces cannot be made (a container without the
// capability). Namespaces are deleted whatever happens. Nothing is added to
// the host's own network namespace, so no traffic can leave the machine.
#include <doctest/doctest.h>
#include <unistd.h>

#include <iostream>
#include <regex>

#include "cluster_support.h"

using namespace shoal;
using namespace shoal::testing;

namespace {

constexpr int kHeartbeatMs = 250, kTimeoutMs = 2000;

// Runs `ip args...`; returns "" on success, else what it printed.
std::string ip(std::vector<std::string> args) {
  Process p("ip", std::move(args));
  ExitStatus s = p.wait_exit(std::chrono::seconds(20));
  return s.clean() ? "" : s.describe() + ": " + p.tail(5);
}

// The three namespaces and their links; deleted in the destructor.
class Lab {
 public:
  Lab() : tag_(std::to_string(::getpid())) {}
  ~Lab() {
    for (const std::string& ns : made_) ip({"netns", "delete", ns});  // takes its veths along
  }
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  std::string ns(char which) const { return "shoal-" + tag_ + "-" + which; }
  std::string port(char which) const {
    return "sh" + tag_ + which;
  }  // S's end of the link to A or B (< 16 chars)

  /// Builds the lab; returns "" or why it could not.
  std::string build() {
    for (char n : {'s', 'a', 'b'}) {
      if (std::string e = ip({"netns", "add", ns(n)}); !e.empty()) return e;
      made_.push_back(ns(n));
      if (std::string e = ip({"-n", ns(n), "link", "set", "lo", "up"}); !e.empty()) return e;
    }
    for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
             {"-n", ns('s'), "link", "add", "br0", "type", "bridge"},
             {"-n", ns('s'), "addr", "add", "10.77.0.1/24", "dev", "br0"},
             {"-n", ns('s'), "link", "set", "br0", "up"}}) {
      if (std::string e = ip(cmd); !e.empty()) return e;
    }
    for (auto [n, addr] : {std::pair{'a', "10.77.0.2/24"}, std::pair{'b', "10.77.0.3/24"}}) {
      for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
               {"-n", ns('s'), "link", "add", port(n), "type", "veth", "peer", "name", "eth0",
                "netns", ns(n)},
               {"-n", ns('s'), "link", "set", port(n), "master", "br0", "up"},
               {"-n", ns(n), "addr", "add", addr, "dev", "eth0"},
               {"-n", ns(n), "link", "set", "eth0", "up"}}) {
        if (std::string e = ip(cmd); !e.empty()) return e;
      }
    }
    return "";
  }

 private:
  std::string tag_;
  std::vector<std::string> made_;
};

std::vector<std::string> in_ns(const std::string& ns, std::vector<std::string> cmd) {
  std::vector<std::string> args{"netns", "exec", ns};
  args.insert(args.end(), cmd.begin(), cmd.end());
  return args;
}

}  // namespace

TEST_CASE(
    "a worker cut off by the network mid-job is dropped and the job still gives the right value") {
  if (::geteuid() != 0) {
    std::cout << "SKIPPED: the network partition test needs root (ip netns)" << std::endl;
    return;
  }
  Lab lab;
  if (std::string why = lab.build(); !why.empty()) {
    std::cout << "SKIPPED: cannot build network namespaces here: " << why << std::endl;
    return;
  }
  TempDir traces("netns");
  const std::string hb = std::to_string(kHeartbeatMs);
  Process scheduler("ip", in_ns(lab.ns('s'), {kShoalExe, "scheduler", "--host", "10.77.0.1",
                                              "--port", "0", "--heartbeat-interval", hb,
                                              "--heartbeat-timeout", std::to_string(kTimeoutMs)}));
  Line l = scheduler.wait_for_line(
      Stream::kStdout, std::regex(R"(listening on (10\.77\.0\.1:\d+))"), std::chrono::seconds(30));
  const std::string address = l.groups[1];
  std::vector<std::unique_ptr<Process>> workers;
  for (auto [n, host] : {std::pair{'a', "10.77.0.2"}, std::pair{'b', "10.77.0.3"}}) {
    const std::string name = std::string("w") + n;
    workers.push_back(std::make_unique<Process>(
        "ip",
        in_ns(lab.ns(n), {kShoalExe, "worker", address, "--name", name, "--host", host, "--threads",
                          "2", "--plugin", SHOAL_CLUSTER_TEST_PLUGIN, "--heartbeat-interval", hb}),
        std::vector<std::string>{"SHOAL_TEST_TRACE=" + traces.file(name + ".trace")}));
    workers.back()->wait_for_line(Stream::kStdout, std::regex("registered with"),
                                  std::chrono::seconds(30));
  }

  // 1024 leaves: 1170 tasks of 20 ms, ~6 s; leaves and first sums are 96 KiB
  // and stay on their workers, so B fetches from A (until A is cut off).
  Process client("ip", in_ns(lab.ns('s'), {SHOAL_CLUSTER_TEST_CLIENT, address, "tree", "1024", "8",
                                           "20", "98304"}));
  const std::vector<std::string> paths{traces.file("wa.trace"), traces.file("wb.trace")};
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (count_finished(paths) < 350) {
    REQUIRE_MESSAGE(client.running(), "the client ended before the cut:\n" << client.tail());
    REQUIRE_MESSAGE(Clock::now() < deadline, "the job does not progress:\n" << scheduler.tail());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::size_t log_from = scheduler.line_count(Stream::kStderr);
  REQUIRE(ip({"-n", lab.ns('s'), "link", "set", lab.port('a'), "down"}) == "");
  const auto cut_at = Clock::now();
  Line lost = scheduler.wait_for_line(Stream::kStderr, std::regex(R"(worker lost: wa\b)"),
                                      std::chrono::seconds(15), log_from);
  MESSAGE("wa dropped " << ms_between(cut_at, lost.arrived)
                        << " ms after its link was cut: " << lost.text);

  ExitStatus s = client.wait_exit(std::chrono::seconds(120));
  CHECK_MESSAGE(s.clean(), "client " << s.describe() << "\n"
                                     << client.tail() << "scheduler:\n"
                                     << scheduler.tail());
  CHECK(client.wait_for_line(Stream::kStdout, std::regex("^ok: "), std::chrono::seconds(1))
            .text.size() > 0);
  CHECK(scheduler.running());
  CHECK(workers[1]->running());
}
