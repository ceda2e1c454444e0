// Bag: building the graph. Element-wise steps accumulate on the bag; each
// partition-wide operation adds one bag.apply task per partition that runs
// them into its sink, then a tree of bag.combine tasks or a shuffle.
#include "shoal/bag.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "bag/internal.h"
#include "graph/collection_graph.h"
#include "io/file_glob.h"
#include "shoal/error.h"

namespace shoal {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kFanIn = 8;
using detail::make_task;

Value func_value(const Func& f) {
  return Value(List{Value(f.name), f.arg});
}

bool is_gzip(const std::string& path, const std::string& compression) {
  if (compression == "gzip") return true;
  if (compression == "none") return false;
  if (compression != "auto") {
    throw Error("read_text: unknown compression '" + compression +
                "'; use \"auto\", \"gzip\" or \"none\"");
  }
  return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
}

DataType infer_type(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
      return DataType::kBool;
    case ValueKind::kInt:
      return DataType::kInt64;
    case ValueKind::kFloat:
      return DataType::kFloat64;
    default:
      return DataType::kString;
  }
}

}  // namespace

Bag::Bag(Layers layers, std::vector<Part> parts, List steps)
    : layers_(std::move(layers)), parts_(std::move(parts)), steps_(std::move(steps)) {}

Bag Bag::from_sequence(const List& values, std::size_t npartitions) {
  std::size_t n = npartitions ? npartitions : std::max<std::size_t>(1, (values.size() + 99) / 100);
  Tokenizer tok;
  tok.add(Value(values)).add(static_cast<std::int64_t>(n));
  Key base("from-sequence-" + tok.hex());
  auto g = std::make_shared<Graph>();
  std::vector<Part> parts;
  for (std::size_t i = 0; i < n; ++i) {
    auto b = values.begin() + static_cast<std::ptrdiff_t>(values.size() * i / n);
    auto e = values.begin() + static_cast<std::ptrdiff_t>(values.size() * (i + 1) / n);
    parts.push_back({base.with_index({static_cast<std::int64_t>(i)}), Value()});
    g->add(make_task(parts.back().key, "identity", {Arg(Value(List(b, e)))}, nullptr));
  }
  return Bag({g}, std::move(parts));
}

Bag Bag::read_text(const std::vector<std::string>& paths, const TextOptions& o) {
  std::vector<Part> parts;
  for (const auto& path : detail::expand_paths(paths, "read_text")) {
    auto size = static_cast<std::int64_t>(fs::file_size(path));
    auto mtime = static_cast<std::int64_t>(fs::last_write_time(path).time_since_epoch().count());
    bool gz = is_gzip(path, o.compression);
    auto block = gz || o.blocksize == 0 || size == 0 ? std::max<std::int64_t>(size, 1)
                                                     : static_cast<std::int64_t>(o.blocksize);
    for (std::int64_t b = 0; b < std::max<std::int64_t>(size, 1); b += block) {
      parts.push_back({Key(), Value(List{Value(path), Value(b), Value(std::min(size, b + block)),
                                         Value(gz), Value(mtime)})});
    }
  }
  return Bag({}, std::move(parts));
}

Bag Bag::read_text(const std::string& path, const TextOptions& o) {
  return read_text(std::vector<std::string>{path}, o);
}

Bag Bag::read_json_lines(const std::vector<std::string>& paths, const TextOptions& o) {
  return read_text(paths, o).map("json.parse");
}

Bag Bag::read_json_lines(const std::string& path, const TextOptions& o) {
  return read_json_lines(std::vector<std::string>{path}, o);
}

Bag Bag::with_step(const char* kind, const Func& f) const {
  detail::Function(f.name, f.arg, detail::Function::Arity::kUnary,
                   std::string("bag.") + kind);  // throws when unknown
  List steps = steps_;
  steps.push_back(Value(List{Value(kind), Value(f.name), f.arg}));
  return Bag(layers_, parts_, std::move(steps));
}

Bag Bag::map(const Func& f) const {
  return with_step("map", f);
}
Bag Bag::filter(const Func& f) const {
  return with_step("filter", f);
}
Bag Bag::flat_map(const Func& f) const {
  return with_step("flat_map", f);
}

Bag Bag::flatten() const {
  List steps = steps_;
  if (!steps.empty() && steps.back().as_list()[0].as_string() == "map") {
    // map(f).flatten() is flat_map(f): it can use f's text splitter.
    const List& last = steps.back().as_list();
    steps.back() = Value(List{Value("flat_map"), last[1], last[2]});
  } else {
    steps.push_back(Value(List{Value("flatten"), Value(""), Value()}));
  }
  return Bag(layers_, parts_, std::move(steps));
}

std::pair<std::shared_ptr<Graph>, std::vector<Key>> Bag::partials(Params sink_params) const {
  sink_params.set("steps", Value(steps_));
  Tokenizer tok;
  for (const auto& [name, v] : sink_params) tok.add(name).add(v);
  for (const Part& p : parts_) p.text.is_null() ? tok.add(p.key) : tok.add(p.text);
  Key base("bag-" + sink_params.at("sink").as_string() + "-" + tok.hex());
  auto shared = std::make_shared<const Params>(sink_params);
  auto g = std::make_shared<Graph>();
  std::vector<Key> keys;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    keys.push_back(base.with_index({static_cast<std::int64_t>(i)}));
    if (parts_[i].text.is_null()) {
      g->add(make_task(keys.back(), "bag.apply", {Arg(parts_[i].key)}, shared));
    } else {
      Params p = sink_params;
      p.set("text", parts_[i].text);
      g->add(make_task(keys.back(), "bag.apply", {}, std::make_shared<const Params>(std::move(p))));
    }
  }
  return {g, keys};
}

std::pair<Bag::Layers, Key> Bag::tree(Params sink_params) const {
  auto [g, level] = partials(sink_params);
  std::string token =
      level.empty() ? "empty" : level[0].name().substr(level[0].name().rfind('-') + 1);
  Key combine("bag-" + sink_params.at("sink").as_string() + "-combine-" + token);
  auto mid = std::make_shared<const Params>(sink_params);
  sink_params.set("final", true);
  auto last = std::make_shared<const Params>(sink_params);
  // At least one combine, so that the final one runs even for one partition.
  for (std::int64_t depth = 0; depth == 0 || level.size() > 1; ++depth) {
    std::vector<Key> next;
    bool final = level.size() <= kFanIn;
    for (std::size_t j = 0; j < std::max<std::size_t>(level.size(), 1); j += kFanIn) {
      std::vector<Arg> inputs;
      for (std::size_t k = j; k < std::min(level.size(), j + kFanIn); ++k)
        inputs.emplace_back(level[k]);
      next.push_back(combine.with_index({depth, static_cast<std::int64_t>(j / kFanIn)}));
      g->add(make_task(next.back(), "bag.combine", std::move(inputs), final ? last : mid));
    }
    level = std::move(next);
  }
  Layers layers = layers_;
  layers.push_back(g);
  return {std::move(layers), level.at(0)};
}

Bag Bag::tree_bag(Params sink_params) const {
  auto [layers, key] = tree(std::move(sink_params));
  return Bag(std::move(layers), {Part{key, Value()}});
}

BagItem Bag::count() const {
  auto [layers, key] = tree(Params{{"sink", "count"}});
  return BagItem(std::move(layers), std::move(key));
}

BagItem Bag::fold(const Func& binop, Value initial, const Func& combine) const {
  detail::Function(binop.name, binop.arg, detail::Function::Arity::kBinary, "fold");
  const Func& c = combine.empty() ? binop : combine;
  detail::Function(c.name, c.arg, detail::Function::Arity::kBinary, "fold");
  auto [layers, key] = tree(Params{{"sink", "fold"},
                                   {"binop", func_value(binop)},
                                   {"combine", func_value(c)},
                                   {"initial", std::move(initial)}});
  return BagItem(std::move(layers), std::move(key));
}

BagItem Bag::reduction(const Func& perpartition, const Func& aggregate) const {
  detail::Function(perpartition.name, perpartition.arg, detail::Function::Arity::kSequence,
                   "reduction");
  detail::Function(aggregate.name, aggregate.arg, detail::Function::Arity::kSequence, "reduction");
  auto [layers, key] = tree(Params{{"sink", "reduction"},
                                   {"perpartition", func_value(perpartition)},
                                   {"aggregate", func_value(aggregate)}});
  return BagItem(std::move(layers), std::move(key));
}

Bag Bag::frequencies() const {
  return tree_bag(Params{{"sink", "frequencies"}});
}
Bag Bag::distinct() const {
  return tree_bag(Params{{"sink", "distinct"}});
}

Bag Bag::topk(std::size_t k, const Func& key) const {
  if (!key.empty()) detail::Function(key.name, key.arg, detail::Function::Arity::kUnary, "topk");
  return tree_bag(
      Params{{"sink", "topk"}, {"k", static_cast<std::int64_t>(k)}, {"key", func_value(key)}});
}

Bag Bag::foldby(const Func& key, const Func& binop, Value initial, const Func& combine,
                Value combine_initial) const {
  detail::Function(key.name, key.arg, detail::Function::Arity::kUnary, "foldby");
  detail::Function(binop.name, binop.arg, detail::Function::Arity::kBinary, "foldby");
  detail::Function(combine.name, combine.arg, detail::Function::Arity::kBinary, "foldby");
  return tree_bag(Params{{"sink", "foldby"},
                         {"key", func_value(key)},
                         {"binop", func_value(binop)},
                         {"initial", std::move(initial)},
                         {"combine", func_value(combine)},
                         {"combine_initial", std::move(combine_initial)}});
}

Bag Bag::groupby(const Func& key, std::size_t npartitions) const {
  detail::Function(key.name, key.arg, detail::Function::Arity::kUnary, "groupby");
  auto n = static_cast<std::int64_t>(npartitions ? npartitions
                                                 : std::max<std::size_t>(parts_.size(), 1));
  auto [g, splits] = partials(Params{{"sink", "split"}, {"key", func_value(key)}, {"n", n}});
  std::vector<Arg> inputs(splits.begin(), splits.end());
  std::string token =
      splits.empty() ? "empty" : splits[0].name().substr(splits[0].name().rfind('-') + 1);
  Key base("bag-group-" + token);
  std::vector<Part> parts;
  for (std::int64_t j = 0; j < n; ++j) {
    parts.push_back({base.with_index({j}), Value()});
    g->add(make_task(parts.back().key, "bag.group", inputs,
                     std::make_shared<const Params>(Params{{"index", j}})));
  }
  Layers layers = layers_;
  layers.push_back(g);
  return Bag(std::move(layers), std::move(parts));
}

Bag Bag::map_partitions(const std::string& op, Params params) const {
  OpRegistry::global().get(op);  // throws naming an unknown op
  std::vector<Key> in = keys();
  Tokenizer tok;
  tok.add(op);
  for (const auto& [name, v] : params) tok.add(name).add(v);
  for (const Key& k : in) tok.add(k);
  Key base(op + "-" + tok.hex());
  auto p = std::make_shared<const Params>(std::move(params));
  auto g = std::make_shared<Graph>(graph());
  std::vector<Part> parts;
  for (std::size_t i = 0; i < in.size(); ++i) {
    parts.push_back({base.with_index({static_cast<std::int64_t>(i)}), Value()});
    g->add(make_task(parts.back().key, op, {Arg(in[i])}, p));
  }
  return Bag({g}, std::move(parts));
}

std::vector<Key> Bag::keys() const {
  bool ready = steps_.empty() && std::all_of(parts_.begin(), parts_.end(),
                                             [](const Part& p) { return p.text.is_null(); });
  if (ready) {
    std::vector<Key> out;
    for (const Part& p : parts_) out.push_back(p.key);
    return out;
  }
  return partials(Params{{"sink", "collect"}}).second;
}

Graph Bag::graph() const {
  Graph g;
  std::set<const Graph*> seen;
  for (const auto& layer : layers_) {
    if (seen.insert(layer.get()).second) g.merge(*layer);
  }
  bool ready = steps_.empty() && std::all_of(parts_.begin(), parts_.end(),
                                             [](const Part& p) { return p.text.is_null(); });
  if (!ready) g.merge(*partials(Params{{"sink", "collect"}}).first);
  return g;
}

Bag Bag::materialized() const {
  bool ready = steps_.empty() && std::all_of(parts_.begin(), parts_.end(),
                                             [](const Part& p) { return p.text.is_null(); });
  if (ready) return *this;
  auto [g, keys] = partials(Params{{"sink", "collect"}});
  Layers layers = layers_;
  layers.push_back(std::move(g));
  return from_partitions(std::move(layers), keys);
}

Bag Bag::from_partitions(Layers layers, const std::vector<Key>& keys) {
  std::vector<Part> parts;
  parts.reserve(keys.size());
  for (const Key& k : keys) parts.push_back({k, Value()});
  return Bag(std::move(layers), std::move(parts));
}

List Bag::compute(Executor& executor) const {
  std::vector<Key> ks = keys();
  List out;
  for (const Value& part : executor.run(graph(), ks))
    out.insert(out.end(), part.as_list().begin(), part.as_list().end());
  return out;
}

Bag Bag::persist(Executor& executor) const {
  std::vector<Key> ks = keys();
  std::vector<Value> values = executor.run(graph(), ks);
  auto g = std::make_shared<Graph>();
  std::vector<Part> parts;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    parts.push_back({ks[i], Value()});
    g->add(make_task(ks[i], "identity", {Arg(values[i])}, nullptr));
  }
  return Bag({g}, std::move(parts));
}

BagItem Bag::to_textfiles(const std::string& pattern, const TextWriteOptions&) const {
  if (pattern.find('*') == std::string::npos) {
    throw Error("to_textfiles: the pattern '" + pattern +
                "' has no '*' for the partition number, e.g. out/part-*.txt");
  }
  Layers layers = layers_;
  std::vector<Arg> writes;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    std::string path = pattern;
    path.replace(path.find('*'), 1, std::to_string(i));
    Bag one(layers_, {parts_[i]}, steps_);
    auto [part_graph, part_keys] = one.partials(Params{{"sink", "write"}, {"path", path}});
    layers.push_back(std::move(part_graph));
    writes.emplace_back(part_keys.at(0));
  }
  Tokenizer tok;
  tok.add("to-textfiles").add(pattern);
  for (const Arg& w : writes) tok.add(w.ref());
  Key key("textfiles-" + tok.hex());
  auto g = std::make_shared<Graph>();
  g->add(make_task(key, "list", std::move(writes), nullptr));
  layers.push_back(std::move(g));
  return BagItem(std::move(layers), key);
}

std::vector<std::string> Bag::to_textfiles(const std::string& pattern, Executor& executor) const {
  List paths = to_textfiles(pattern, TextWriteOptions{}).compute(executor).as_list();
  std::vector<std::string> out;
  for (const Value& p : paths) out.push_back(p.as_string());
  return out;
}

DataFrame Bag::to_dataframe(Schema schema, Executor& executor) const {
  if (schema.names.empty()) {
    Graph g = graph();
    std::vector<Key> ks = keys();
    for (const Key& k : ks) {
      List part = executor.run(g, {&k, 1}).at(0).as_list();
      if (part.empty()) continue;
      const Value& first = part[0];
      if (first.is_record()) {
        for (const auto& [name, v] : first.as_record()) schema.names.push_back(name);
      } else if (first.is_list()) {
        for (std::size_t i = 0; i < first.as_list().size(); ++i)
          schema.names.push_back(std::to_string(i));
      } else {
        throw Error("to_dataframe: element " + first.repr() +
                    " is neither a record nor a list; map it to one");
      }
      for (std::size_t c = 0; c < schema.names.size(); ++c) {
        DataType t = DataType::kString;
        for (const Value& e : part) {
          const Value* v =
              e.is_record() ? e.as_record().find(schema.names[c])
                            : (e.is_list() && c < e.as_list().size() ? &e.as_list()[c] : nullptr);
          if (v && !v->is_null()) {
            t = infer_type(*v);
            break;
          }
        }
        schema.types.push_back(t);
      }
      break;
    }
    if (schema.names.empty()) throw Error("to_dataframe: the bag is empty; pass a schema");
  }
  if (schema.types.size() != schema.names.size())
    throw Error("to_dataframe: the schema needs a type per name");
  List names, types;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    names.emplace_back(schema.names[i]);
    types.emplace_back(std::string(type_name(schema.types[i])));
  }
  auto [g, ks] =
      partials(Params{{"sink", "table"}, {"names", Value(names)}, {"types", Value(types)}});
  Layers layers = layers_;
  layers.push_back(g);
  return DataFrame(std::move(layers), std::move(ks), std::move(schema));
}

Graph BagItem::graph() const {
  Graph g;
  std::set<const Graph*> seen;
  for (const auto& layer : layers_) {
    if (seen.insert(layer.get()).second) g.merge(*layer);
  }
  return g;
}

Value BagItem::compute(Executor& executor) const {
  return executor.run(graph(), {&key_, 1}).at(0);
}

}  // namespace shoal
