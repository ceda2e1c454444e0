// JSON text to Values and back, for Bag's json.parse and json.dumps. The
// JSON library (nlohmann-json) stays inside this file.
#include <nlohmann/json.hpp>

#include "bag/internal.h"
#include "shoal/error.h"

namespace shoal::detail {
namespace {

using Json = nlohmann::ordered_json;  // keeps the fields of objects in their order

Value from_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return Value();
    case Json::value_t::boolean:
      return Value(j.get<bool>());
    case Json::value_t::number_integer:
      return Value(static_cast<long long>(j.get<std::int64_t>()));
    case Json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<long long>(u));
      return Value(static_cast<double>(u));
    }
    case Json::value_t::number_float:
      return Value(j.get<double>());
    case Json::value_t::string:
      return Value(j.get_ref<const std::string&>());
    case Json::value_t::array: {
      List items;
      items.reserve(j.size());
      for (const auto& x : j) items.push_back(from_json(x));
      return Value(std::move(items));
    }
    case Json::value_t::object: {
      std::vector<Record::Field> fields;
      fields.reserve(j.size());
      for (const auto& [name, x] : j.items()) fields.emplace_back(name, from_json(x));
      return Value(Record(std::move(fields)));
    }
    default:
      throw Error("json.parse: binary JSON values are not supported");
  }
}

Json to_json(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return nullptr;
    case ValueKind::kBool:
      return v.as_bool();
    case ValueKind::kInt:
      return v.as_int();
    case ValueKind::kFloat:
      return v.as_float();
    case ValueKind::kString:
      return v.as_string();
    case ValueKind::kList: {
      Json a = Json::array();
      for (const Value& x : v.as_list()) a.push_back(to_json(x));
      return a;
    }
    case ValueKind::kRecord: {
      Json o = Json::object();
      for (const auto& [name, x] : v.as_record()) o[name] = to_json(x);
      return o;
    }
    default:
      throw TypeError("json.dumps: a " + std::string(kind_name(v.kind())) +
                      " value has no JSON form; map it first");
  }
}

}  // namespace

Value parse_json(std::string_view text) {
  // Duplicate names keep the last value, as Python's json.loads does.
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    std::string what = e.what();
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    throw Error("malformed JSON: " + what);
  }
  return from_json(j);
}

std::string dump_json(const Value& v) {
  return to_json(v).dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace shoal::detail
