// Ops for the cluster's fault tests: they take a set time, so that a worker
// can be killed or frozen in the middle of a job, and they can make results
// large enough (`pad` bytes) to stay on the worker that computed them, so
// that losing the worker loses data, not only running tasks.
//
// A number travels as an int64 when pad = 0, else as bytes: `pad` bytes whose
// first 8 hold the number (little-endian) and the rest a filler derived from
// it. Both ops accept either form, so pads may differ from level to level.
//
// test.crash kills the process that runs it (SIGKILL: no core dump), as a
// task that crashes its worker would.
//
// Tracing: when the environment variable SHOAL_TEST_TRACE names a file, every
// task appends "S <key>" when it starts and "F <key>" when it finishes, with
// one write(2) each on an O_APPEND descriptor, so the lines of a worker that
// is killed -9 are complete up to its last task. The tests read these files
// to know which tasks ran where and how often; the values stay pure.
#include <fcntl.h>
#include <shoal/key.h>
#include <shoal/plugin.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

int trace_fd() {
  static const int fd = [] {
    const char* path = std::getenv("SHOAL_TEST_TRACE");
    return path && *path ? ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
  }();
  return fd;
}

void trace(char what, const shoal::OpContext& ctx) {
  if (trace_fd() < 0 || !ctx.key) return;
  std::string line = std::string(1, what) + " " + ctx.key->str() + "\n";
  [[maybe_unused]] ssize_t n = ::write(trace_fd(), line.data(), line.size());
}

std::int64_t number_of(const shoal::Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_bytes() && v.as_bytes().size() >= 8) {
    std::int64_t x;
    std::memcpy(&x, v.as_bytes().data(), 8);
    return x;
  }
  if (v.is_list()) {  // a variadic input may arrive packed in a list
    std::int64_t s = 0;
    for (const shoal::Value& item : v.as_list()) s += number_of(item);
    return s;
  }
  throw shoal::Error("test ops take int64 or padded bytes, got " + v.repr());
}

shoal::Value make_number(std::int64_t x, std::int64_t pad) {
  if (pad < 8) return shoal::Value(x);
  shoal::Bytes b(static_cast<std::size_t>(pad));
  std::memcpy(b.data(), &x, 8);
  for (std::size_t i = 8; i < b.size(); ++i)
    b[i] = static_cast<std::byte>((x + static_cast<std::int64_t>(i)) * 31);
  return shoal::Value(std::move(b));
}

// Runs `compute` between the trace lines, after sleeping `ms`.
template <class F>
shoal::Value timed(const shoal::OpContext& ctx, const shoal::Params& p, F compute) {
  trace('S', ctx);
  std::this_thread::sleep_for(std::chrono::milliseconds(p.at("ms").as_int()));
  shoal::Value v = make_number(compute(), p.at("pad").as_int());
  trace('F', ctx);
  return v;
}

}  // namespace

SHOAL_PLUGIN("cluster_test", "1.0") {
  plugin.op("test.slow_inc")
      .doc("x + 1, after sleeping ms milliseconds.")
      .input("x", "any", "an int64 or padded bytes")
      .output("out", "any")
      .param_int("ms", 20, 0, 60000, "How long the task takes")
      .param_int("pad", 0, 0, 1 << 26, "0: an int64 result; else bytes of this size")
      .run([](shoal::OpContext& ctx, std::span<const shoal::Value> in, const shoal::Params& p) {
        return timed(ctx, p, [&] { return number_of(in[0]) + 1; });
      });

  plugin.op("test.slow_sum")
      .doc("The sum of its inputs, after sleeping ms milliseconds.")
      .variadic_input("xs", "any", "int64s or padded bytes")
      .output("out", "any")
      .param_int("ms", 20, 0, 60000, "How long the task takes")
      .param_int("pad", 0, 0, 1 << 26, "0: an int64 result; else bytes of this size")
      .run([](shoal::OpContext& ctx, std::span<const shoal::Value> in, const shoal::Params& p) {
        return timed(ctx, p, [&] {
          std::int64_t s = 0;
          for (const shoal::Value& v : in) s += number_of(v);
          return s;
        });
      });

  plugin.op("test.crash")
      .doc("Kills the process that runs it.")
      .optional_input("x")
      .output("out", "any")
      .run([](shoal::OpContext& ctx, std::span<const shoal::Value>,
              const shoal::Params&) -> shoal::Value {
        trace('S', ctx);
        ::kill(::getpid(), SIGKILL);
        return shoal::Value();
      });
}
