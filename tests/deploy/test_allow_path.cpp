// `shoal worker --allow-path DIR`: a pipeline whose data lie inside DIR runs
// as it does locally; one that reads /etc/passwd, reads data outside DIR or
// writes outside it fails, naming the path, and writes nothing.
#include <doctest/doctest.h>

#include <regex>

#include "deploy_support.h"

using namespace shoal::testing;
namespace fs = std::filesystem;

namespace {

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("a confined cluster runs what lies inside its directories and refuses the rest") {
  TempDir allowed("allow-path-in"), outside("allow-path-out");
  const fs::path trips = copy_example(allowed.path(), "trips");
  const fs::path output = allowed.path() / "pipelines" / "trips_by_zone.csv";
  auto [local_status, local_out] = run_shoal({"run", trips.string()});
  REQUIRE_MESSAGE(local_status.clean(), local_out);
  const std::string written = read_text(output);
  fs::remove(output);

  ClusterOptions o;
  o.shoal_exe = kShoalExe;
  o.workers = 2;
  o.worker_args = {"--threads", "1", "--allow-path", allowed.path().string()};
  Cluster cluster(o);
  const std::vector<std::string> remote{"--scheduler", cluster.address()};

  SUBCASE("data and output inside the directory: the same output as a local run") {
    std::vector<std::string> args{"run", trips.string()};
    args.insert(args.end(), remote.begin(), remote.end());
    auto [status, out] = run_shoal(args);
    CHECK_MESSAGE(status.clean(), out);
    CHECK(out == local_out);
    CHECK(read_text(output) == written);
  }
  SUBCASE("reading /etc/passwd fails, naming it") {
    const fs::path file = allowed.path() / "pipelines" / "passwd.shoal.json";
    fs::path words = copy_example(allowed.path(), "word_count");
    write_text(file, replaced(read_text(words), "../data/two_cities.txt", "/etc/passwd"));
    std::vector<std::string> args{"run", file.string()};
    args.insert(args.end(), remote.begin(), remote.end());
    auto [status, out] = run_shoal(args);
    CHECK(status.code == 1);
    CHECK_MESSAGE(out.find("path '/etc/passwd'") != std::string::npos, out);
    CHECK(out.find("--allow-path") != std::string::npos);
  }
  SUBCASE("data outside the directory fail, naming the file") {
    const fs::path elsewhere = copy_example(outside.path(), "trips");
    std::vector<std::string> args{"run", elsewhere.string()};
    args.insert(args.end(), remote.begin(), remote.end());
    auto [status, out] = run_shoal(args);
    CHECK(status.code == 1);
    CHECK_MESSAGE(out.find((outside.path() / "data").string()) != std::string::npos, out);
    CHECK_FALSE(fs::exists(outside.path() / "pipelines" / "trips_by_zone.csv"));
  }
  SUBCASE("an output outside the directory fails, naming it, and is not written") {
    const fs::path target = outside.path() / "stolen.csv";
    write_text(trips, replaced(read_text(trips), "\"trips_by_zone.csv\"}",
                               "\"" + target.string() + "\"}"));
    std::vector<std::string> args{"run", trips.string()};
    args.insert(args.end(), remote.begin(), remote.end());
    auto [status, out] = run_shoal(args);
    CHECK(status.code == 1);
    // A single-file write goes through part files beside the target
    // (target.part-N): the first of them is what the guard names.
    CHECK_MESSAGE(out.find("path '" + target.string()) != std::string::npos, out);
    CHECK_FALSE(fs::exists(target));
    CHECK_FALSE(fs::exists(target.string() + ".part-0"));
  }
}

TEST_CASE("--allow-path with a directory that does not exist stops the worker at once") {
  auto [status, out] =
      run_shoal({"worker", "127.0.0.1:1", "--allow-path", "/nonexistent/shoal"}, 30s);
  CHECK(status.code == 1);
  CHECK(out.find("/nonexistent/shoal") != std::string::npos);
}
