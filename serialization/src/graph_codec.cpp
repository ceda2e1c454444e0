// Task graphs to Cap'n Proto (schema/graph.capnp) and back.
#include "shoal/graph_codec.h"

#include <cstring>
#include <string>
#include <unordered_map>

#include "graph.capnp.h"
#include "message_io.h"
#include "shoal/op.h"
#include "value_capnp.h"

namespace shoal::detail {

namespace {


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
    for (std::size_t i = 0; i < task.prelude->size(); ++i) write_task(prelude[i], (*task.prelude)[i]);
  }
}

std::size_t estimate_task(const Task& task);

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

/// Reading state: the nesting limit and one placeholder op per unknown name.
struct GraphReader {
  int max_nesting;
  std::unordered_map<std::string, OpPtr> ops;

  OpPtr op(std::string name) {
    if (name.empty()) return nullptr;
    auto it = ops.find(name);
    if (it != ops.end()) return it->second;
    OpPtr found = OpRegistry::global().find(name);
    if (!found) found = placeholder(name);
    ops.emplace(std::move(name), found);
    return found;
  }

  static OpPtr placeholder(const std::string& name) {
    auto op = std::make_shared<Op>();
    op->name = name;
    op->doc = "Not registered in this process (decoded from a graph).";
    op->fn = [name](OpContext&, std::span<const Value>, const Params&) -> Value {
      throw Error("unknown op '" + name + "': register it or load the plugin that provides it");
    };
    return op;
  }

  void check_depth(int depth, const char* what) const {
    if (depth > max_nesting) {
      fail(std::string(what) + " nest deeper than the limit of " + std::to_string(max_nesting) +
           " (DecodeLimits::max_nesting)");
    }
  }

  Key key(schema::Key::Reader in) {
    auto index_in = in.getIndex();
    if (index_in.size() > Key::kMaxIndex) {
      fail("key index of " + std::to_string(index_in.size()) + " entries; at most " +
           std::to_string(Key::kMaxIndex));
    }
    std::vector<std::int64_t> index;
    for (std::int64_t i : index_in) index.push_back(i);
    auto name = in.getName();
    return Key(std::string(name.begin(), name.size()), std::span<const std::int64_t>(index));
  }

  Arg arg(schema::Arg::Reader in, int depth) {
    switch (in.which()) {
      case schema::Arg::LITERAL: return Arg(read_value(in.getLiteral(), 0, max_nesting));
      case schema::Arg::REF: return Arg(key(in.getRef()));
      case schema::Arg::LIST: {
        check_depth(depth + 1, "argument lists");
        auto items = in.getList();
        std::vector<Arg> out;
        out.reserve(items.size());
        for (auto item : items) out.push_back(arg(item, depth + 1));
        return Arg(std::move(out));
      }
    }
    fail("unknown argument kind tag " + std::to_string(static_cast<unsigned>(in.which())));
  }

  Task task(schema::Task::Reader in, int depth) {
    Task t;
    t.key = key(in.getKey());
    auto op_name = in.getOp();
    t.op = op(std::string(op_name.begin(), op_name.size()));
    auto args = in.getArgs();
    t.args.reserve(args.size());
    for (auto a : args) t.args.push_back(arg(a, 0));
    if (in.hasParams()) {
      auto params = std::make_shared<Params>();
      for (auto p : in.getParams()) {
        auto name = p.getName();
        params->set(std::string(name.begin(), name.size()), read_value(p.getValue(), 0, max_nesting));
      }
      t.params = std::move(params);
    }
    if (in.hasPrelude()) {
      check_depth(depth + 1, "preludes");
      auto prelude = std::make_shared<std::vector<Task>>();
      prelude->reserve(in.getPrelude().size());
      for (auto p : in.getPrelude()) prelude->push_back(task(p, depth + 1));
      t.prelude = std::move(prelude);
    }
    return t;
  }
};

}  // namespace

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
