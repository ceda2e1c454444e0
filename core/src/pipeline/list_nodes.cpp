// The nodes a pipeline file or the studio wires into a text workflow. Each
// lowers by calling the Bag method it names: read_text and read_json_lines
// make partitions of about `blocksize` bytes, and map, filter, flat_map and
// flatten fuse into the next partition-wide step (frequencies, topk,
// distinct, count, to_textfiles), as they do in C++. Named `list.*`, not
// `text.*`: that prefix belongs to the text plugin.
#include "pipeline/node_ops.h"
#include "pipeline/node_spec.h"
#include "shoal/bag.h"
#include "shoal/error.h"
#include "shoal/pipeline.h"

namespace shoal::detail {
namespace {

using Type = ParamSpec::Type;
constexpr const char* kIn = "items";

Func func_of(const NodeLowering& n) {
  const std::string& name = n.params().at("func").as_string();
  if (name.empty()) n.fail("func", "empty; name an element function such as str.lower");
  return Func(name, n.params().get_or("arg", Value()));
}

TextOptions text_options(const NodeLowering& n) {
  return {.blocksize = static_cast<std::size_t>(n.params().at("blocksize").as_int()),
          .compression = n.params().at("compression").as_string()};
}

// Wraps a Bag method so that a bad function name names the parameter.
template <class F>
void with_func(NodeLowering& n, F step) {
  Func f = func_of(n);
  try {
    n.set_output(step(n.bag(kIn), f));
  } catch (const Error& e) {
    n.fail("func", e.what());
  }
}

void topk_node(NodeLowering& n) {
  std::int64_t by = n.params().at("by").as_int();
  Func key = by < 0 ? Func() : Func(static_cast<int>(by));
  n.set_output(n.bag(kIn).topk(static_cast<std::size_t>(n.params().at("k").as_int()), key));
}

void count_node(NodeLowering& n) {
  BagItem c = n.bag(kIn).count();
  n.set_output(LazyValue{c.layers(), c.key()});
}

void to_textfiles_node(NodeLowering& n) {
  BagItem paths = n.bag(kIn).to_textfiles(n.params().at("path").as_string(), TextWriteOptions{});
  n.set_output(LazyValue{paths.layers(), paths.key()});
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

std::vector<ParamSpec> read_params() {
  return {param("path", Type::kPath, "The file, or a glob such as logs/*.txt.", {}, true),
          ranged(param("blocksize", Type::kInt,
                       "Bytes per partition, cut at line ends; 0: one partition per file.",
                       Value(std::int64_t{64} << 20)),
                 0),
          choice("compression", "gzip for .gz names when auto (a gzip file is one partition).",
                 {"auto", "gzip", "none"}, "auto")};
}

Op list_node(std::string name, std::string doc, std::vector<PortSpec> inputs,
             std::vector<ParamSpec> params, NodeLoweringFunction lower,
             std::string out_type = "bag") {
  return node_op(std::move(name), "Text", std::move(doc), std::move(inputs), std::move(out_type),
                 std::move(params), std::move(lower));
}

void register_steps(OpRegistry& r) {
  const PortSpec in{kIn, "bag", "The elements."};
  r.add(list_node("list.map", "`func` of each element (e.g. str.lower).", {in},
                  func_params("str.lower", "The function"), [](NodeLowering& n) {
                    with_func(n, [](const Bag& b, const Func& f) { return b.map(f); });
                  }));
  r.add(list_node("list.filter", "The elements for which `func` is true (e.g. len).", {in},
                  func_params("len", "The predicate"), [](NodeLowering& n) {
                    with_func(n, [](const Bag& b, const Func& f) { return b.filter(f); });
                  }));
  r.add(list_node("list.flat_map",
                  "The items of `func` of each element, in order (e.g. str.split: lines to "
                  "words).",
                  {in}, func_params("str.split", "A function returning a list"),
                  [](NodeLowering& n) {
                    with_func(n, [](const Bag& b, const Func& f) { return b.flat_map(f); });
                  }));
  r.add(list_node("list.flatten", "Elements that are lists replaced by their items.", {in}, {},
                  [](NodeLowering& n) { n.set_output(n.bag(kIn).flatten()); }));
}

void register_reductions(OpRegistry& r) {
  const PortSpec in{kIn, "bag", "The elements."};
  r.add(list_node("list.frequencies",
                  "[element, count] per distinct element, in order of first appearance.", {in}, {},
                  [](NodeLowering& n) { n.set_output(n.bag(kIn).frequencies()); }));
  r.add(list_node(
      "list.topk",
      "The `k` largest elements, largest first; ties keep the earlier element. With `by` = 1 on "
      "frequencies' pairs: the k most frequent.",
      {in},
      {ranged(param("k", Type::kInt, "How many to keep.", Value(10)), 0),
       ranged(param("by", Type::kInt,
                    "Rank by item `by` of each element (a list); -1 ranks the "
                    "elements themselves.",
                    Value(-1)),
              -1)},
      topk_node));
  r.add(list_node("list.distinct", "Each distinct element once, in order of first appearance.",
                  {in}, {}, [](NodeLowering& n) { n.set_output(n.bag(kIn).distinct()); }));
  r.add(list_node("list.count", "The number of elements.", {in}, {}, count_node, "int64"));
  r.add(list_node("list.to_textfiles",
                  "Writes partition i (strings, one a line) to `path` with its '*' replaced by "
                  "i; gives the paths written.",
                  {in}, {param("path", Type::kPath, "A pattern such as out/part-*.txt.", {}, true)},
                  to_textfiles_node, "list"));
}

}  // namespace

void register_list_nodes(OpRegistry& r) {
  r.add(list_node("list.read_text",
                  "The lines of text files (a file or a glob), without line terminators; .gz "
                  "files are decompressed.",
                  {}, read_params(), [](NodeLowering& n) {
                    n.set_output(
                        Bag::read_text(n.params().at("path").as_string(), text_options(n)));
                  }));
  r.add(list_node(
      "list.read_json", "One value per line of JSON-lines files (objects become records).", {},
      read_params(), [](NodeLowering& n) {
        n.set_output(Bag::read_json_lines(n.params().at("path").as_string(), text_options(n)));
      }));
  register_steps(r);
  register_reductions(r);
}

}  // namespace shoal::detail
