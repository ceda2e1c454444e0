// Internal: shoal::Value and the runtime's wire messages as CAF message
// types. Inside a process actors pass Values by shared pointer (no copies,
// no encoding); when CAF sends a WireValue or WireEnvelope to another node,
// its `inspect` writes the payload as one Cap'n Proto message
// (serialization/), and the receiving node decodes it with DecodeLimits and
// a size cap. A payload that does not decode is refused with a CAF error
// (CAF drops the message and logs it), never a crash.
//
// Both sides must call add_wire_types() on their actor_system_config before
// starting the system: an unregistered type fails only at run time.
//
// Includes CAF: for actors/src and the actors' tests only.
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/deserializer.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/serializer.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "shoal/value.h"
#include "shoal/wire.h"

namespace shoal::actors {

/// The largest payload a node accepts from another (the bytes of one
/// encoded Value or message); larger claims are refused before allocating.
inline constexpr std::size_t kMaxWirePayloadBytes = std::size_t{1} << 31;

/// A Value in a CAF message.
struct WireValue {
  Value value;
};

/// One of the runtime's wire messages (shoal/wire.h) in a CAF message.
struct WireEnvelope {
  wire::Message message;
};

/// Several wire messages in one CAF message: how the distributed runtime
/// batches, so that a task costs no network round trip of its own. Each
/// message is its own Cap'n Proto message inside the payload.
struct WireBatch {
  std::vector<wire::Message> messages;
};

caf::error save_payload(caf::serializer& f, const WireValue& x);
caf::error load_payload(caf::deserializer& f, WireValue& x);
caf::error save_payload(caf::serializer& f, const WireEnvelope& x);
caf::error load_payload(caf::deserializer& f, WireEnvelope& x);
caf::error save_payload(caf::serializer& f, const WireBatch& x);
caf::error load_payload(caf::deserializer& f, WireBatch& x);
std::string describe(const WireValue& x);
std::string describe(const WireEnvelope& x);
std::string describe(const WireBatch& x);

template <class Inspector, class T>
requires(std::is_same_v<T, WireValue> || std::is_same_v<T, WireEnvelope> ||
         std::is_same_v<T, WireBatch>) typename Inspector::result_type inspect(Inspector& f, T& x) {
  if constexpr (std::is_base_of_v<caf::serializer, Inspector>) {
    return save_payload(f, x);
  } else if constexpr (std::is_base_of_v<caf::deserializer, Inspector>) {
    return load_payload(f, x);
  } else {  // to_string and other read-only inspectors: a short rendering
    std::string text = describe(x);
    return f(caf::meta::type_name("shoal"), text);
  }
}

/// Registers WireValue ("shoal::WireValue"), WireEnvelope
/// ("shoal::WireEnvelope") and WireBatch ("shoal::WireBatch") as message types.
void add_wire_types(caf::actor_system_config& config);

}  // namespace shoal::actors
