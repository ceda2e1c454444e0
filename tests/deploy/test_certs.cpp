// `shoal certs DIR` makes a CA and node certificates that OpenSSL verifies,
// with keys only their owner reads; it refuses to replace a CA unless told.
// The TLS flags refuse unusable files at start, naming the flag, the file and
// the fix; a scheduler on a non-loopback address without TLS warns.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <regex>
#include <thread>

#include "deploy_support.h"

using namespace shoal::testing;

namespace {

// `openssl ARGS...`: exit status and both streams.
std::pair<ExitStatus, std::string> openssl(const std::vector<std::string>& args) {
  Process p("/usr/bin/openssl", args);
  ExitStatus s = p.wait_exit(60s);
  return {s, p.tail(100)};
}

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::vector<std::string> tls_args(const std::filesystem::path& dir, const std::string& name) {
  return {"--tls-ca",   (dir / "ca.pem").string(),
          "--tls-cert", (dir / (name + ".pem")).string(),
          "--tls-key",  (dir / (name + ".key")).string()};
}

// `shoal scheduler --port 0 ARGS...` expected to refuse: its exit status and stderr.
std::pair<ExitStatus, std::string> refused_scheduler(std::vector<std::string> args) {
  args.insert(args.begin(), {"scheduler", "--host", "127.0.0.1", "--port", "0"});
  Process p(kShoalExe, args);
  ExitStatus s = p.wait_exit(30s);
  std::string err;
  for (const Line& l : p.lines(Stream::kStderr)) err += l.text + "\n";
  return {s, err};
}

}  // namespace

TEST_CASE("shoal certs makes a CA and certificates OpenSSL verifies for both ends") {
  TempDir dir("certs");
  const auto out = dir.path() / "c";
  auto [status, text] =
      run_shoal({"certs", out.string(), "--host", "10.1.2.3", "--host", "node-a.example"});
  REQUIRE_MESSAGE(status.clean(), text);
  for (const char* name : {"scheduler", "worker", "client"}) {
    CAPTURE(name);
    CHECK(std::filesystem::exists(out / (std::string(name) + ".pem")));
    CHECK(mode_of(out / (std::string(name) + ".key")) == 0600);
    auto [ok, verify] = openssl({"verify", "-CAfile", (out / "ca.pem").string(), "-purpose",
                                 "sslclient", (out / (std::string(name) + ".pem")).string()});
    CHECK_MESSAGE(ok.clean(), verify);
    auto [ok2, server] = openssl({"verify", "-CAfile", (out / "ca.pem").string(), "-purpose",
                                  "sslserver", (out / (std::string(name) + ".pem")).string()});
    CHECK_MESSAGE(ok2.clean(), server);
    auto [shown, x509] =
        openssl({"x509", "-noout", "-text", "-in", (out / (std::string(name) + ".pem")).string()});
    CHECK(x509.find("IP Address:10.1.2.3") != std::string::npos);
    CHECK(x509.find("DNS:node-a.example") != std::string::npos);
  }
  CHECK(mode_of(out / "ca.key") == 0600);
  // Nothing left behind but the files the comment of certs_command.cpp lists.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(out)) ++files;
  CHECK(files == 8);

  // A second run would orphan every node's certificate: refused without --force.
  const std::string ca_before = read_text(out / "ca.pem");
  auto [again, again_text] = run_shoal({"certs", out.string()});
  CHECK(again.code == 2);
  std::vector<Line> err;
  {
    Process p(kShoalExe, {"certs", out.string()});
    p.wait_exit(60s);
    err = p.lines(Stream::kStderr);
  }
  REQUIRE_FALSE(err.empty());
  CHECK(err.back().text.find("--force") != std::string::npos);
  CHECK(read_text(out / "ca.pem") == ca_before);
  auto [forced, forced_text] = run_shoal({"certs", out.string(), "--force", "--name", "edge"});
  REQUIRE_MESSAGE(forced.clean(), forced_text);
  CHECK(read_text(out / "ca.pem") != ca_before);
  CHECK(std::filesystem::exists(out / "edge.pem"));
  auto [edge_ok, edge] =
      openssl({"verify", "-CAfile", (out / "ca.pem").string(), (out / "edge.pem").string()});
  CHECK_MESSAGE(edge_ok.clean(), edge);
}

TEST_CASE("the TLS flags refuse unusable files at start, naming the flag and the file") {
  TempDir dir("tls-flags");
  const auto a = dir.path() / "a", b = dir.path() / "b";
  REQUIRE(run_shoal({"certs", a.string()}).first.clean());
  REQUIRE(run_shoal({"certs", b.string()}).first.clean());

  SUBCASE("one of the three alone") {
    auto [s, err] = refused_scheduler({"--tls-ca", (a / "ca.pem").string()});
    CHECK(s.code == 2);
    CHECK(err.find("missing --tls-cert --tls-key") != std::string::npos);
  }
  SUBCASE("a file that is not there") {
    std::vector<std::string> args = tls_args(a, "scheduler");
    args[3] = (a / "nope.pem").string();
    auto [s, err] = refused_scheduler(args);
    CHECK(s.code == 2);
    CHECK(err.find("--tls-cert " + args[3] + ": cannot be read") != std::string::npos);
  }
  SUBCASE("a file that is not PEM") {
    std::vector<std::string> args = tls_args(a, "scheduler");
    args[1] = (a / "scheduler.key").string();  // a key where the CA should be
    auto [s, err] = refused_scheduler(args);
    CHECK(s.code == 2);
    CHECK(err.find("--tls-ca " + args[1] + ": holds no PEM certificate") != std::string::npos);
  }
  SUBCASE("a key of another certificate") {
    std::vector<std::string> args = tls_args(a, "scheduler");
    args[5] = (a / "worker.key").string();
    auto [s, err] = refused_scheduler(args);
    CHECK(s.code == 2);
    CHECK(err.find("is not the key of --tls-cert") != std::string::npos);
  }
  SUBCASE("a certificate of another CA") {
    std::vector<std::string> args = tls_args(b, "scheduler");
    args[1] = (a / "ca.pem").string();
    auto [s, err] = refused_scheduler(args);
    CHECK(s.code == 2);
    CHECK(err.find("does not verify against --tls-ca") != std::string::npos);
  }
  SUBCASE("an encrypted key") {
    const std::string enc = (dir.path() / "enc.key").string();
    REQUIRE(openssl({"pkey", "-in", (a / "scheduler.key").string(), "-aes256", "-passout",
                     "pass:secret", "-out", enc})
                .first.clean());
    std::vector<std::string> args = tls_args(a, "scheduler");
    args[5] = enc;
    auto [s, err] = refused_scheduler(args);
    CHECK(s.code == 2);
    CHECK(err.find("is encrypted") != std::string::npos);
  }
  SUBCASE("a worker and a client check them too") {
    std::vector<std::string> args = tls_args(a, "worker");
    args[5] = (a / "client.key").string();
    std::vector<std::string> w{"worker", "127.0.0.1:1", "--death-timeout", "1s"};
    w.insert(w.end(), args.begin(), args.end());
    Process worker(kShoalExe, w);
    CHECK(worker.wait_exit(30s).code == 1);
    CHECK(worker.tail().find("shoal worker: --tls-key") != std::string::npos);
    std::vector<std::string> st{"status", "127.0.0.1:1"};
    st.insert(st.end(), args.begin(), args.end());
    Process status(kShoalExe, st);
    CHECK(status.wait_exit(30s).code == 1);
    CHECK(status.tail().find("Client: --tls-key") != std::string::npos);
  }
}

TEST_CASE("a scheduler on a non-loopback address without TLS warns; with TLS it does not") {
  TempDir dir("tls-warn");
  REQUIRE(run_shoal({"certs", (dir.path() / "c").string()}).first.clean());
  const std::regex listening(R"(listening on)");
  const std::regex warning(R"(warning: listening on 0\.0\.0\.0 without TLS)");
  {
    Process open(kShoalExe, {"scheduler", "--host", "0.0.0.0", "--port", "0"});
    open.wait_for_line(Stream::kStdout, listening, 30s);
    CHECK(open.wait_for_line(Stream::kStderr, warning, 5s).text.find("--tls-ca") !=
          std::string::npos);
  }
  for (bool tls : {false, true}) {
    CAPTURE(tls);
    std::vector<std::string> args{"scheduler", "--host", tls ? "0.0.0.0" : "127.0.0.1", "--port",
                                  "0"};
    if (tls) {
      for (const std::string& x : tls_args(dir.path() / "c", "scheduler")) args.push_back(x);
    }
    Process quiet(kShoalExe, args);
    quiet.wait_for_line(Stream::kStdout, listening, 30s);
    std::this_thread::sleep_for(300ms);  // stderr is read by another thread: let it catch up
    for (const Line& l : quiet.lines(Stream::kStderr))
      CHECK(l.text.find("warning") == std::string::npos);
  }
}
