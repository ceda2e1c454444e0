// DataFrame: a lazy, partitioned table — a task graph whose output keys are
// the partitions (one Table each), plus the schema they will have.
//
//   auto df = shoal::read_csv("trips.csv");
//   auto big = df[df["x"] > 0.5].assign("z", df["x"] * 2);
//   shoal::Table t = big.groupby({"key"}).agg({{"x", "mean"}, {"y", "sum"}}).compute();
//
// Every method returns a new DataFrame that shares its parent's graph and
// adds tasks; nothing runs until compute() or persist(). Tasks name
// registered ops ("dataframe.filter", ...) and carry expressions as data,
// so the graph runs on any executor, remote workers included. Reductions
// run as trees: a partial per partition, combines of up to 8 partials,
// one finalize. Results of groupby are sorted by key, as pandas does, and
// rows whose key is null are dropped (pandas' dropna=True).
//
// Methods that take an Executor run part of the graph now (sort_values
// samples its input to choose boundaries, as Dask does; to_csv writes);
// their overloads that take an options struct instead run nothing and add
// the same work as tasks, as pipelines need.
//
// A DataFrame is immutable and may be shared between threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "shoal/aggregation.h"
#include "shoal/executor.h"
#include "shoal/expr.h"
#include "shoal/graph.h"
#include "shoal/join.h"
#include "shoal/schema.h"
#include "shoal/table.h"
#include "shoal/table_kernels.h"

namespace shoal {

class GroupBy;
class DataFrame;

/// The lazy sort_values / set_index: the boundaries between output
/// partitions come from a task that reads samples of every partition, so
/// nothing runs when the frame is built (the input partitions are held
/// until the boundaries are known, where the eager form reads them twice).
struct SortOptions {
  std::size_t npartitions = 0;  ///< Output partitions; 0: as many as the input.
};

/// The lazy to_csv.
struct CsvWriteOptions {
  char delimiter = ',';
};

/// How merge() joins. `broadcast_threshold`: a side of at most this many
/// partitions is concatenated once and joined against every partition of
/// the other side (no shuffle); 0 never broadcasts. Larger sides are both
/// hash-shuffled on `on` into `npartitions` (0: the larger side's count).
struct MergeOptions {
  std::vector<std::string> on;
  JoinHow how = JoinHow::kInner;
  std::pair<std::string, std::string> suffixes{"_x", "_y"};
  std::size_t broadcast_threshold = 4;
  std::size_t npartitions = 0;
};

/// pandas' merge on partitions (see join.h for the row semantics). Lazy.
/// Throws shoal::Error now when a key is missing or its types differ.
DataFrame merge(const DataFrame& left, const DataFrame& right, const MergeOptions& options);

class DataFrame {
 public:
  using Layers = std::vector<std::shared_ptr<const Graph>>;

  /// A frame whose partitions are `keys` of the union of `layers`.
  DataFrame(Layers layers, std::vector<Key> keys, Schema schema);
  /// A frame of in-memory partitions (tests, small lookup tables).
  static DataFrame from_tables(const std::vector<Table>& partitions);

  const Schema& schema() const noexcept { return schema_; }
  const std::vector<std::string>& columns() const noexcept { return schema_.names; }
  std::size_t npartitions() const noexcept { return keys_.size(); }
  const std::vector<Key>& keys() const noexcept { return keys_; }
  const Layers& layers() const noexcept { return layers_; }
  /// All tasks the partitions need, merged into one graph.
  Graph graph() const;

  /// The column `name` as an expression; throws shoal::Error when absent.
  Expr operator[](const std::string& name) const;
  Expr operator[](const char* name) const { return (*this)[std::string(name)]; }
  /// Rows where mask is true.
  DataFrame operator[](const Expr& mask) const { return filter(mask); }
  DataFrame filter(const Expr& mask) const;
  /// Adds or replaces columns, evaluated left to right.
  DataFrame assign(std::vector<std::pair<std::string, Expr>> columns) const;
  DataFrame assign(std::string name, Expr e) const {
    return assign({{std::move(name), std::move(e)}});
  }
  DataFrame select(std::vector<std::string> names) const;
  DataFrame drop(const std::vector<std::string>& names) const;
  DataFrame rename(const std::map<std::string, std::string>& names) const;

  GroupBy groupby(std::vector<std::string> keys) const;
  /// One-row frame of the aggregations over every row.
  DataFrame agg(std::vector<Aggregation> aggs) const;
  // One-row frames of one reduction of every column it applies to (numbers
  // for sum/mean/var/std; every column for the others).
  DataFrame sum() const { return reduce_all("sum"); }
  DataFrame mean() const { return reduce_all("mean"); }
  DataFrame count() const { return reduce_all("count"); }
  DataFrame min() const { return reduce_all("min"); }
  DataFrame max() const { return reduce_all("max"); }
  DataFrame var() const { return reduce_all("var"); }
  DataFrame std() const { return reduce_all("std"); }
  DataFrame nunique() const { return reduce_all("nunique"); }
  DataFrame first() const { return reduce_all("first"); }
  DataFrame last() const { return reduce_all("last"); }
  /// Distinct values of `column` and their counts ("count"), most frequent
  /// first (ties by value).
  DataFrame value_counts(const std::string& column) const;

  /// The number of rows (runs the graph, as len() does in Dask).
  std::int64_t size(Executor& executor) const;
  std::int64_t size() const { return size(default_executor()); }
  /// The first n rows, computing partitions one at a time, only as many as needed.
  Table head(std::size_t n, Executor& executor) const;
  Table head(std::size_t n = 5) const { return head(n, default_executor()); }
  /// Lazy head: a one-partition frame of the first n rows of the first
  /// `npartitions` partitions (0: all), as Dask's head(n, npartitions,
  /// compute=False). Those partitions are computed; the others are not.
  DataFrame limit(std::size_t n, std::size_t npartitions = 1) const;

  /// The partitions, concatenated.
  Table compute(Executor& executor) const;
  Table compute() const { return compute(default_executor()); }
  /// The partitions, computed now and held, so later work reuses them.
  DataFrame persist(Executor& executor) const;
  DataFrame persist() const { return persist(default_executor()); }

  /// A frame of one task per partition of `op` (a registered op taking a
  /// table), with the given parameters and result schema. How DataFrame's
  /// methods — and extensions — add per-partition work.
  DataFrame map_partitions(const std::string& op, Params params, Schema schema) const;

  // Shuffles and layout (dataframe_shuffle.cpp). A shuffle is one graph
  // pattern: each input partition is split into n pieces (by hash or by
  // value range), and output partition j concatenates piece j of every
  // input. Its cost is n × inputs small tables, paid in memory only while
  // the pieces wait for their readers.

  /// The rows moved so that equal values of `on` share a partition:
  /// `npartitions` partitions (0: as many as now). Lazy.
  DataFrame shuffle(std::vector<std::string> on, std::size_t npartitions = 0) const;
  /// The same rows in `npartitions` partitions, in order: fewer by
  /// concatenating neighbours, more by cutting partitions into equal
  /// slices. Lazy.
  DataFrame repartition(std::size_t npartitions) const;
  /// The rows sorted by `by` (stable; nulls last, as pandas). Like Dask,
  /// this runs the graph once now to sample the first key and choose the
  /// partition boundaries (quantiles), then returns a lazy frame whose
  /// partition i holds values below partition i + 1's.
  DataFrame sort_values(std::vector<SortKey> by, Executor& executor) const;
  DataFrame sort_values(const std::string& by, bool ascending = true) const {
    return sort_values({SortKey{by, ascending}}, default_executor());
  }
  /// The same sort, lazily (see SortOptions). divisions() stays null: the
  /// boundaries are known only when the graph runs.
  DataFrame sort_values(std::vector<SortKey> by, const SortOptions& options) const;
  /// Sorted by `column`, which becomes the frame's index: it moves to the
  /// first position and divisions() tells which values each partition
  /// holds (partition i: divisions[i-1] <= value < divisions[i]).
  DataFrame set_index(const std::string& column, Executor& executor) const;
  DataFrame set_index(const std::string& column) const {
    return set_index(column, default_executor());
  }
  /// The same, lazily: sorted by `column`, which moves first and is the
  /// index, with unknown divisions() (null), as Dask's sorted=False frames.
  DataFrame set_index(const std::string& column, const SortOptions& options) const;
  /// The index column's name; empty when the frame has no index.
  const std::string& index_name() const noexcept { return index_; }
  /// The sorted boundaries between partitions of a frame made by
  /// set_index (npartitions() - 1 values); null otherwise.
  std::shared_ptr<const Column> divisions() const noexcept { return divisions_; }

  /// count, mean, std, min, 25%, 50%, 75%, max of every numeric column, as
  /// pandas' describe(): a "stat" column, then one float64 column each.
  /// Quantiles are exact (linear interpolation): the last task holds the
  /// numeric columns' values, 8 bytes a row each.
  DataFrame describe() const;

  /// Writes the frame as CSV, in pandas' to_csv(index=False) format: with a
  /// `*` in `pattern`, one file per partition, `*` replaced by the partition
  /// number; without, one file, each partition written to a part file
  /// beside it and the parts joined in order, so no task holds the whole
  /// frame. Every file is written to a temporary name and renamed, so a
  /// failure leaves no partial file. Returns the paths written.
  std::vector<std::string> to_csv(const std::string& pattern, Executor& executor) const;
  std::vector<std::string> to_csv(const std::string& pattern) const {
    return to_csv(pattern, default_executor());
  }
  /// The same, lazily: a one-partition frame of the files written (columns
  /// "path" and "rows"), whose tasks write when it is computed.
  DataFrame to_csv(const std::string& pattern, const CsvWriteOptions& options) const;

 private:
  friend class GroupBy;
  friend DataFrame merge(const DataFrame&, const DataFrame&, const MergeOptions&);
  DataFrame reduce_all(const std::string& func) const;
  DataFrame aggregate(const std::vector<std::string>& keys, std::vector<Aggregation> aggs,
                      bool by_count, std::size_t split_out = 1) const;
  DataFrame aggregate_shuffled(const std::vector<std::string>& keys, const Params& p,
                               std::size_t split_out, Schema out) const;
  /// The frame with `g` added and its partitions replaced by `keys`.
  DataFrame with_layer(std::shared_ptr<Graph> g, std::vector<Key> keys, Schema schema) const;
  /// Input partitions split by `split_op` (a list of n tables each), then
  /// gathered: output j concatenates piece j of every input.
  DataFrame exchange(const std::string& split_op, Params params, std::size_t n, Schema schema,
                     std::vector<Arg> extra_args = {}) const;

  Layers layers_;
  std::vector<Key> keys_;
  Schema schema_;
  std::string index_;
  std::shared_ptr<const Column> divisions_;
};

/// A DataFrame grouped by key columns; agg() makes the grouped frame.
class GroupBy {
 public:
  GroupBy(DataFrame frame, std::vector<std::string> keys);
  DataFrame agg(std::vector<Aggregation> aggs) const;
  /// With many groups: the partial results are hash-shuffled by key into
  /// `split_out` partitions, each combined and finalized on its own (each
  /// sorted by key; no order across partitions, as Dask's split_out).
  DataFrame agg(std::vector<Aggregation> aggs, std::size_t split_out) const;
  /// Column → func, e.g. {{"x", "mean"}, {"y", "sum"}}: outputs named by column.
  DataFrame agg(std::initializer_list<std::pair<std::string, std::string>> aggs) const;
  DataFrame sum() const { return all("sum"); }
  DataFrame mean() const { return all("mean"); }
  DataFrame count() const { return all("count"); }
  DataFrame min() const { return all("min"); }
  DataFrame max() const { return all("max"); }
  DataFrame var() const { return all("var"); }
  DataFrame std() const { return all("std"); }
  DataFrame nunique() const { return all("nunique"); }
  DataFrame first() const { return all("first"); }
  DataFrame last() const { return all("last"); }
  /// Rows per group, as column "size".
  DataFrame size() const;

 private:
  DataFrame all(const std::string& func) const;
  DataFrame frame_;
  std::vector<std::string> keys_;
};

}  // namespace shoal
