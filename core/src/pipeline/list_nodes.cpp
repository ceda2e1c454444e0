// The ops a pipeline file or the studio wires into a text workflow: read a
// file's lines, map or flat-map a named element function over a list, count
// the distinct elements, keep the k largest. Each node works on a whole list
// (one task); inside it runs the same Bag on an InlineExecutor, as
// table.read_csv runs a DataFrame, so that a pipeline counts words with
// Bag's kernels and gets Bag's results (orders and ties included).
#include "pipeline/node_ops.h"
#include "pipeline/node_spec.h"
#include "shoal/bag.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"
#include "shoal/op.h"

namespace shoal::detail {
namespace {

using Type = ParamSpec::Type;

// One partition: the op's task is already the unit of work.
Bag bag_of(const Value& items) {
  return Bag::from_sequence(items.as_list(), 1);
}

Value run(const Bag& bag) {
  InlineExecutor inline_executor;
  return Value(bag.compute(inline_executor));
}

Func func_of(const char* op, const Params& p) {
  const std::string& name = p.at("func").as_string();
  if (name.empty()) {
    throw Error(std::string(op) +
                ": parameter 'func' is empty; name an element function such as str.lower");
  }
  return Func(name, p.get_or("arg", Value()));
}

Value read_text_op(OpContext&, std::span<const Value>, const Params& p) {
  // blocksize 0: the whole file in one partition.
  TextOptions o{.blocksize = 0, .compression = p.get_or("compression", Value("auto")).as_string()};
  return run(Bag::read_text(p.at("path").as_string(), o));
}

Value map_op(OpContext&, std::span<const Value> a, const Params& p) {
  return run(bag_of(a[0]).map(func_of("list.map", p)));
}

Value flat_map_op(OpContext&, std::span<const Value> a, const Params& p) {
  return run(bag_of(a[0]).flat_map(func_of("list.flat_map", p)));
}

Value frequencies_op(OpContext&, std::span<const Value> a, const Params&) {
  return run(bag_of(a[0]).frequencies());
}

Value topk_op(OpContext&, std::span<const Value> a, const Params& p) {
  std::int64_t k = p.get_or("k", Value(10)).as_int();
  std::int64_t by = p.get_or("by", Value(-1)).as_int();
  if (k < 0) throw Error("list.topk: parameter 'k' is " + std::to_string(k) + "; give 0 or more");
  if (by < -1)
    throw Error("list.topk: parameter 'by' is " + std::to_string(by) +
                "; give an item index, or -1");
  Func key = by < 0 ? Func() : Func(static_cast<int>(by));
  return run(bag_of(a[0]).topk(static_cast<std::size_t>(k), key));
}

// The built-in element functions, for the doc of `func`.
std::string function_names() {
  std::string out;
  for (const auto& [name, doc] : bag_functions()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::vector<ParamSpec> func_params(const char* fallback, const char* what) {
  return {param("func", Type::kString,
                std::string(what) + ": a built-in element function (" + function_names() +
                    ") or an op registered with SHOAL_FUNCTION.",
                Value(fallback)),
          param("arg", Type::kAny,
                "The function's argument, if it takes one (the separator of str.split).")};
}

}  // namespace

void register_list_nodes(OpRegistry& r) {
  const PortSpec items{"items", "list", "The elements."};
  r.add(whole_value_op(
      "list.read_text", "Text",
      "The lines of a text file (or of the files a glob matches), "
      "without line terminators; .gz files are decompressed.",
      {}, "list",
      {param("path", Type::kPath, "The file, or a glob such as logs/*.txt.", {}, true),
       choice("compression", "gzip for .gz names when auto.", {"auto", "gzip", "none"}, "auto")},
      read_text_op));
  r.add(whole_value_op("list.map", "Text", "`func` of each element (e.g. str.lower).", {items},
                       "list", func_params("str.lower", "The function"), map_op));
  r.add(whole_value_op(
      "list.flat_map", "Text",
      "The items of `func` of each element, in order (e.g. str.split: lines to words).", {items},
      "list", func_params("str.split", "A function returning a list"), flat_map_op));
  r.add(whole_value_op("list.frequencies", "Text",
                       "[element, count] per distinct element, in order of first appearance.",
                       {items}, "list", {}, frequencies_op));
  r.add(whole_value_op(
      "list.topk", "Text",
      "The `k` largest elements, largest first; ties keep the earlier element. With `by` = 1 on "
      "frequencies' pairs: the k most frequent.",
      {items}, "list",
      {ranged(param("k", Type::kInt, "How many to keep.", Value(10)), 0),
       ranged(param("by", Type::kInt,
                    "Rank by item `by` of each element (a list); -1 ranks the "
                    "elements themselves.",
                    Value(-1)),
              -1)},
      topk_op));
}

}  // namespace shoal::detail
