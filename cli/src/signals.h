// Waiting for SIGINT / SIGTERM in the cluster commands, which run until
// stopped. Call block_stop_signals() before starting any thread, so that
// every thread inherits the mask and the signal reaches the waiting one.
#pragma once

namespace shoal::cli {

void block_stop_signals();
/// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int wait_for_stop_signal();

}  // namespace shoal::cli
