#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "shoal/error.h"

namespace shoal::cli {

ChildProcess::ChildProcess(std::vector<std::string> argv, Output output, std::string label)
    : label_(std::move(label)) {
  spawn(std::move(argv), output);
  if (output == kCapture) reader_ = std::thread([this] { read_output(); });
}

ChildProcess::~ChildProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  close_stdin();
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::spawn(std::vector<std::string> argv, Output output) {
  int in[2] = {-1, -1}, out[2] = {-1, -1};
  if (output == kCapture && (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)) {
    throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  // Built before fork: the child of a multithreaded process may only make
  // async-signal-safe calls until exec.
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw Error(std::string("cannot fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the launcher blocks SIGINT/SIGTERM
    ::setpgid(0, 0);  // a terminal's Ctrl+C goes to the launcher, which stops it in order
    if (output == kCapture) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(out[1], 2);
    }
    ::execvp(cargv[0], cargv.data());
    static const char kFailed[] = "exec failed\n";
    [[maybe_unused]] ssize_t n = ::write(2, kFailed, sizeof kFailed - 1);
    ::_exit(127);
  }
  if (output == kCapture) {
    ::close(in[0]);
    ::close(out[1]);
    stdin_fd_ = in[1];
    output_fd_ = out[0];
  }
}

void ChildProcess::read_output() {
  std::string partial;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(output_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    std::lock_guard lock(mutex_);
    for (std::size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string line = partial.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!label_.empty()) std::cerr << label_ << " " << line << "\n";
      lines_.push_back(std::move(line));
    }
    partial.erase(0, start);
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  if (!partial.empty()) lines_.push_back(partial);
  output_closed_ = true;
  ::close(output_fd_);
  changed_.notify_all();
}

std::optional<std::vector<std::string>> ChildProcess::wait_for_line(
    const std::regex& re, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  for (std::size_t next = 0;;) {
    for (; next < lines_.size(); ++next) {
      std::smatch m;
      if (std::regex_search(lines_[next], m, re)) {
        std::vector<std::string> groups;
        for (const auto& g : m) groups.push_back(g.str());
        return groups;
      }
    }
    if (output_closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && next == lines_.size())
      return std::nullopt;
  }
}

void ChildProcess::close_stdin() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

void ChildProcess::send_signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

void ChildProcess::reap(bool block) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_code_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  } else if (r < 0) {
    exit_code_ = 127;  // not ours to wait for any more
  }
}

bool ChildProcess::running() {
  if (!exit_code_) reap(false);
  return !exit_code_;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

int ChildProcess::stop_within(std::chrono::milliseconds grace) {
  if (auto code = wait_exit(grace)) return *code;
  ::kill(pid_, SIGKILL);
  reap(true);
  return *exit_code_;
}

std::string ChildProcess::tail(std::size_t n) {
  std::lock_guard lock(mutex_);
  std::string out;
  for (std::size_t i = lines_.size() > n ? lines_.size() - n : 0; i < lines_.size(); ++i)
    out += "\n  " + lines_[i];
  return out;
}

}  // namespace shoal::cli
