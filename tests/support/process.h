// Child processes for integration tests: a Process runs an executable with
// its standard output and error captured line by line (each line stamped
// with the time it arrived), and a Cluster starts `shoal scheduler` and
// `shoal worker`s on 127.0.0.1 with an ephemeral port.
//
//   shoal::testing::Process p(SHOAL_EXE, {"scheduler", "--port", "0"});
//   auto line = p.wait_for_line(Stream::kStdout, std::regex("listening on (.*)"), 10s);
//   p.send_signal(SIGTERM);
//   p.wait_exit(5s);
//
// Ownership: a Process owns its child. The destructor SIGKILLs a child that
// is still running and reaps it, so a failing test (doctest's REQUIRE throws)
// never leaves a server behind. The child also gets PR_SET_PDEATHSIG=SIGKILL,
// so it dies with the test if the test itself is killed (a ctest timeout);
// Linux ties that signal to the *thread* that forked, so create Processes on
// the test's main thread.
//
// Failures (a line that does not come in time, a child that does not exit)
// throw std::runtime_error whose message holds the command and the last
// lines it printed on both streams: doctest prints it as the test's failure.
//
// Thread-safety: one thread uses a Process; an internal thread reads the
// pipes. Set SHOAL_TEST_ECHO=1 to copy every child's lines to stderr.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace shoal::testing {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

enum class Stream { kStdout = 0, kStderr = 1 };

/// One line a child printed, without its newline.
struct Line {
  std::string text;
  Clock::time_point arrived;        ///< when the reader thread read it
  std::size_t index = 0;            ///< its position in its stream, from 0
  std::vector<std::string> groups;  ///< regex captures (groups[0] = the match) when matched
};

/// How a child ended.
struct ExitStatus {
  bool signaled = false;
  int code = 0;  ///< the exit code, or the signal number when signaled
  bool clean() const { return !signaled && code == 0; }
  std::string describe() const {
    return signaled ? "killed by signal " + std::to_string(code) + " (" + ::strsignal(code) + ")"
                    : "exited with code " + std::to_string(code);
  }
};

namespace detail {

inline std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// The environment of this process with `extra` ("NAME=value") added or replacing.
inline std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const std::string& x : extra) {
      replaced = replaced || entry.compare(0, x.find('=') + 1, x, 0, x.find('=') + 1) == 0;
    }
    if (!replaced) env.push_back(std::move(entry));
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace detail

class Process {
 public:
  /// Starts `exe` (a path, or a name looked up in PATH) with `args`, adding
  /// `env` ("NAME=value") to this process's environment. Throws when it
  /// cannot start.
  Process(std::string exe, std::vector<std::string> args, std::vector<std::string> env = {})
      : command_(exe) {
    for (const std::string& a : args) command_ += " " + a;
    std::vector<std::string> argv{exe};
    argv.insert(argv.end(), args.begin(), args.end());
    spawn(exe, argv, detail::environment_with(env));
    reader_ = std::thread([this] { read_pipes(); });
  }

  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      reap(true);
    }
    if (reader_.joinable())
      reader_.join();  // the pipes close when the child (and its children) are gone
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  const std::string& command() const noexcept { return command_; }

  void send_signal(int sig) {
    if (::kill(pid_, sig) != 0)
      fail("kill(" + std::to_string(sig) + ") failed: " + std::strerror(errno));
  }

  /// True until the child has exited (reaps it when it has).
  bool running() {
    if (!exit_) reap(false);
    return !exit_;
  }

  /// Waits for the child to end; throws when it is still running after
  /// `timeout`. Once it returns, lines() and tail() hold all the child
  /// printed (unless a grandchild still holds its pipes open).
  ExitStatus wait_exit(Clock::duration timeout) {
    auto deadline = Clock::now() + timeout;
    while (running()) {
      if (Clock::now() > deadline) fail("still running after " + ms_text(timeout));
      std::this_thread::sleep_for(5ms);
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 1s, [this] { return closed_[0] && closed_[1]; });
    return *exit_;
  }

  /// The first line of `stream` from line `from` on that matches `re`
  /// (std::regex_search); waits up to `timeout` for it. Throws with the
  /// child's output when none comes (or the child's streams close first).
  Line wait_for_line(Stream stream, const std::regex& re, Clock::duration timeout,
                     std::size_t from = 0) {
    std::unique_lock lock(mutex_);
    auto deadline = Clock::now() + timeout;
    std::size_t next = from;
    for (;;) {
      const std::vector<Line>& lines = lines_[static_cast<int>(stream)];
      for (; next < lines.size(); ++next) {
        std::smatch m;
        if (std::regex_search(lines[next].text, m, re)) {
          Line found = lines[next];
          for (const auto& g : m) found.groups.push_back(g.str());
          return found;
        }
      }
      if (closed_[static_cast<int>(stream)]) {
        lock.unlock();
        fail("closed its " + stream_name(stream) + " without printing the awaited line");
      }
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && lines.size() == next) {
        lock.unlock();
        fail("printed no matching line on " + stream_name(stream) + " within " + ms_text(timeout));
      }
    }
  }

  /// How many lines `stream` has had so far (a starting point for wait_for_line).
  std::size_t line_count(Stream stream) {
    std::lock_guard lock(mutex_);
    return lines_[static_cast<int>(stream)].size();
  }

  /// Every line of `stream` so far.
  std::vector<Line> lines(Stream stream) {
    std::lock_guard lock(mutex_);
    return lines_[static_cast<int>(stream)];
  }

  /// The last `n` lines of both streams, for failure messages.
  std::string tail(std::size_t n = 40) {
    std::lock_guard lock(mutex_);
    std::string out;
    for (int s = 0; s < 2; ++s) {
      const auto& lines = lines_[s];
      out += "--- " + stream_name(static_cast<Stream>(s)) + " (" + std::to_string(lines.size()) +
             " lines) ---\n";
      for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
        out += lines[i].text + "\n";
    }
    return out;
  }

  /// Throws std::runtime_error naming the command, with `what` and its output.
  [[noreturn]] void fail(const std::string& what) {
    std::string state = exit_ ? exit_->describe() : "running";
    throw std::runtime_error("process '" + command_ + "' (pid " + std::to_string(pid_) + ", " +
                             state + ") " + what + "\n" + tail());
  }

 private:
  static std::string stream_name(Stream s) { return s == Stream::kStdout ? "stdout" : "stderr"; }
  static std::string ms_text(Clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
  }

  void spawn(const std::string& exe, std::vector<std::string> argv, std::vector<std::string> env) {
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed: " + std::string(std::strerror(errno)));
    }
    // Everything the child needs is built before fork: between fork and exec
    // a multithreaded parent's child may only make async-signal-safe calls.
    std::vector<char*> cargv = detail::c_strings(argv), cenv = detail::c_strings(env);
    const pid_t parent = ::getpid();
    const bool search_path = exe.find('/') == std::string::npos;
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died already
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      ::setpgid(0, 0);  // its own group: a terminal's Ctrl+C reaches the test, which then kills it
      if (search_path) {
        ::execvpe(cargv[0], cargv.data(), cenv.data());
      } else {
        ::execve(cargv[0], cargv.data(), cenv.data());
      }
      static const char kFailed[] = "exec failed\n";  // write(2): async-signal-safe
      [[maybe_unused]] ssize_t n = ::write(2, kFailed, sizeof kFailed - 1);
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    fds_[0] = out[0];
    fds_[1] = err[0];
  }

  // The reader thread: splits both pipes into stamped lines until both close.
  void read_pipes() {
    static const bool echo = std::getenv("SHOAL_TEST_ECHO") != nullptr;
    std::string partial[2];
    int open = 2;
    char buf[65536];
    while (open > 0) {
      pollfd p[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
      if (::poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int s = 0; s < 2; ++s) {
        if (fds_[s] < 0 || !(p[s].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(fds_[s], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          finish_stream(s, partial[s]);
          ::close(fds_[s]);
          fds_[s] = -1;
          --open;
          continue;
        }
        partial[s].append(buf, static_cast<std::size_t>(n));
        take_lines(s, partial[s], echo);
      }
    }
  }

  void take_lines(int s, std::string& partial, bool echo) {
    auto now = Clock::now();
    std::lock_guard lock(mutex_);
    std::size_t start = 0;
    for (std::size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      Line line{partial.substr(start, nl - start), now, lines_[s].size(), {}};
      if (echo) std::cerr << "[" << pid_ << (s ? " err] " : " out] ") << line.text << "\n";
      lines_[s].push_back(std::move(line));
    }
    partial.erase(0, start);
    changed_.notify_all();
  }

  void finish_stream(int s, std::string& partial) {
    std::lock_guard lock(mutex_);
    if (!partial.empty()) lines_[s].push_back(Line{partial, Clock::now(), lines_[s].size(), {}});
    closed_[s] = true;
    changed_.notify_all();
  }

  void reap(bool block) {
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
      exit_ = WIFSIGNALED(status) ? ExitStatus{true, WTERMSIG(status)}
                                  : ExitStatus{false, WEXITSTATUS(status)};
    } else if (r < 0) {
      exit_ = ExitStatus{false, -1};  // not our child any more: nothing to wait for
    }
  }

  std::string command_;
  pid_t pid_ = -1;
  int fds_[2] = {-1, -1};
  std::optional<ExitStatus> exit_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Line> lines_[2];
  bool closed_[2] = {false, false};
  std::thread reader_;
};

/// What a Cluster starts.
struct ClusterOptions {
  std::string shoal_exe;  ///< the `shoal` binary
  int workers = 2;
  std::vector<std::string>
      scheduler_args;                    ///< added to `shoal scheduler --host 127.0.0.1 --port 0`
  std::vector<std::string> worker_args;  ///< added to every `shoal worker ADDRESS --name wI`
  /// Extra environment of worker i ("NAME=value").
  std::function<std::vector<std::string>(int i)> worker_env;
  Clock::duration start_timeout = 30s;  ///< a loaded 2-core machine starts slowly
};

/// A scheduler and workers, each a `shoal` process, on 127.0.0.1. Workers
/// are named w0, w1, ...; the constructor returns once every worker printed
/// its `registered` line. Destroying it kills them all (workers first).
class Cluster {
 public:
  explicit Cluster(ClusterOptions options) : options_(std::move(options)) {
    std::vector<std::string> args{"scheduler", "--host", "127.0.0.1", "--port", "0"};
    args.insert(args.end(), options_.scheduler_args.begin(), options_.scheduler_args.end());
    scheduler_ = std::make_unique<Process>(options_.shoal_exe, args);
    Line l = scheduler_->wait_for_line(
        Stream::kStdout, std::regex(R"(^shoal scheduler: listening on 127\.0\.0\.1:(\d+)$)"),
        options_.start_timeout);
    port_ = static_cast<std::uint16_t>(std::stoi(l.groups[1]));
    for (int i = 0; i < options_.workers; ++i) add_worker();
  }
  ~Cluster() {
    workers_.clear();  // workers first: a scheduler killed first would make them log reconnects
    scheduler_.reset();
  }

  Process& scheduler() { return *scheduler_; }
  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  Process& worker(std::size_t i) { return *workers_.at(i); }
  std::size_t num_workers() const { return workers_.size(); }
  static std::string worker_name(std::size_t i) { return "w" + std::to_string(i); }

  /// Starts worker wN (N = the number started so far) with the options'
  /// arguments plus `extra`, and waits for its registration.
  Process& add_worker(std::vector<std::string> extra = {}) {
    const int i = static_cast<int>(workers_.size());
    std::vector<std::string> args{"worker", address(), "--name", worker_name(i)};
    args.insert(args.end(), options_.worker_args.begin(), options_.worker_args.end());
    args.insert(args.end(), extra.begin(), extra.end());
    auto env = options_.worker_env ? options_.worker_env(i) : std::vector<std::string>{};
    workers_.push_back(std::make_unique<Process>(options_.shoal_exe, args, env));
    wait_registered(i, 0, options_.start_timeout);
    return *workers_.back();
  }

  /// Waits for worker i's `registered` line at or after stdout line `from`.
  Line wait_registered(std::size_t i, std::size_t from, Clock::duration timeout) {
    return worker(i).wait_for_line(
        Stream::kStdout,
        std::regex("^shoal worker " + worker_name(i) + ": registered with " + escaped(address())),
        timeout, from);
  }

 private:
  static std::string escaped(const std::string& s) {
    return std::regex_replace(s, std::regex(R"([.])"), R"(\.)");
  }

  ClusterOptions options_;
  std::unique_ptr<Process> scheduler_;
  std::vector<std::unique_ptr<Process>> workers_;
  std::uint16_t port_ = 0;
};

/// A process's peak resident memory (VmHWM of /proc/PID/status) in bytes;
/// 0 when it cannot be read.
inline std::uint64_t peak_rss_bytes(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (!f) return 0;
  char line[256];
  std::uint64_t kib = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::strtoull(line + 6, nullptr, 10);
  }
  std::fclose(f);
  return kib * 1024;
}

}  // namespace shoal::testing
