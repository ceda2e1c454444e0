#include <atomic>
#include <memory>
#include <mutex>

#include "shoal/executor.h"
#include "shoal/inline_executor.h"

namespace shoal {
namespace {

std::unique_ptr<Executor> make_inline() {
  return std::make_unique<InlineExecutor>();
}

std::atomic<std::unique_ptr<Executor> (*)()> g_factory{&make_inline};

}  // namespace

void set_default_executor_factory(std::unique_ptr<Executor> (*factory)()) {
  g_factory.store(factory ? factory : &make_inline);
}

Executor& default_executor() {
  // Created on first use; destroyed at exit, after main returns, which for a
  // LocalCluster stops its actors and joins its threads.
  static std::unique_ptr<Executor> executor = g_factory.load()();
  return *executor;
}

RunOptions detail::compute_options() {
  RunOptions options;
  options.progress = true;
  return options;
}

}  // namespace shoal
