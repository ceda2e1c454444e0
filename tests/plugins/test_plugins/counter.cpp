// A stateful op whose state counts how often it was created and destroyed
// (read through the extern "C" functions below) and how many tasks used it.
#include <shoal/plugin.h>

#include <atomic>

namespace {
std::atomic<int> created{0}, destroyed{0};

struct Counter {
  std::atomic<std::int64_t> calls{0};
  Counter() { ++created; }
  ~Counter() { ++destroyed; }
};
}  // namespace

extern "C" __attribute__((visibility("default"))) int counter_states_created() {
  return created;
}
extern "C" __attribute__((visibility("default"))) int counter_states_destroyed() {
  return destroyed;
}

SHOAL_PLUGIN("counter", "0.1") {
  plugin.op("counter.count")
      .doc("How many tasks of this op this worker ran so far, this one included: [worker, count].")
      .optional_input("x")
      .output("out", "list")
      .run_with_state<Counter>(
          [] { return std::make_unique<Counter>(); },
          [](Counter& c, shoal::OpContext& ctx, std::span<const shoal::Value>,
             const shoal::Params&) {
            return shoal::Value(
                shoal::List{shoal::Value(std::string(ctx.worker)), shoal::Value(++c.calls)});
          });
}
