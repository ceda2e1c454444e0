// The runtime's messages to Cap'n Proto (schema/wire.capnp) and back.
#include "graph_capnp.h"
#include "shoal/wire.h"
#include "wire.capnp.h"

namespace shoal::detail {
namespace {

using schema::WireMessage;

std::string text(capnp::Text::Reader t) {
  return std::string(t.cStr(), t.size());
}

void write_keys(capnp::List<schema::Key>::Builder out, const std::vector<Key>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i) write_key(out[i], keys[i]);
}

void write_inputs(capnp::List<schema::InputLocation>::Builder out,
                  const std::vector<wire::InputLocation>& in) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto b = out[static_cast<unsigned>(i)];
    write_key(b.initKey(), in[i].key);
    b.setWorker(in[i].worker);
    b.setTaskId(in[i].task_id);
    b.setHasValue(in[i].has_value);
    if (in[i].has_value) write_value(b.initValue(), in[i].value);
    b.setRunId(in[i].run_id);
  }
}

std::size_t estimate_inputs(const std::vector<wire::InputLocation>& in) {
  std::size_t n = 0;
  for (const auto& i : in) n += 96 + (i.has_value ? estimate_bytes(i.value) : 0);
  return n;
}

// ---- writers, one per message ----

struct Writer {
  WireMessage::Builder out;

  void operator()(const wire::RunGraph& m) {
    auto b = out.initRunGraph();
    b.setRunId(m.run_id);
    auto tasks = b.initGraph().initTasks(static_cast<unsigned>(m.graph.size()));
    for (std::size_t i = 0; i < m.graph.size(); ++i) write_task(tasks[i], m.graph.tasks()[i]);
    write_keys(b.initOutputs(static_cast<unsigned>(m.outputs.size())), m.outputs);
  }
  void operator()(const wire::AssignTask& m) {
    auto b = out.initAssignTask();
    b.setRunId(m.run_id);
    write_task(b.initTask(), m.task);
    b.setPriority(m.priority);
    write_inputs(b.initInputs(static_cast<unsigned>(m.inputs.size())), m.inputs);
    b.setTaskId(m.task_id);
  }
  void operator()(const wire::TaskDone& m) {
    auto b = out.initTaskDone();
    b.setRunId(m.run_id);
    write_key(b.initKey(), m.key);
    b.setWorker(m.worker);
    b.setNbytes(m.nbytes);
    b.setDurationNs(m.duration_ns);
    b.setHasValue(m.has_value);
    if (m.has_value) write_value(b.initValue(), m.value);
    b.setTaskId(m.task_id);
    b.setStartNs(m.start_ns);
  }
  void operator()(const wire::TaskFailed& m) {
    auto b = out.initTaskFailed();
    b.setRunId(m.run_id);
    write_key(b.initKey(), m.key);
    b.setOp(m.op);
    b.setMessage(m.message);
    b.setWorker(m.worker);
    b.setTaskId(m.task_id);
  }
  void operator()(const wire::InputMissing& m) {
    auto b = out.initInputMissing();
    b.setRunId(m.run_id);
    b.setTaskId(m.task_id);
    b.setInputId(m.input_id);
    b.setHolder(m.holder);
    b.setMessage(m.message);
    b.setInputRunId(m.input_run_id);
  }
  void operator()(const wire::Release& m) {
    auto b = out.initRelease();
    b.setRunId(m.run_id);
    auto ids = b.initTaskIds(static_cast<unsigned>(m.task_ids.size()));
    for (std::size_t i = 0; i < m.task_ids.size(); ++i)
      ids.set(static_cast<unsigned>(i), m.task_ids[i]);
  }
  void operator()(const wire::RunResult& m) {
    auto b = out.initRunResult();
    b.setRunId(m.run_id);
    b.setOk(m.ok);
    b.setErrorKey(m.error_key);
    b.setErrorOp(m.error_op);
    b.setErrorMessage(m.error_message);
    write_inputs(b.initOutputs(static_cast<unsigned>(m.outputs.size())), m.outputs);
    b.setKind(m.kind);
  }
  void operator()(const wire::FetchRequest& m) {
    auto b = out.initFetchRequest();
    b.setRequestId(m.request_id);
    write_keys(b.initKeys(static_cast<unsigned>(m.keys.size())), m.keys);
    b.setRunId(m.run_id);
    auto ids = b.initTaskIds(static_cast<unsigned>(m.task_ids.size()));
    for (std::size_t i = 0; i < m.task_ids.size(); ++i)
      ids.set(static_cast<unsigned>(i), m.task_ids[i]);
  }
  void operator()(const wire::FetchReply& m) {
    auto b = out.initFetchReply();
    b.setRequestId(m.request_id);
    auto values = b.initValues(static_cast<unsigned>(m.values.size()));
    for (std::size_t i = 0; i < m.values.size(); ++i) {
      write_key(values[i].initKey(), m.values[i].key);
      write_value(values[i].initValue(), m.values[i].value);
      values[i].setTaskId(m.values[i].task_id);
    }
    write_keys(b.initMissing(static_cast<unsigned>(m.missing.size())), m.missing);
    b.setRunId(m.run_id);
  }
  void operator()(const wire::Heartbeat& m) {
    auto b = out.initHeartbeat();
    b.setWorker(m.worker);
    b.setRunning(m.running);
    b.setQueued(m.queued);
    b.setMemoryBytes(m.memory_bytes);
    b.setMemoryLimit(m.memory_limit);
    b.setSpilledBytes(m.spilled_bytes);
    b.setSentAtNs(m.sent_at_ns);
  }
  void operator()(const wire::RegisterWorker& m) {
    auto b = out.initRegisterWorker();
    b.setName(m.name);
    b.setHost(m.host);
    b.setPort(m.port);
    b.setThreads(m.threads);
    b.setMemoryLimit(m.memory_limit);
    auto ops = b.initOps(static_cast<unsigned>(m.ops.size()));
    for (std::size_t i = 0; i < m.ops.size(); ++i) ops.set(static_cast<unsigned>(i), m.ops[i]);
  }
};

// ---- estimates, to size the first segment ----

std::size_t estimate(const wire::Message& message) {
  std::size_t n = 256;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, wire::RunGraph>) {
          for (const Task& t : m.graph.tasks()) n += estimate_task(t);
          n += 64 * m.outputs.size();
        } else if constexpr (std::is_same_v<T, wire::AssignTask>) {
          n += estimate_task(m.task) + estimate_inputs(m.inputs);
        } else if constexpr (std::is_same_v<T, wire::RunResult>) {
          n += estimate_inputs(m.outputs) + m.error_message.size();
        } else if constexpr (std::is_same_v<T, wire::Release>) {
          n += 4 * m.task_ids.size();
        } else if constexpr (std::is_same_v<T, wire::TaskDone>) {
          n += m.has_value ? estimate_bytes(m.value) : 0;
        } else if constexpr (std::is_same_v<T, wire::FetchReply>) {
          for (const auto& v : m.values) n += 96 + estimate_bytes(v.value);
          n += 64 * m.missing.size();
        } else if constexpr (std::is_same_v<T, wire::FetchRequest>) {
          n += 68 * m.keys.size();
        } else if constexpr (std::is_same_v<T, wire::RegisterWorker>) {
          for (const auto& op : m.ops) n += 16 + op.size();
        }
      },
      message);
  return n;
}

// ---- readers ----

std::vector<wire::InputLocation> read_inputs(GraphReader& r,
                                             capnp::List<schema::InputLocation>::Reader in) {
  std::vector<wire::InputLocation> out;
  out.reserve(in.size());
  for (auto i : in) {
    wire::InputLocation loc{r.key(i.getKey()), text(i.getWorker()), i.getTaskId(), i.getHasValue(),
                            Value(),           i.getRunId()};
    if (loc.has_value) loc.value = read_value(i.getValue(), 0, r.max_nesting);
    out.push_back(std::move(loc));
  }
  return out;
}

template <class List>
std::vector<std::uint32_t> read_ids(List in) {
  std::vector<std::uint32_t> out;
  out.reserve(in.size());
  for (auto id : in) out.push_back(id);
  return out;
}

std::vector<Key> read_keys(GraphReader& r, capnp::List<schema::Key>::Reader in) {
  std::vector<Key> keys;
  keys.reserve(in.size());
  for (auto k : in) keys.push_back(r.key(k));
  return keys;
}

wire::Message read(GraphReader& r, WireMessage::Reader in) {
  switch (in.which()) {
    case WireMessage::RUN_GRAPH: {
      auto m = in.getRunGraph();
      wire::RunGraph out{m.getRunId(), {}, read_keys(r, m.getOutputs())};
      auto tasks = m.getGraph().getTasks();
      out.graph.reserve(tasks.size());
      for (auto t : tasks) out.graph.add(r.task(t, 0));
      return out;
    }
    case WireMessage::ASSIGN_TASK: {
      auto m = in.getAssignTask();
      return wire::AssignTask{m.getRunId(), r.task(m.getTask(), 0), m.getPriority(),
                              read_inputs(r, m.getInputs()), m.getTaskId()};
    }
    case WireMessage::TASK_DONE: {
      auto m = in.getTaskDone();
      wire::TaskDone out{m.getRunId(),  r.key(m.getKey()), text(m.getWorker()),
                         m.getNbytes(), m.getDurationNs(), m.getHasValue(),
                         Value(),       m.getTaskId(),     m.getStartNs()};
      if (out.has_value) out.value = read_value(m.getValue(), 0, r.max_nesting);
      return out;
    }
    case WireMessage::TASK_FAILED: {
      auto m = in.getTaskFailed();
      return wire::TaskFailed{m.getRunId(),         r.key(m.getKey()),   text(m.getOp()),
                              text(m.getMessage()), text(m.getWorker()), m.getTaskId()};
    }
    case WireMessage::INPUT_MISSING: {
      auto m = in.getInputMissing();
      return wire::InputMissing{m.getRunId(),        m.getTaskId(),        m.getInputId(),
                                text(m.getHolder()), text(m.getMessage()), m.getInputRunId()};
    }
    case WireMessage::RELEASE: {
      auto m = in.getRelease();
      return wire::Release{m.getRunId(), read_ids(m.getTaskIds())};
    }
    case WireMessage::RUN_RESULT: {
      auto m = in.getRunResult();
      return wire::RunResult{m.getRunId(),
                             m.getOk(),
                             text(m.getErrorKey()),
                             text(m.getErrorOp()),
                             text(m.getErrorMessage()),
                             read_inputs(r, m.getOutputs()),
                             m.getKind()};
    }
    case WireMessage::FETCH_REQUEST: {
      auto m = in.getFetchRequest();
      return wire::FetchRequest{m.getRequestId(), read_keys(r, m.getKeys()), m.getRunId(),
                                read_ids(m.getTaskIds())};
    }
    case WireMessage::FETCH_REPLY: {
      auto m = in.getFetchReply();
      wire::FetchReply out{m.getRequestId(), {}, read_keys(r, m.getMissing()), m.getRunId()};
      for (auto kv : m.getValues()) {
        out.values.push_back(
            {r.key(kv.getKey()), read_value(kv.getValue(), 0, r.max_nesting), kv.getTaskId()});
      }
      return out;
    }
    case WireMessage::HEARTBEAT: {
      auto m = in.getHeartbeat();
      return wire::Heartbeat{text(m.getWorker()), m.getRunning(),     m.getQueued(),
                             m.getMemoryBytes(),  m.getMemoryLimit(), m.getSpilledBytes(),
                             m.getSentAtNs()};
    }
    case WireMessage::REGISTER_WORKER: {
      auto m = in.getRegisterWorker();
      wire::RegisterWorker out{text(m.getName()), text(m.getHost()),  m.getPort(),
                               m.getThreads(),    m.getMemoryLimit(), {}};
      for (auto op : m.getOps()) out.ops.push_back(text(op));
      return out;
    }
  }
  fail("unknown wire message tag " + std::to_string(static_cast<unsigned>(in.which())));
}

}  // namespace
}  // namespace shoal::detail

namespace shoal {

std::vector<std::byte> encode_wire(const wire::Message& message) {
  detail::VectorMessageBuilder builder(detail::estimate(message));
  std::visit(detail::Writer{builder.initRoot<schema::WireMessage>()}, message);
  return builder.finish();
}

wire::Message decode_wire(std::span<const std::byte> bytes, const DecodeLimits& limits) {
  // Pointer hops per level as for graphs (tasks and values inside).
  return detail::read_message(bytes, limits, "decode_wire", 6, [&](capnp::MessageReader& reader) {
    detail::GraphReader r{limits.max_nesting, {}};
    return detail::read(r, reader.getRoot<schema::WireMessage>());
  });
}

}  // namespace shoal
