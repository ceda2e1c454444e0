#include "shoal/progress_bar.h"

#include <unistd.h>

#include <string>

#include "shoal/executor.h"

namespace shoal {

ProgressBar::ProgressBar(std::FILE* out, bool force)
    : out_(out), enabled_(force || (out != nullptr && ::isatty(::fileno(out)))) {}

void ProgressBar::on_run_start(std::size_t num_tasks) {
  total_ = num_tasks;
  done_ = erred_ = 0;
  started_ = last_draw_ = std::chrono::steady_clock::now();
}

void ProgressBar::on_task(const TaskEvent& event) {
  if (event.state == TaskEvent::State::kStarted) return;
  ++done_;
  if (event.state == TaskEvent::State::kErred) ++erred_;
  auto now = std::chrono::steady_clock::now();
  if (enabled_ && now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void ProgressBar::on_run_end(bool) {
  if (enabled_) draw(true);
}

void ProgressBar::draw(bool final_line) {
  constexpr int kWidth = 30;
  double frac = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, ' ');
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::fprintf(out_, "\r[%s] %3d%% %zu/%zu tasks%s %.1fs%s", bar.c_str(),
               static_cast<int>(frac * 100), done_, total_,
               erred_ ? (" " + std::to_string(erred_) + " erred").c_str() : "", secs,
               final_line ? "\n" : "");
  std::fflush(out_);
}

RunObservers::RunObservers(const RunOptions& options) {
  if (options.observer) list_.push_back(options.observer);
  if (options.progress) {
    auto bar = std::make_unique<ProgressBar>(stderr);
    if (bar->enabled()) {
      list_.push_back(bar.get());
      bar_ = std::move(bar);
    }
  }
}

RunObservers::~RunObservers() = default;

}  // namespace shoal
