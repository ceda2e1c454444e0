// Small builders for the metadata of the node ops of pipelines (table.*,
// list.*, tensor.*): the studio's palette and property editor and
// Pipeline::problems() read it, so every op spells its ports and parameters
// the same way. Private to core.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shoal/op.h"
#include "shoal/pipeline.h"

namespace shoal::detail {

/// A parameter; `fallback` is its default (null: none).
inline ParamSpec param(std::string name, ParamSpec::Type type, std::string doc, Value fallback = {},
                       bool required = false) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.doc = std::move(doc);
  p.default_value = std::move(fallback);
  p.required = required;
  return p;
}

/// A number parameter with a range (either bound may be absent).
inline ParamSpec ranged(ParamSpec p, std::optional<double> min, std::optional<double> max = {}) {
  p.min = min;
  p.max = max;
  return p;
}

/// A choice parameter.
inline ParamSpec choice(std::string name, std::string doc, std::vector<std::string> choices,
                        std::string fallback) {
  ParamSpec p =
      param(std::move(name), ParamSpec::Type::kChoice, std::move(doc), Value(std::move(fallback)));
  p.choices = std::move(choices);
  return p;
}

/// A node op of one output port `out` of type `out_type`, in palette group
/// `group`, lowered by `lower` (see NodeLowering in shoal/pipeline.h).
inline Op node_op(std::string name, std::string group, std::string doc,
                  std::vector<PortSpec> inputs, std::string out_type, std::vector<ParamSpec> params,
                  NodeLoweringFunction lower) {
  Op op;
  op.name = std::move(name);
  op.doc = std::move(doc);
  op.group = std::move(group);
  op.inputs = std::move(inputs);
  op.outputs = {PortSpec{"out", std::move(out_type)}};
  op.params = std::move(params);
  op.lower = std::move(lower);
  return op;
}

/// The strings of a list parameter, each checked to be a string: a node's
/// error names the parameter.
std::vector<std::string> string_list(const NodeLowering& n, const char* name);

/// "column:rest" items of a list parameter split at the first ':'.
std::vector<std::pair<std::string, std::string>> colon_pairs(const NodeLowering& n,
                                                             const char* name);

}  // namespace shoal::detail
