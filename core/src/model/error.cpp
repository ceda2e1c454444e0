#include "shoal/error.h"

namespace shoal {

TaskError::TaskError(std::string key, std::string op, std::string message)
    : Error("task " + key + " (op '" + op + "') failed: " + message),
      key_(std::move(key)),
      op_(std::move(op)),
      message_(std::move(message)) {}

}  // namespace shoal
