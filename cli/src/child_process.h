// ChildProcess: a program `shoal ssh` (and the other launchers) start and
// stop: ssh sessions running a remote scheduler or worker, and the local
// `shoal run`.
//
//   ChildProcess ssh({"ssh", "host", "..."}, ChildProcess::kCapture, "[host worker]");
//   if (!ssh.wait_for_line(std::regex("registered"), 30s)) fail(ssh.tail());
//   ssh.close_stdin();      // the remote wrapper stops its process on EOF
//   ssh.wait_exit(10s);
//
// With kCapture, the child's standard input is a pipe and its output is read
// line by line by a thread of the object's own, kept for wait_for_line() and
// tail(), and copied to this process's standard error with the label in
// front (so the launcher's own standard output stays the pipeline's), or
// not copied when the label is empty. With
// kInherit the child shares this process's streams (the run's progress bar
// and values). The child starts with no signal blocked, whatever this
// process blocks, and in a process group of its own.
//
// Ownership: the destructor SIGKILLs a child still running and reaps it.
// Thread-safety: one thread uses an object; the reader thread is internal.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace shoal::cli {

class ChildProcess {
 public:
  enum Output { kCapture, kInherit };

  /// Starts argv[0] (a path, or a name looked up in PATH). Throws
  /// shoal::Error when it cannot.
  ChildProcess(std::vector<std::string> argv, Output output, std::string label);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  /// The first captured line from the start that matches `re` (its
  /// captures, [0] the whole match), waiting up to `timeout`; nullopt when
  /// none comes in time or the output ends first.
  std::optional<std::vector<std::string>> wait_for_line(const std::regex& re,
                                                        std::chrono::milliseconds timeout);
  /// Closes the child's standard input (kCapture): it reads end of file.
  void close_stdin();
  void send_signal(int sig);
  bool running();
  /// The exit code (128 + the signal when a signal ended it), waiting up
  /// to `timeout`; nullopt if it still runs then.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  /// Waits for the exit, SIGKILLs it after `grace`; the exit code.
  int stop_within(std::chrono::milliseconds grace);
  /// The last captured lines, for error messages.
  std::string tail(std::size_t n = 10);

 private:
  void spawn(std::vector<std::string> argv, Output output);
  void read_output();
  void reap(bool block);

  std::string label_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1, output_fd_ = -1;
  std::optional<int> exit_code_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> lines_;  // all of them: wait_for_line scans from the start
  bool output_closed_ = false;
  std::thread reader_;
};

}  // namespace shoal::cli
