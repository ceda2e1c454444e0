// Pipelines to JSON and back through Cap'n Proto's JSON codec and
// schema/pipeline.capnp (see shoal/pipeline_file.h).
#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <cmath>
#include <string>

#include "json_position.h"
#include "pipeline.capnp.h"
#include "shoal/pipeline_file.h"

namespace shoal {
namespace {

using capnp::JsonValue;

constexpr double kMaxExactInt = 9007199254740992.0;  // 2^53

// Node.params is a JsonValue: written and read as the JSON it holds, not as
// the JsonValue struct's own fields.
class RawJsonHandler final : public capnp::JsonCodec::Handler<JsonValue> {
 public:
  void encode(const capnp::JsonCodec&, JsonValue::Reader in,
              JsonValue::Builder out) const override {
    copy(in, out);
  }
  void decode(const capnp::JsonCodec&, JsonValue::Reader in,
              JsonValue::Builder out) const override {
    copy(in, out);
  }

 private:
  static void copy(JsonValue::Reader in, JsonValue::Builder out) {
    switch (in.which()) {
      case JsonValue::NULL_:
        out.setNull();
        break;
      case JsonValue::BOOLEAN:
        out.setBoolean(in.getBoolean());
        break;
      case JsonValue::NUMBER:
        out.setNumber(in.getNumber());
        break;
      case JsonValue::STRING:
        out.setString(in.getString());
        break;
      case JsonValue::ARRAY:
        out.setArray(in.getArray());
        break;
      case JsonValue::OBJECT:
        out.setObject(in.getObject());
        break;
      case JsonValue::CALL:
        out.setCall(in.getCall());
        break;
    }
  }
};

struct Codec {
  RawJsonHandler raw;
  capnp::JsonCodec json;
  Codec() {
    json.setPrettyPrint(true);
    json.setMaxNestingDepth(kMaxNesting + 8);
    json.addTypeHandler(raw);
  }
};

// ---- parameters: Value <-> JSON ----

[[noreturn]] void cannot_save(const PipelineNode& n, const std::string& param,
                              const std::string& why) {
  throw EncodeError("node '" + n.id + "', parameter '" + param + "': " + why +
                    " cannot be saved in a pipeline file; use a number, string, bool or list");
}

void write_param(JsonValue::Builder out, const Value& v, const PipelineNode& n,
                 const std::string& param) {
  switch (v.kind()) {
    case ValueKind::kNull:
      out.setNull();
      return;
    case ValueKind::kBool:
      out.setBoolean(v.as_bool());
      return;
    case ValueKind::kInt:
      if (std::abs(static_cast<double>(v.as_int())) > kMaxExactInt)
        cannot_save(n, param, "an integer beyond 2^53");
      out.setNumber(static_cast<double>(v.as_int()));
      return;
    case ValueKind::kFloat:
      if (!std::isfinite(v.as_float())) cannot_save(n, param, "NaN or infinity");
      out.setNumber(v.as_float());
      return;
    case ValueKind::kString:
      out.setString(v.as_string());
      return;
    case ValueKind::kList: {
      const List& items = v.as_list();
      auto arr = out.initArray(static_cast<unsigned>(items.size()));
      for (std::size_t i = 0; i < items.size(); ++i) write_param(arr[i], items[i], n, param);
      return;
    }
    default:
      cannot_save(n, param, "a " + std::string(kind_name(v.kind())) + " value");
  }
}

Value read_param(JsonValue::Reader in, const std::string& where) {
  switch (in.which()) {
    case JsonValue::NULL_:
      return Value();
    case JsonValue::BOOLEAN:
      return Value(in.getBoolean());
    case JsonValue::NUMBER: {
      double d = in.getNumber();
      if (std::isfinite(d) && std::trunc(d) == d && std::abs(d) <= kMaxExactInt) {
        return Value(static_cast<std::int64_t>(d));
      }
      return Value(d);
    }
    case JsonValue::STRING:
      return Value(std::string(in.getString().cStr(), in.getString().size()));
    case JsonValue::ARRAY: {
      List items;
      for (auto item : in.getArray()) items.push_back(read_param(item, where));
      return Value(std::move(items));
    }
    case JsonValue::OBJECT:
      throw DecodeError(where +
                        " is a JSON object; parameters hold null, bool, number, string or array");
    case JsonValue::CALL:
      throw DecodeError(where + " is not JSON (a function call)");
  }
  throw DecodeError(where + " has an unknown JSON type");
}

// ---- the pipeline ----

void write_node(schema::Node::Builder out, const PipelineNode& n) {
  out.setId(n.id);
  out.setOp(n.op);
  if (!n.label.empty()) out.setLabel(n.label);
  out.setX(std::isfinite(n.x) ? n.x : 0.0);
  out.setY(std::isfinite(n.y) ? n.y : 0.0);
  auto fields = out.initParams().initObject(static_cast<unsigned>(n.params.size()));
  unsigned i = 0;
  for (const auto& [name, value] : n.params) {
    fields[i].setName(name);
    write_param(fields[i].initValue(), value, n, name);
    ++i;
  }
}

std::string text(capnp::Text::Reader t) {
  return std::string(t.cStr(), t.size());
}

PipelineNode read_node(schema::Node::Reader in, std::string_view name, std::size_t index) {
  PipelineNode n;
  n.id = text(in.getId());
  n.op = text(in.getOp());
  n.label = text(in.getLabel());
  n.x = std::isfinite(in.getX()) ? in.getX() : 0.0;
  n.y = std::isfinite(in.getY()) ? in.getY() : 0.0;
  if (!in.hasParams()) return n;
  std::string where =
      std::string(name) + ": node " + std::to_string(index + 1) + " ('" + n.id + "')";
  auto params = in.getParams();
  if (!params.isObject()) throw DecodeError(where + ": \"params\" must be a JSON object");
  for (auto field : params.getObject()) {
    std::string param = text(field.getName());
    n.params.set(param, read_param(field.getValue(), where + ", parameter '" + param + "'"));
  }
  return n;
}

// The "format" of the top-level object, read before anything else so that a
// newer file is refused for its version, not for a field it misreads.
std::uint32_t check_format(const Codec& codec, kj::ArrayPtr<const char> input,
                           std::string_view name) {
  capnp::MallocMessageBuilder raw;
  auto root = raw.initRoot<JsonValue>();
  codec.json.decodeRaw(input, root);
  if (!root.isObject())
    throw DecodeError(std::string(name) + ": not a Shoal pipeline (the JSON is not an object)");
  for (auto field : root.getObject()) {
    if (field.getName() != "format") continue;
    auto v = field.getValue();
    if (!v.isNumber() || !(v.getNumber() >= 1) || std::trunc(v.getNumber()) != v.getNumber()) {
      throw DecodeError(std::string(name) + ": \"format\" must be a positive integer");
    }
    if (v.getNumber() > kPipelineFormatVersion) {
      std::string found =
          v.getNumber() < 1e9 ? std::to_string(static_cast<long long>(v.getNumber())) : "?";
      throw DecodeError(std::string(name) + ": written by a newer Shoal (format " + found +
                        ", this build reads up to " + std::to_string(kPipelineFormatVersion) +
                        "); upgrade Shoal to open it");
    }
    return static_cast<std::uint32_t>(v.getNumber());
  }
  throw DecodeError(std::string(name) + ": not a Shoal pipeline (no \"format\" field)");
}

Pipeline read_pipeline(schema::PipelineFile::Reader in, std::string_view name) {
  Pipeline p;
  p.metadata.name = text(in.getName());
  p.metadata.description = text(in.getDescription());
  std::size_t i = 0;
  for (auto n : in.getNodes()) p.nodes.push_back(read_node(n, name, i++));
  for (auto e : in.getEdges()) {
    p.edges.push_back(
        {{text(e.getFrom()), text(e.getFromPort())}, {text(e.getTo()), text(e.getToPort())}});
  }
  return p;
}

// Format 1 ran every node as one task on a whole value. Its files keep
// their meaning in format 2 with two changes: table.head read the whole
// table (now the first partition by default), and table.to_csv passed its
// table on (now it gives the files written), so readers of a to_csv read
// what it wrote instead.
void migrate_from_format_1(Pipeline& p, std::string_view name, std::vector<std::string>* notes) {
  std::vector<std::string> changed;
  for (PipelineNode& n : p.nodes) {
    if (n.op == "table.head" && !n.params.contains("npartitions")) {
      n.params.set("npartitions", std::int64_t{0});
      changed.push_back("node '" + n.id + "' (table.head) reads every partition");
    }
    if (n.op != "table.to_csv") continue;
    const PipelineEdge* in = nullptr;
    for (const PipelineEdge& e : p.edges)
      if (e.to.node == n.id) in = &e;
    if (!in) continue;
    PortRef source = in->from;
    for (PipelineEdge& e : p.edges) {
      if (e.from.node != n.id) continue;
      e.from = source;
      changed.push_back("node '" + e.to.node + "' reads " + source.node +
                        " directly instead of through table.to_csv '" + n.id + "'");
    }
  }
  if (!notes) return;
  std::string note = std::string(name) +
                     ": a format 1 pipeline, migrated to format 2 (its nodes now run on "
                     "partitions; saving writes format 2)";
  for (const std::string& c : changed) note += "; " + c;
  notes->push_back(std::move(note));
}

}  // namespace

std::string encode_pipeline_json(const Pipeline& pipeline) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::PipelineFile>();
  root.setFormat(kPipelineFormatVersion);
  root.setName(pipeline.metadata.name);
  if (!pipeline.metadata.description.empty()) root.setDescription(pipeline.metadata.description);
  auto nodes = root.initNodes(static_cast<unsigned>(pipeline.nodes.size()));
  for (std::size_t i = 0; i < pipeline.nodes.size(); ++i) write_node(nodes[i], pipeline.nodes[i]);
  auto edges = root.initEdges(static_cast<unsigned>(pipeline.edges.size()));
  for (std::size_t i = 0; i < pipeline.edges.size(); ++i) {
    const PipelineEdge& e = pipeline.edges[i];
    edges[i].setFrom(e.from.node);
    edges[i].setFromPort(e.from.port);
    edges[i].setTo(e.to.node);
    edges[i].setToPort(e.to.port);
  }
  Codec codec;
  kj::String json = codec.json.encode(root.asReader());
  return std::string(json.cStr(), json.size()) + "\n";
}

Pipeline decode_pipeline_json(std::string_view json, std::string_view name,
                              std::vector<std::string>* notes) {
  if (json.size() > kMaxPipelineFileBytes) {
    throw DecodeError(std::string(name) + ": " + std::to_string(json.size()) +
                      " bytes, more than a pipeline file may hold (" +
                      std::to_string(kMaxPipelineFileBytes) + ")");
  }
  kj::ArrayPtr<const char> input(json.data(), json.size());
  Codec codec;
  try {
    std::uint32_t format = 0;
    try {
      format = check_format(codec, input, name);
    } catch (const kj::Exception& e) {
      throw DecodeError(std::string(name) + ": not valid JSON" + detail::json_error_position(json) +
                        " (" + e.getDescription().cStr() + ")");
    }
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<schema::PipelineFile>();
    codec.json.decode(input, root);
    Pipeline p = read_pipeline(root.asReader(), name);
    if (format == 1) migrate_from_format_1(p, name, notes);
    return p;
  } catch (const DecodeError&) {
    throw;
  } catch (const kj::Exception& e) {
    throw DecodeError(std::string(name) + ": not a Shoal pipeline (" + e.getDescription().cStr() +
                      ")");
  } catch (const std::exception& e) {
    throw DecodeError(std::string(name) + ": " + e.what());
  }
}

}  // namespace shoal
