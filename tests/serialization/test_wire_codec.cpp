// Wire messages: every kind round-trips; unknown ops and bad bytes behave.
#include <doctest/doctest.h>

#include "random_values.h"
#include "shoal/wire.h"

using namespace shoal;

namespace {

Task sample_task(const Value& literal) {
  Task t;
  t.key = Key("inc-1f", {3});
  t.op = OpRegistry::global().get("inc");
  t.args = {Arg(Key("value-9a", {3})), Arg(std::vector<Arg>{Arg(literal)})};
  t.params = std::make_shared<const Params>(Params{{"p", Value(1.5)}});
  return t;
}

template <class T>
T round_trip(const T& m) {
  wire::Message back = decode_wire(encode_wire(wire::Message(m)));
  REQUIRE(std::holds_alternative<T>(back));
  return std::get<T>(back);
}

}  // namespace

TEST_CASE("every wire message round-trips") {
  shoal::testing::RandomValues r(7);
  Value v = r.value(3);

  wire::RunGraph run{42, {}, {Key("inc-1f", {3})}};
  run.graph.add(sample_task(v));
  auto run2 = round_trip(run);
  CHECK(run2.run_id == 42);
  CHECK(run2.outputs == run.outputs);
  REQUIRE(run2.graph.size() == 1);
  CHECK(run2.graph.tasks()[0].key == Key("inc-1f", {3}));
  CHECK(run2.graph.tasks()[0].op == OpRegistry::global().get("inc"));

  auto assign = round_trip(wire::AssignTask{7, sample_task(v), 99, {{Key("value-9a", {3}), "w2"}}});
  CHECK(assign.priority == 99);
  CHECK(assign.task.args[1].items()[0].literal() == v);
  CHECK(assign.task.params->at("p") == Value(1.5));
  CHECK(assign.inputs[0].worker == "w2");

  auto done = round_trip(wire::TaskDone{1, Key("k"), "w1", 1234, 55, true, v});
  CHECK(done.value == v);
  CHECK(done.nbytes == 1234);
  auto done_remote = round_trip(wire::TaskDone{1, Key("k"), "w1", 1, 2, false, Value()});
  CHECK_FALSE(done_remote.has_value);

  auto failed = round_trip(wire::TaskFailed{3, Key("k", {1, 2}), "inc", "kaboom", "w3"});
  CHECK(failed.message == "kaboom");
  CHECK(failed.key == Key("k", {1, 2}));

  auto fetch = round_trip(wire::FetchRequest{5, {Key("a"), Key("b", {1})}});
  CHECK(fetch.keys.size() == 2);
  auto reply = round_trip(
      wire::FetchReply{5, {{Key("a"), v}, {Key("t"), Value(r.table(10))}}, {Key("b", {1})}});
  CHECK(reply.values[0].value == v);
  CHECK(reply.values[1].key == Key("t"));
  CHECK(reply.missing == std::vector<Key>{Key("b", {1})});

  auto hb = round_trip(wire::Heartbeat{"w1", 2, 3, 1 << 20, 1 << 30, 7, 123456789});
  CHECK(hb.memory_limit == 1 << 30);
  CHECK(hb.sent_at_ns == 123456789);

  auto reg = round_trip(wire::RegisterWorker{"w1", "127.0.0.1", 4242, 4, 0, {"add", "inc"}});
  CHECK(reg.port == 4242);
  CHECK(reg.ops == std::vector<std::string>{"add", "inc"});
}

TEST_CASE("wire: the distributed runtime's ids, inline inputs, releases and results round-trip") {
  shoal::testing::RandomValues r(8);
  Value v(r.table(12));
  auto assign = round_trip(
      wire::AssignTask{7,
                       sample_task(v),
                       3,
                       {{Key("a", {1}), "", 4, true, v}, {Key("b"), "w2", 9, false, Value(), 77}},
                       17});
  CHECK(assign.task_id == 17);
  CHECK(assign.inputs[0].has_value);
  CHECK(assign.inputs[0].value == v);
  CHECK(assign.inputs[0].task_id == 4);
  CHECK_FALSE(assign.inputs[1].has_value);
  CHECK(assign.inputs[1].worker == "w2");
  CHECK(assign.inputs[1].run_id == 77);
  CHECK(assign.inputs[0].run_id == 0);

  auto done = round_trip(wire::TaskDone{1, Key("k"), "w1", 8, 5, true, Value(3), 21, 99});
  CHECK(done.task_id == 21);
  CHECK(done.start_ns == 99);
  auto failed = round_trip(wire::TaskFailed{3, Key("k"), "inc", "kaboom", "w3", 6});
  CHECK(failed.task_id == 6);

  auto missing = round_trip(wire::InputMissing{2, 5, 4, "w9", "w9 is gone", 8});
  CHECK(missing.input_id == 4);
  CHECK(missing.input_run_id == 8);
  CHECK(missing.holder == "w9");
  auto release = round_trip(wire::Release{2, {1, 2, 70000}});
  CHECK(release.task_ids == std::vector<std::uint32_t>{1, 2, 70000});

  auto result = round_trip(wire::RunResult{4,
                                           false,
                                           "k",
                                           "inc",
                                           "boom",
                                           {{Key("o"), "w1", 3, false, Value()}},
                                           wire::RunResult::kGraphError});
  CHECK_FALSE(result.ok);
  CHECK(result.error_message == "boom");
  CHECK(result.kind == wire::RunResult::kGraphError);
  CHECK(result.outputs[0].worker == "w1");

  auto fetch = round_trip(wire::FetchRequest{5, {Key("a")}, 4, {12}});
  CHECK(fetch.run_id == 4);
  CHECK(fetch.task_ids == std::vector<std::uint32_t>{12});
  auto reply = round_trip(wire::FetchReply{5, {{Key("a"), v, 12}}, {}, 4});
  CHECK(reply.values[0].task_id == 12);
  CHECK(reply.run_id == 4);
}

TEST_CASE(
    "wire: local-only ops are refused; unknown ops decode to placeholders; garbage is refused") {
  auto lambda = std::make_shared<Op>();
  lambda->name = "my_lambda";
  lambda->local_only = true;
  lambda->fn = [](OpContext&, std::span<const Value>, const Params&) { return Value(); };
  Task t;
  t.key = Key("x");
  t.op = lambda;
  CHECK_THROWS_AS(encode_wire(wire::AssignTask{1, t, 0, {}}), EncodeError);

  auto stranger = std::make_shared<Op>(*lambda);
  stranger->name = "not_here";
  stranger->local_only = false;
  t.op = stranger;
  auto back = std::get<wire::AssignTask>(decode_wire(encode_wire(wire::AssignTask{1, t, 0, {}})));
  CHECK(back.task.op->name == "not_here");
  CHECK(OpRegistry::global().find("not_here") == nullptr);

  std::vector<std::byte> garbage(64, std::byte{0xff});
  CHECK_THROWS_AS(decode_wire(garbage), DecodeError);
  CHECK_THROWS_AS(decode_wire({}), DecodeError);
}
