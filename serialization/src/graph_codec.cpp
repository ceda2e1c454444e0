// Task graphs to Cap'n Proto (schema/graph.capnp) and back.
#include "shoal/graph_codec.h"

#include <cstring>
#include <string>
#include <unordered_map>

#include "graph.capnp.h"
#include "graph_capnp.h"
#include "message_io.h"
#include "shoal/op.h"
#include "value_capnp.h"

namespace shoal::detail {

void write_key(schema::Key::Builder out, const Key& key) {
  auto name = out.initName(static_cast<unsigned>(key.name().size()));
  if (!key.name().empty()) std::memcpy(name.begin(), key.name().data(), key.name().size());
  auto index = out.initIndex(static_cast<unsigned>(key.index().size()));
  for (std::size_t i = 0; i < key.index().size(); ++i) index.set(i, key.index()[i]);
}

void write_arg(schema::Arg::Builder out, const Arg& arg) {
  if (arg.is_literal()) {
    write_value(out.initLiteral(), arg.literal());
  } else if (arg.is_ref()) {
    write_key(out.initRef(), arg.ref());
  } else {
    auto items = out.initList(static_cast<unsigned>(arg.items().size()));
    for (std::size_t i = 0; i < arg.items().size(); ++i) write_arg(items[i], arg.items()[i]);
  }
}

void write_task(schema::Task::Builder out, const Task& task) {
  write_key(out.initKey(), task.key);
  if (task.op) {
    if (task.op->local_only) {
      throw EncodeError("task " + task.key.str() + ": op '" + task.op->name +
                        "' exists only in this process (a C++ lambda) and cannot be encoded; "
                        "register a named op instead");
    }
    out.setOp(task.op->name);
  }
  auto args = out.initArgs(static_cast<unsigned>(task.args.size()));
  for (std::size_t i = 0; i < task.args.size(); ++i) write_arg(args[i], task.args[i]);
  if (task.params) {
    auto params = out.initParams(static_cast<unsigned>(task.params->size()));
    unsigned i = 0;
    for (const auto& [name, value] : *task.params) {
      params[i].setName(name);
      write_value(params[i].initValue(), value);
      ++i;
    }
  }
  if (task.prelude) {
    auto prelude = out.initPrelude(static_cast<unsigned>(task.prelude->size()));
    for (std::size_t i = 0; i < task.prelude->size(); ++i)
      write_task(prelude[i], (*task.prelude)[i]);
  }
}

std::size_t estimate_arg(const Arg& arg) {
  if (arg.is_literal()) return 16 + estimate_bytes(arg.literal());
  if (arg.is_ref()) return 64 + arg.ref().name().size();
  std::size_t n = 32;
  for (const Arg& a : arg.items()) n += estimate_arg(a);
  return n;
}

std::size_t estimate_task(const Task& task) {
  std::size_t n = 128 + task.key.name().size() + (task.op ? task.op->name.size() : 0);
  for (const Arg& a : task.args) n += estimate_arg(a);
  if (task.params) {
    for (const auto& [name, value] : *task.params) n += 48 + name.size() + estimate_bytes(value);
  }
  if (task.prelude) {
    for (const Task& t : *task.prelude) n += estimate_task(t);
  }
  return n;
}

}  // namespace shoal::detail

namespace shoal {

std::vector<std::byte> encode_graph(const Graph& graph) {
  std::size_t estimate = 64;
  for (const Task& t : graph.tasks()) estimate += detail::estimate_task(t);
  detail::VectorMessageBuilder builder(estimate);
  auto tasks = builder.initRoot<schema::Graph>().initTasks(static_cast<unsigned>(graph.size()));
  for (std::size_t i = 0; i < graph.size(); ++i) detail::write_task(tasks[i], graph.tasks()[i]);
  return builder.finish();
}

Graph decode_graph(std::span<const std::byte> bytes, const DecodeLimits& limits) {
  // Pointer hops per level: task -> prelude list -> task, arg -> list -> arg,
  // and a literal value's own lists inside; 6 per level covers them all.
  return detail::read_message(bytes, limits, "decode_graph", 6, [&](capnp::MessageReader& reader) {
    detail::GraphReader r{limits.max_nesting, {}};
    auto tasks = reader.getRoot<schema::Graph>().getTasks();
    Graph g;
    g.reserve(tasks.size());
    for (auto t : tasks) g.add(r.task(t, 0));
    return g;
  });
}

}  // namespace shoal
