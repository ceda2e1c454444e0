// Helpers shared by the files that build collection graphs and their ops
// (private to core).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shoal/graph.h"
#include "shoal/key.h"
#include "shoal/op.h"
#include "shoal/params.h"
#include "shoal/task.h"

namespace shoal::detail {

/// A task of the registered op `op`.
inline Task make_task(Key key, const std::string& op, std::vector<Arg> args,
                      std::shared_ptr<const Params> params) {
  Task t;
  t.key = std::move(key);
  t.op = OpRegistry::global().get(op);
  t.args = std::move(args);
  t.params = std::move(params);
  return t;
}

/// The token of a step: its op, parameters and parents, so equal work gets
/// equal keys.
inline std::string token_of(const std::string& op, const Params& p,
                            const std::vector<Key>& parents) {
  Tokenizer t;
  t.add(op);
  for (const auto& [name, v] : p) t.add(name).add(v);
  for (const Key& k : parents) t.add(k);
  return t.hex();
}

/// The strings of a parameter: a list of strings, one string, or none
/// (null). Throws TypeError for anything else.
inline std::vector<std::string> strings_of(const Value& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return {v.as_string()};
  std::vector<std::string> out;
  for (const Value& x : v.as_list()) out.push_back(x.as_string());
  return out;
}

/// A list value of strings.
inline List names_value(const std::vector<std::string>& names) {
  List l;
  for (const auto& n : names) l.emplace_back(n);
  return l;
}

}  // namespace shoal::detail
