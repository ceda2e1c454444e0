#include "pipeline/conversions.h"

#include "graph/collection_graph.h"
#include "shoal/error.h"

namespace shoal::detail {
namespace {

LazyValue gather_array(const Array& a) {
  Array one = a.rechunk(a.shape());
  return LazyValue{one.layers(), one.keys().at(0)};
}

}  // namespace

LazyValue one_task(std::vector<std::shared_ptr<const Graph>> layers, const char* op,
                   const std::vector<Key>& keys) {
  Tokenizer tok;
  tok.add(op);
  for (const Key& k : keys) tok.add(k);
  std::string name(op);
  Key key(name.substr(name.find('.') + 1) + "-" + tok.hex());
  auto g = std::make_shared<Graph>();
  g->add(make_task(key, op, std::vector<Arg>(keys.begin(), keys.end()), nullptr));
  layers.push_back(std::move(g));
  return LazyValue{std::move(layers), key};
}

std::string_view port_kind(std::string_view port_type) noexcept {
  if (port_type == "dataframe" || port_type == "bag" || port_type == "array") return port_type;
  return "value";
}

LazyValue gather(const NodeOutput& output) {
  if (const auto* v = std::get_if<LazyValue>(&output)) return *v;
  if (const auto* df = std::get_if<DataFrame>(&output))
    return one_task(df->layers(), "dataframe.concat", df->keys());
  if (const auto* a = std::get_if<Array>(&output)) return gather_array(*a);
  Bag b = std::get<Bag>(output).materialized();
  return one_task(b.layers(), "bag.concat", b.keys());
}

Bag as_bag(const NodeOutput& output, const std::string& where) {
  if (const auto* b = std::get_if<Bag>(&output)) return *b;
  if (const auto* v = std::get_if<LazyValue>(&output))
    return Bag::from_partitions(v->layers, {v->key});
  throw Error(where + " takes a bag, but its input is a " + std::string(output_kind(output)) +
              "; connect a node that gives a bag or a list");
}

std::vector<Key> partition_keys(const NodeOutput& output) {
  if (const auto* v = std::get_if<LazyValue>(&output)) return {v->key};
  if (const auto* df = std::get_if<DataFrame>(&output)) return df->keys();
  if (const auto* a = std::get_if<Array>(&output)) return a->keys();
  return std::get<Bag>(output).materialized().keys();
}

bool has_pending_steps(const NodeOutput& output) {
  const auto* b = std::get_if<Bag>(&output);
  return b && b->materialized().layers().size() != b->layers().size();
}

std::vector<std::shared_ptr<const Graph>> layers_of(const NodeOutput& output, bool materialize) {
  if (const auto* v = std::get_if<LazyValue>(&output)) return v->layers;
  if (const auto* df = std::get_if<DataFrame>(&output)) return df->layers();
  if (const auto* a = std::get_if<Array>(&output)) return a->layers();
  const Bag& b = std::get<Bag>(output);
  return materialize ? b.materialized().layers() : b.layers();
}

}  // namespace shoal::detail
