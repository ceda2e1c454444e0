// Bag: a lazy, partitioned collection of arbitrary values (records, strings,
// numbers, lists), in the manner of dask.bag — for semi-structured data such
// as log lines and JSON records, before it is regular enough for a DataFrame.
//
//   auto words = shoal::Bag::read_text("logs/*.txt").map("str.lower").flat_map("str.split");
//   shoal::List top = words.frequencies().topk(10, 1).compute();   // [["the", 812], ...]
//
// Functions are passed BY NAME: element functions built into Shoal
// ("str.split", "json.parse", "len", ...; see bag_functions()) or any op
// registered with SHOAL_FUNCTION (one argument, or two for fold's binop), so
// that a bag's graph runs on remote workers. Func carries a name and an
// optional argument, e.g. Func("str.split", ",") or Func(1) (item 1).
//
// Element-wise steps (map, filter, flat_map, flatten, pluck) are not tasks of
// their own: they are recorded on the bag and fused into the one task per
// partition that the next partition-wide operation (a reduction, a shuffle,
// compute) adds, so a partition is read, transformed and reduced in one pass.
// Text read by read_text stays in the file's pages while it flows through
// the fused steps: functions with text fast paths (str.split, str.strip,
// str.contains, json.parse, ...) and frequencies/distinct/count never make
// a Value per word. See docs/bag.md.
//
// Reductions run as trees (a partial per partition, combines of up to 8
// partials, a finalize); results that are bags have one partition. Orders
// are deterministic: frequencies, distinct and foldby list keys by first
// appearance (partition order, then element order); topk breaks ties by
// first appearance; groupby lists groups by first appearance within each
// output partition, whose assignment is the key's hash.
//
// A Bag is immutable and may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shoal/dataframe.h"
#include "shoal/executor.h"
#include "shoal/graph.h"
#include "shoal/schema.h"
#include "shoal/value.h"
#include "shoal/value_traits.h"

namespace shoal {

/// A function named in a registry, with an optional argument passed to it
/// after the element (the separator of str.split, the index of getitem).
struct Func {
  std::string name;
  Value arg;

  Func() = default;
  Func(const char* n) : name(n) {}
  Func(std::string n, Value a = {}) : name(std::move(n)), arg(std::move(a)) {}
  /// Item `index` of a list element: Func("getitem", index).
  Func(int index) : name("getitem"), arg(index) {}
  bool empty() const noexcept { return name.empty(); }
};

/// The names of the built-in element functions with a line of doc each, for
/// error messages, `shoal ops`-like listings and the docs.
std::vector<std::pair<std::string, std::string>> bag_functions();

/// How read_text splits and decodes files.
struct TextOptions {
  /// Bytes per partition; files are cut at line boundaries. 0 = one
  /// partition per file.
  std::size_t blocksize = 64 << 20;
  /// "auto" (gzip for names ending in .gz), "gzip" or "none". A gzip file is
  /// one partition: it cannot be cut without decompressing it.
  std::string compression = "auto";
};

class BagItem;

/// The lazy to_textfiles (no options yet: the struct selects the overload).
struct TextWriteOptions {};

class Bag {
 public:
  using Layers = std::vector<std::shared_ptr<const Graph>>;

  /// Values cut into `npartitions` partitions of nearly equal length (0: up
  /// to 100 values a partition, as Dask).
  static Bag from_sequence(const List& values, std::size_t npartitions = 0);
  template <class T>
  static Bag from_sequence(const std::vector<T>& values, std::size_t npartitions = 0) {
    return from_sequence(to_value(values).as_list(), npartitions);
  }
  /// The lines of text files (paths, or glob patterns such as "logs/*.txt"),
  /// without their line terminators ("\n" or "\r\n"). Throws shoal::Error
  /// naming a path that does not exist or a pattern that matches nothing.
  static Bag read_text(const std::vector<std::string>& paths, const TextOptions& options = {});
  static Bag read_text(const std::string& path, const TextOptions& options = {});
  /// read_text(...).map("json.parse"): one Value per line; objects become
  /// Records. A malformed line fails the run naming its file and line.
  static Bag read_json_lines(const std::vector<std::string>& paths,
                             const TextOptions& options = {});
  static Bag read_json_lines(const std::string& path, const TextOptions& options = {});

  std::size_t npartitions() const noexcept { return parts_.size(); }

  // Element-wise steps, fused (see above). Each checks that its function
  // exists and throws shoal::Error naming it otherwise.
  Bag map(const Func& f) const;
  /// The elements for which f is true (Python's truthiness: non-zero,
  /// non-empty, not null).
  Bag filter(const Func& f) const;
  /// map(f) then flatten(): f returns a list whose items become elements.
  Bag flat_map(const Func& f) const;
  /// Elements that are lists are replaced by their items.
  Bag flatten() const;
  /// Field `field` of record elements.
  Bag pluck(const std::string& field) const { return map(Func("getitem", Value(field))); }
  /// Item `index` of list elements.
  Bag pluck(int index) const { return map(Func(index)); }
  /// A task per partition running op (a registered op taking the partition's
  /// List and returning a List) with `params`.
  Bag map_partitions(const std::string& op, Params params = {}) const;

  // Reductions (trees of fan-in 8).
  BagItem count() const;
  /// Folds each partition with binop(acc, x) from `initial`, then the
  /// partials with `combine` (binop when empty). With a null initial the
  /// first element starts the fold and an empty bag is an error.
  BagItem fold(const Func& binop, Value initial = {}, const Func& combine = {}) const;
  /// perpartition (a sequence function: a list to a value, e.g. "sum",
  /// "count", "max") of each partition, then aggregate of the partials.
  BagItem reduction(const Func& perpartition, const Func& aggregate) const;
  /// [element, count] pairs, one per distinct element.
  Bag frequencies() const;
  /// The k largest elements by key(element) (the element itself when key is
  /// empty), largest first.
  Bag topk(std::size_t k, const Func& key = {}) const;
  Bag distinct() const;
  /// [key, [elements...]] per distinct key(element), by hash shuffle: each
  /// partition splits its elements by hash of the key into `npartitions`
  /// buckets (0: as many as this bag has), output partition j gathers bucket j
  /// of every partition. Elements keep their order within a group.
  Bag groupby(const Func& key, std::size_t npartitions = 0) const;
  /// [key, value] per distinct key(element): each partition folds its
  /// elements per key with binop from initial; partials merge per key with
  /// combine, and the result is combine(combine_initial, merged). For a
  /// tree, combine must be associative with combine_initial its identity.
  Bag foldby(const Func& key, const Func& binop, Value initial, const Func& combine,
             Value combine_initial) const;

  /// The elements, partitions concatenated.
  List compute(Executor& executor) const;
  List compute() const { return compute(default_executor()); }
  /// The elements as T (std::string, std::int64_t, double, ...); throws
  /// TypeError naming the first element of another kind.
  template <class T>
  std::vector<T> compute_as(Executor& executor) const {
    List all = compute(executor);
    std::vector<T> out;
    out.reserve(all.size());
    for (const Value& v : all) out.push_back(from_value<T>(v));
    return out;
  }
  template <class T>
  std::vector<T> compute_as() const {
    return compute_as<T>(default_executor());
  }
  /// Computes the partitions now and returns a bag that holds them.
  Bag persist(Executor& executor) const;

  /// Writes partition i as lines to `pattern` with its '*' replaced by i
  /// (gzip when it ends in .gz), each file written to a temporary name and
  /// renamed. Elements must be strings (map "json.dumps" first for others).
  /// Runs now; returns the paths written.
  std::vector<std::string> to_textfiles(const std::string& pattern, Executor& executor) const;
  std::vector<std::string> to_textfiles(const std::string& pattern) const {
    return to_textfiles(pattern, default_executor());
  }
  /// The same, lazily: the list of paths written, whose tasks write when it
  /// is computed.
  BagItem to_textfiles(const std::string& pattern, const TextWriteOptions& options) const;
  /// A DataFrame with a row per element: records by field name, lists by
  /// position. With an empty schema the first element of the first
  /// non-empty partition gives names (record fields) and types (inferred
  /// from the values; null-only columns become strings), computed now.
  DataFrame to_dataframe(Schema schema, Executor& executor) const;
  DataFrame to_dataframe(Schema schema = {}) const {
    return to_dataframe(std::move(schema), default_executor());
  }

  /// The graph that computes every partition, with the partitions' keys.
  Graph graph() const;
  std::vector<Key> keys() const;
  /// The graphs this bag's tasks are in (pending element-wise steps and
  /// unread text blocks have no tasks yet: see materialized()).
  const Layers& layers() const noexcept { return layers_; }
  /// The same elements with the pending steps and text blocks made one task
  /// per partition, so that keys() names tasks of layers().
  Bag materialized() const;
  /// A bag whose partition i is the List that keys[i] of `layers` computes.
  static Bag from_partitions(Layers layers, const std::vector<Key>& keys);

  /// Where a partition comes from: a key of the graph, or a block of a text
  /// file read by the fused task itself. Internal to Bag's implementation.
  struct Part {
    Key key;     ///< Set for a computed partition.
    Value text;  ///< Else: [path, begin, end, gzip, mtime] of a text block.
  };

 private:
  friend class BagItem;
  Bag(Layers layers, std::vector<Part> parts, List steps = {});
  Bag with_step(const char* kind, const Func& f) const;
  /// One task per partition running the fused steps into `sink`.
  std::pair<std::shared_ptr<Graph>, std::vector<Key>> partials(Params sink_params) const;
  /// A tree reduction of the partials to one key.
  std::pair<Layers, Key> tree(Params sink_params) const;
  Bag tree_bag(Params sink_params) const;

  Layers layers_;
  std::vector<Part> parts_;
  List steps_;  ///< Pending element-wise steps: [kind, name, arg] each.
};

/// One lazily computed value: the result of a Bag reduction.
class BagItem {
 public:
  BagItem(Bag::Layers layers, Key key) : layers_(std::move(layers)), key_(std::move(key)) {}
  const Key& key() const noexcept { return key_; }
  const Bag::Layers& layers() const noexcept { return layers_; }
  Graph graph() const;
  Value compute(Executor& executor) const;
  Value compute() const { return compute(default_executor()); }
  template <class T>
  T compute_as(Executor& executor) const {
    return from_value<T>(compute(executor));
  }
  template <class T>
  T compute_as() const {
    return compute_as<T>(default_executor());
  }

 private:
  Bag::Layers layers_;
  Key key_;
};

}  // namespace shoal
