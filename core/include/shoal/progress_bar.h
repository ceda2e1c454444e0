// ProgressBar: a TaskObserver that draws a bar on a terminal.
#pragma once

#include <chrono>
#include <cstdio>

#include "shoal/observer.h"

namespace shoal {

/// Draws `[#####     ] 52% 59,431/114,289 tasks 1.2s` on `out`, redrawn at
/// most ten times a second. Draws nothing unless `out` is a terminal or
/// `force` is set, so that logs and pipes stay clean.
class ProgressBar : public TaskObserver {
 public:
  explicit ProgressBar(std::FILE* out = stderr, bool force = false);

  void on_run_start(std::size_t num_tasks) override;
  void on_task(const TaskEvent& event) override;
  void on_run_end(bool ok) override;

  bool enabled() const noexcept { return enabled_; }

 private:
  void draw(bool final_line);
  std::FILE* out_;
  bool enabled_;
  std::size_t total_ = 0, done_ = 0, erred_ = 0;
  std::chrono::steady_clock::time_point started_, last_draw_;
};

}  // namespace shoal
