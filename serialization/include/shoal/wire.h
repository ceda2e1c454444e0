// The distributed runtime's messages (serialization/schema/wire.capnp), as
// plain C++ structs, and their encoding: one Cap'n Proto message each.
//
//   std::vector<std::byte> bytes = encode_wire(wire::Heartbeat{.worker = "w1", .running = 2});
//   wire::Message m = decode_wire(bytes);
//   if (auto* hb = std::get_if<wire::Heartbeat>(&m)) ...
//
// Readers trust nothing: decode_wire() either returns a fully validated
// message or throws DecodeError, under the limits and allocation bound of
// shoal/decode_error.h. Ops inside tasks and graphs travel by name (see
// graph_codec.h). Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "shoal/decode_error.h"
#include "shoal/graph.h"

namespace shoal::wire {

/// client -> scheduler: compute `outputs` of `graph`.
struct RunGraph {
  std::uint64_t run_id = 0;
  Graph graph;
  std::vector<Key> outputs;
};

/// An input of a task: where it can be fetched from ("" = the receiving
/// worker), or, when `has_value`, the value itself (small results travel
/// inline). `task_id` numbers the producing task in the plan of run
/// `run_id` (0: the task's own run; another for a future's result).
struct InputLocation {
  Key key;
  std::string worker;
  std::uint32_t task_id = 0;
  bool has_value = false;
  Value value;
  std::uint64_t run_id = 0;
};

/// scheduler -> worker: run this task.
struct AssignTask {
  std::uint64_t run_id = 0;
  Task task;
  std::uint32_t priority = 0;
  std::vector<InputLocation> inputs;  ///< One per distinct dependency.
  std::uint32_t task_id = 0;
};

/// worker -> scheduler: a task finished. `value` is set only for small
/// results sent inline (has_value).
struct TaskDone {
  std::uint64_t run_id = 0;
  Key key;
  std::string worker;
  std::uint64_t nbytes = 0;
  std::uint64_t duration_ns = 0;
  bool has_value = false;
  Value value;
  std::uint32_t task_id = 0;
  std::uint64_t start_ns = 0;  ///< The worker's clock, ns since the epoch.
};

/// worker -> scheduler: a task threw.
struct TaskFailed {
  std::uint64_t run_id = 0;
  Key key;
  std::string op;
  std::string message;
  std::string worker;
  std::uint32_t task_id = 0;
};

/// worker -> scheduler: an input of a task could not be had from its holder;
/// the task did not run.
struct InputMissing {
  std::uint64_t run_id = 0;
  std::uint32_t task_id = 0;
  std::uint32_t input_id = 0;
  std::string holder;
  std::string message;
  std::uint64_t input_run_id = 0;  ///< The input's run, when another (a future's).
};

/// scheduler -> worker: drop these results of a run.
struct Release {
  std::uint64_t run_id = 0;
  std::vector<std::uint32_t> task_ids;
};

/// scheduler -> client: a run ended. Outputs that workers hold name their
/// holder; small ones travel inline.
struct RunResult {
  enum Kind : std::uint8_t { kTaskError = 0, kGraphError = 1, kCancelled = 2, kOther = 3 };
  std::uint64_t run_id = 0;
  bool ok = false;
  std::string error_key, error_op, error_message;
  std::vector<InputLocation> outputs;
  std::uint8_t kind = kTaskError;
};

/// anyone -> worker: send me these values (`task_ids` parallel to `keys`).
struct FetchRequest {
  std::uint64_t request_id = 0;
  std::vector<Key> keys;
  std::uint64_t run_id = 0;
  std::vector<std::uint32_t> task_ids;
};

struct FetchedValue {
  Key key;
  Value value;
  std::uint32_t task_id = 0;
};

struct FetchReply {
  std::uint64_t request_id = 0;
  std::vector<FetchedValue> values;
  std::vector<Key> missing;  ///< Keys the worker does not hold.
  std::uint64_t run_id = 0;
};

/// worker -> scheduler, every heartbeat interval: load and memory.
struct Heartbeat {
  std::string worker;
  std::uint32_t running = 0;
  std::uint32_t queued = 0;
  std::uint64_t memory_bytes = 0;
  std::uint64_t memory_limit = 0;  ///< 0 = none.
  std::uint64_t spilled_bytes = 0;
  std::uint64_t sent_at_ns = 0;
};

/// worker -> scheduler, when it connects: who it is and which ops it has.
struct RegisterWorker {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t threads = 0;
  std::uint64_t memory_limit = 0;
  std::vector<std::string> ops;  ///< Sorted.
};

using Message = std::variant<RunGraph, AssignTask, TaskDone, TaskFailed, FetchRequest, FetchReply,
                             Heartbeat, RegisterWorker, InputMissing, Release, RunResult>;

}  // namespace shoal::wire

namespace shoal {

/// Encodes one message. Throws EncodeError for a local_only op or a custom
/// value inside it.
std::vector<std::byte> encode_wire(const wire::Message& message);

/// Decodes what encode_wire wrote; throws DecodeError on invalid bytes. The
/// bytes need no particular alignment (unaligned input is copied once).
wire::Message decode_wire(std::span<const std::byte> bytes, const DecodeLimits& limits = {});

}  // namespace shoal
