// WireValue / WireEnvelope: Cap'n Proto payloads inside CAF messages.
#include "wire/wire_value.h"

#include <caf/binary_deserializer.hpp>
#include <caf/sec.hpp>
#include <cstdint>
#include <vector>

#include "shoal/value_codec.h"

namespace shoal::actors {
namespace {

caf::error save_bytes(caf::serializer& f, std::vector<std::byte>& bytes) {
  std::uint64_t n = bytes.size();
  if (auto err = f(n)) return err;
  return n ? f.apply_raw(bytes.size(), bytes.data()) : caf::error{};
}

// Reads a length and that many bytes, refusing lengths over the cap or over
// what the buffer holds, before allocating.
caf::error load_bytes(caf::deserializer& f, std::vector<std::byte>& bytes) {
  std::uint64_t n = 0;
  if (auto err = f(n)) return err;
  auto* binary = dynamic_cast<caf::binary_deserializer*>(&f);
  if (n > kMaxWirePayloadBytes || (binary && n > binary->remaining())) {
    return caf::make_error(caf::sec::invalid_argument,
                           "shoal payload claims " + std::to_string(n) +
                               " bytes, more than the message holds or the cap");
  }
  bytes.resize(static_cast<std::size_t>(n));
  return n ? f.apply_raw(bytes.size(), bytes.data()) : caf::error{};
}

template <class Encode>
caf::error save_with(caf::serializer& f, Encode&& encode) {
  std::vector<std::byte> bytes;
  try {
    bytes = encode();
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::invalid_argument,
                           std::string("cannot send to another node: ") + e.what());
  }
  return save_bytes(f, bytes);
}

template <class Decode>
caf::error load_with(caf::deserializer& f, Decode&& decode) {
  std::vector<std::byte> bytes;
  if (auto err = load_bytes(f, bytes)) return err;
  try {
    decode(bytes);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::invalid_argument,
                           std::string("dropped a malformed message: ") + e.what());
  }
  return {};
}

}  // namespace

caf::error save_payload(caf::serializer& f, const WireValue& x) {
  return save_with(f, [&] { return encode_value(x.value); });
}

caf::error load_payload(caf::deserializer& f, WireValue& x) {
  return load_with(f, [&](const std::vector<std::byte>& b) { x.value = decode_value(b); });
}

caf::error save_payload(caf::serializer& f, const WireEnvelope& x) {
  return save_with(f, [&] { return encode_wire(x.message); });
}

caf::error load_payload(caf::deserializer& f, WireEnvelope& x) {
  return load_with(f, [&](const std::vector<std::byte>& b) { x.message = decode_wire(b); });
}

// A message of a batch as bytes. A result that cannot leave its process (a
// custom value) must not take the rest of the batch (other results, the
// heartbeat) down with it: its report becomes the task's failure.
std::vector<std::byte> encode_in_batch(const wire::Message& m) {
  try {
    return encode_wire(m);
  } catch (const std::exception& e) {
    const auto* done = std::get_if<wire::TaskDone>(&m);
    if (!done) throw;
    return encode_wire(
        wire::TaskFailed{done->run_id, done->key, "",
                         std::string("its result cannot be sent to another node: ") + e.what(),
                         done->worker, done->task_id});
  }
}

// A batch: a count, then each message as a length-prefixed Cap'n Proto message.
caf::error save_payload(caf::serializer& f, const WireBatch& x) {
  std::uint64_t n = x.messages.size();
  if (auto err = f(n)) return err;
  for (const wire::Message& m : x.messages) {
    if (auto err = save_with(f, [&] { return encode_in_batch(m); })) return err;
  }
  return {};
}

caf::error load_payload(caf::deserializer& f, WireBatch& x) {
  std::uint64_t n = 0;
  if (auto err = f(n)) return err;
  auto* binary = dynamic_cast<caf::binary_deserializer*>(&f);
  if (n > kMaxWirePayloadBytes / 8 || (binary && n * 8 > binary->remaining())) {
    return caf::make_error(caf::sec::invalid_argument, "shoal batch claims " + std::to_string(n) +
                                                           " messages, more than it holds");
  }
  x.messages.clear();
  x.messages.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    auto err = load_with(
        f, [&](const std::vector<std::byte>& b) { x.messages.push_back(decode_wire(b)); });
    if (err) return err;
  }
  return {};
}

std::string describe(const WireValue& x) {
  return x.value.repr();
}

namespace {
const char* message_name(const wire::Message& m) {
  static constexpr const char* kNames[] = {"run-graph",   "assign-task",     "task-done",
                                           "task-failed", "fetch-request",   "fetch-reply",
                                           "heartbeat",   "register-worker", "input-missing",
                                           "release",     "run-result"};
  static_assert(std::size(kNames) == std::variant_size_v<wire::Message>);
  return kNames[m.index()];
}
}  // namespace

std::string describe(const WireEnvelope& x) {
  return std::string("wire ") + message_name(x.message);
}

std::string describe(const WireBatch& x) {
  return "wire batch of " + std::to_string(x.messages.size()) + " messages";
}

void add_wire_types(caf::actor_system_config& config) {
  config.add_message_type<WireValue>("shoal::WireValue");
  config.add_message_type<WireEnvelope>("shoal::WireEnvelope");
  config.add_message_type<WireBatch>("shoal::WireBatch");
}

}  // namespace shoal::actors
