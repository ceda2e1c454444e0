// `shoal ssh 127.0.0.1 127.0.0.1 FILE` against a real sshd on 127.0.0.1: the
// pipeline's output and file are those of a local `shoal run`; a run that
// fails and a start that fails exit non-zero; and afterwards no Shoal
// process that it started is left.
#include <dirent.h>
#include <doctest/doctest.h>

#include <thread>

#include "ssh_server.h"

using namespace shoal::testing;
namespace fs = std::filesystem;

namespace {

// The pids whose command line mentions `marker` (the remote processes run
// `marker`/shoal, a link to the build's shoal, so other tests' clusters do
// not count).
std::vector<std::string> processes_mentioning(const std::string& marker) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_text(entry.path() / "cmdline");
    for (char& c : cmdline)
      if (c == '\0') c = ' ';
    if (cmdline.find(marker) != std::string::npos && cmdline.find("ssh ") != 0)
      found.push_back(pid + ": " + cmdline);
  }
  return found;
}

// Waits up to 5 s for the processes started from `bin` to be gone.
std::vector<std::string> leftovers(const fs::path& bin) {
  std::vector<std::string> left;
  for (int i = 0; i < 50; ++i) {
    left = processes_mentioning((bin / "shoal").string());
    if (left.empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  return left;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

struct SshFixture {
  TempDir dir{"ssh"};
  std::string skip = SshServer::unavailable();
  std::unique_ptr<SshServer> server;
  fs::path bin = dir.path() / "bin";

  SshFixture() {
    if (!skip.empty()) return;
    server = std::make_unique<SshServer>(dir);
    fs::create_directories(bin);
    fs::create_symlink(kShoalExe, bin / "shoal");
  }

  std::vector<std::string> ssh_args(std::vector<std::string> extra) const {
    std::vector<std::string> args{"ssh",
                                  "-F",
                                  server->client_config(),
                                  "--remote-shoal",
                                  (bin / "shoal").string(),
                                  "--scheduler-port",
                                  "0",
                                  "--threads",
                                  "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

}  // namespace

TEST_CASE_FIXTURE(SshFixture, "shoal ssh runs a pipeline as shoal run does, and leaves nothing") {
  if (!skip.empty()) {
    std::cout << "SKIPPED: " << skip << std::endl;
    return;
  }
  const fs::path trips = copy_example(dir.path(), "trips");
  const fs::path output = dir.path() / "pipelines" / "trips_by_zone.csv";
  auto [local_status, local_out] = run_shoal({"run", trips.string()});
  REQUIRE_MESSAGE(local_status.clean(), local_out);
  const std::string written = read_text(output);
  fs::remove(output);

  auto [status, out] = run_shoal(
      ssh_args({"--workers-per-host", "2", "127.0.0.1", "127.0.0.1", trips.string()}), 180s);
  CHECK_MESSAGE(status.clean(), out);
  CHECK(out == local_out);
  CHECK(read_text(output) == written);
  std::vector<std::string> left = leftovers(bin);
  CHECK_MESSAGE(left.empty(), joined(left));
}

TEST_CASE_FIXTURE(SshFixture, "a run that fails on the cluster fails shoal ssh, which stops it") {
  if (!skip.empty()) {
    std::cout << "SKIPPED: " << skip << std::endl;
    return;
  }
  const fs::path trips = copy_example(dir.path(), "trips");
  // Workers confined to the data: writing the output beside the pipeline fails.
  auto [status, out] = run_shoal(
      ssh_args({"--allow-path", (dir.path() / "data").string(), "127.0.0.1", trips.string()}),
      180s);
  CHECK(status.code == 1);
  CHECK_MESSAGE(out.find("trips_by_zone.csv") != std::string::npos, out);
  CHECK_FALSE(fs::exists(dir.path() / "pipelines" / "trips_by_zone.csv"));
  std::vector<std::string> left = leftovers(bin);
  CHECK_MESSAGE(left.empty(), joined(left));
}

TEST_CASE_FIXTURE(SshFixture, "a scheduler that cannot start fails shoal ssh with its output") {
  if (!skip.empty()) {
    std::cout << "SKIPPED: " << skip << std::endl;
    return;
  }
  const fs::path file = copy_example(dir.path(), "arithmetic");
  std::vector<std::string> args = ssh_args({"127.0.0.1", "127.0.0.1", file.string()});
  args[4] = (bin / "no-such-shoal").string();  // --remote-shoal
  auto [status, out] = run_shoal(args, 120s);
  CHECK(status.code == 1);
  CHECK_MESSAGE(out.find("the scheduler on 127.0.0.1 did not start") != std::string::npos, out);
  CHECK(out.find("no-such-shoal") != std::string::npos);  // the remote shell's complaint
}
