// Internal: Keys, Tasks and Graphs to and from their schema builders and
// readers (graph.capnp), for the codecs of this layer (graph_codec.cpp,
// wire_codec.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "graph.capnp.h"
#include "message_io.h"
#include "shoal/graph.h"
#include "value_capnp.h"

namespace shoal::detail {

void write_key(schema::Key::Builder out, const Key& key);
/// Throws EncodeError for a local_only op.
void write_task(schema::Task::Builder out, const Task& task);
/// About the bytes the encoding of task takes, to size the first segment.
std::size_t estimate_task(const Task& task);

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
      case schema::Arg::LITERAL:
        return Arg(read_value(in.getLiteral(), 0, max_nesting));
      case schema::Arg::REF:
        return Arg(key(in.getRef()));
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
        params->set(std::string(name.begin(), name.size()),
                    read_value(p.getValue(), 0, max_nesting));
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

}  // namespace shoal::detail
