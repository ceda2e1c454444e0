// Errors raised by Shoal.
//
// Every error Shoal throws derives from shoal::Error. Its message says what
// went wrong, where (file, line, key, op), and what to do about it, so that
// callers can print what() and users can act on it without a debugger.
#pragma once

#include <stdexcept>
#include <string>

namespace shoal {

/// Base class of every exception Shoal throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A graph is not runnable: a cycle, a missing dependency, an unknown op.
/// Raised by Graph::validate() before any task runs.
class GraphError : public Error {
 public:
  using Error::Error;
};

/// A run was cancelled through RunOptions::cancel before it finished.
class CancelledError : public Error {
 public:
  CancelledError()
      : Error("the run was cancelled (RunOptions::cancel was set) before it finished") {}
};

/// A value did not have the kind an accessor or a typed op expected.
class TypeError : public Error {
 public:
  using Error::Error;
};

/// An op failed while a graph ran. Names the task's key, its op and the
/// message of the original exception; the rest of that run was cancelled.
class TaskError : public Error {
 public:
  TaskError(std::string key, std::string op, std::string message);

  const std::string& key() const noexcept { return key_; }
  const std::string& op() const noexcept { return op_; }
  /// The original exception's message, without the key and op prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string key_;
  std::string op_;
  std::string message_;
};

}  // namespace shoal
