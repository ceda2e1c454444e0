#include "distributed/protocol.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>

#include "shoal/error.h"
#include "wire/guarded_multiplexer.h"
#include "wire/wire_value.h"

namespace shoal::actors {

void configure_node(caf::actor_system_config& cfg, std::size_t threads,
                    std::chrono::milliseconds heartbeat_interval) {
  cfg.load<caf::io::middleman, GuardedMultiplexer>();  // caps what a peer may announce
  add_wire_types(cfg);
  cfg.set("scheduler.max-threads", std::max<std::size_t>(1, threads));
  cfg.set("scheduler.policy", caf::atom("sharing"));
  // CAF's transport heartbeat notices a peer that stopped reading: after
  // the connection timeout CAF closes the connection and every monitor of an
  // actor there gets a down message. Shoal's own heartbeats (on top) carry
  // the load and catch a node whose transport is fine but whose worker is not.
  auto interval =
      std::max<std::chrono::milliseconds>(std::chrono::milliseconds(50), heartbeat_interval / 2);
  cfg.set("middleman.heartbeat-interval", caf::timespan{interval});
  cfg.set("middleman.connection-timeout", caf::timespan{interval * 8});
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("logger.console", caf::atom("none"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
}

std::pair<std::string, std::uint16_t> parse_address(const std::string& address,
                                                    const std::string& what) {
  auto colon = address.rfind(':');
  unsigned port = 0;
  if (colon != std::string::npos && colon > 0) {
    const char* first = address.data() + colon + 1;
    const char* last = address.data() + address.size();
    auto [end, ec] = std::from_chars(first, last, port);
    if (ec == std::errc() && end == last && first != last && port > 0 && port < 65536) {
      return {address.substr(0, colon), static_cast<std::uint16_t>(port)};
    }
  }
  throw Error(what + ": '" + address + "' is not an address; write HOST:PORT, e.g. 127.0.0.1:8786");
}

std::string stamped(const std::string& text) {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "[%02d:%02d:%02d.%03d] ", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms));
  return buf + text;
}

std::function<void(const std::string&)> log_sink(std::function<void(const std::string&)> sink) {
  if (sink) return sink;
  return [](const std::string& line) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::cerr << stamped(line) << std::endl;  // flushed: tests and operators read it live
  };
}

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace shoal::actors
