// Values and wire messages between two CAF actor systems over loopback: the
// io middleman publishes an echo actor on one, the other reaches it with
// remote_actor and round-trips values of every kind as Cap'n Proto bytes.
#include <doctest/doctest.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "serialization/random_values.h"
#include "wire/wire_value.h"

using namespace shoal;
using shoal::actors::WireEnvelope;
using shoal::actors::WireValue;

namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

// CAF keeps a thread-local pointer to the last system's logger on user
// threads; forget it before a system is destroyed (see local_cluster.cpp).
struct ForgetCafThreadState {
  ~ForgetCafThreadState() { caf::logger::set_current_actor_system(nullptr); }
};

void configure(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  shoal::actors::add_wire_types(cfg);
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(200)});
  cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(5)});
  cfg.set("scheduler.max-threads", 2);
}

caf::behavior echo(caf::event_based_actor* self) {
  // What a failed encoding leaves (an empty message) gets an error reply.
  self->set_default_handler(caf::drop);
  return {
      [](WireValue& v) { return v; },
      [](WireEnvelope& m) { return m; },
  };
}

std::vector<Value> every_kind() {
  shoal::testing::RandomValues r(99);
  std::vector<Value> values = {
      Value(),
      Value(true),
      Value(-7),
      Value(2.5),
      Value("text"),
      Value(Bytes{std::byte{0}, std::byte{255}}),
      Value(List{Value(1), Value(List{Value("a"), Value(List{Value(2.5), Value()})})})};
  for (int i = 0; i < 4; ++i) values.push_back(Value(r.table(30)));  // nulls and strings among them
  for (DType d : {DType::kFloat64, DType::kFloat32, DType::kInt64, DType::kBool}) {
    values.push_back(Value(r.tensor(d, {2, 3, 4})));
    values.push_back(Value(r.tensor(d, {})));
  }
  for (int i = 0; i < 20; ++i) values.push_back(r.value(4));
  return values;
}

}  // namespace

TEST_CASE("values and wire messages round-trip between two actor systems over loopback") {
  ForgetCafThreadState forget;
  caf::actor_system_config server_cfg, client_cfg;
  configure(server_cfg);
  configure(client_cfg);
  caf::actor_system server{server_cfg};
  caf::actor server_echo = server.spawn(echo);
  auto port = server.middleman().publish(server_echo, 0, "127.0.0.1");
  REQUIRE_MESSAGE(port, server.render(port.error()));
  {
    caf::actor_system client{client_cfg};
    {
      auto remote = client.middleman().remote_actor("127.0.0.1", *port);
      REQUIRE_MESSAGE(remote, client.render(remote.error()));
      caf::scoped_actor self{client};
      int received = 0;
      for (const Value& v : every_kind()) {
        self->request(*remote, kTimeout, WireValue{v})
            .receive(
                [&](const WireValue& back) {
                  CHECK(back.value == v);
                  if (v.is_table())
                    CHECK(back.value.table_ptr() != v.table_ptr());  // really copied
                  ++received;
                },
                [&](caf::error& err) { FAIL(client.render(err)); });
      }
      CHECK(received == static_cast<int>(every_kind().size()));

      wire::Heartbeat hb{"w1", 2, 3, 1 << 20, 0, 0, 42};
      self->request(*remote, kTimeout, WireEnvelope{hb})
          .receive(
              [&](const WireEnvelope& back) {
                REQUIRE(std::holds_alternative<wire::Heartbeat>(back.message));
                CHECK(std::get<wire::Heartbeat>(back.message).sent_at_ns == 42);
              },
              [&](caf::error& err) { FAIL(client.render(err)); });
    }
    caf::logger::set_current_actor_system(nullptr);
  }
  // Stop the published actor explicitly: the destructor waits for every actor.
  caf::anon_send_exit(server_echo, caf::exit_reason::user_shutdown);
  server_echo = caf::actor();
  caf::logger::set_current_actor_system(nullptr);
}

TEST_CASE("a value that cannot leave its process is refused at the sender, not crashing anything") {
  struct Local : CustomValue {
    std::string type_name() const override { return "test.Local"; }
    std::uint64_t hash() const override { return 1; }
    bool equals(const CustomValue&) const override { return true; }
  };
  ForgetCafThreadState forget;
  caf::actor_system_config server_cfg, client_cfg;
  configure(server_cfg);
  configure(client_cfg);
  caf::actor_system server{server_cfg};
  caf::actor server_echo = server.spawn(echo);
  auto port = server.middleman().publish(server_echo, 0, "127.0.0.1");
  REQUIRE(port);
  {
    caf::actor_system client{client_cfg};
    {
      auto remote = client.middleman().remote_actor("127.0.0.1", *port);
      REQUIRE(remote);
      caf::scoped_actor self{client};
      bool answered = false;
      self->request(*remote, std::chrono::seconds(2),
                    WireValue{Value(std::make_shared<const Local>())})
          .receive([&](const WireValue&) { answered = true; }, [&](caf::error&) {});
      CHECK_FALSE(answered);
      // The connection still works afterwards.
      self->request(*remote, kTimeout, WireValue{Value(5)})
          .receive([&](const WireValue& back) { CHECK(back.value == Value(5)); },
                   [&](caf::error& err) { FAIL(client.render(err)); });
    }
    caf::logger::set_current_actor_system(nullptr);
  }
  caf::anon_send_exit(server_echo, caf::exit_reason::user_shutdown);
  server_echo = caf::actor();
  caf::logger::set_current_actor_system(nullptr);
}

TEST_CASE("hostile payloads: CAF's deserializer gets an error, never a crash") {
  shoal::testing::RandomValues r(5);
  std::vector<char> good;
  {
    caf::binary_serializer sink(nullptr, good);
    WireValue v{Value(List{Value(r.table(10)), r.value(3)})};
    REQUIRE_FALSE(inspect(sink, v));
  }
  {
    caf::binary_deserializer source(nullptr, good);
    WireValue back;
    REQUIRE_FALSE(inspect(source, back));
  }
  std::mt19937_64 rng(11);
  int refused = 0;
  for (int i = 0; i < 5000; ++i) {
    std::vector<char> bad = good;
    switch (i % 3) {
      case 0:
        bad.resize(rng() % bad.size());
        break;
      case 1:
        for (int k = 0; k < 4; ++k) bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
        break;
      default:
        std::memset(bad.data(), 0xff, std::min<std::size_t>(8, bad.size()));
        break;  // a huge length
    }
    caf::binary_deserializer source(nullptr, bad);
    WireValue back;
    if (inspect(source, back)) ++refused;
  }
  CHECK(refused > 0);
}
