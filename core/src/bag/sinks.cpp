// The sinks that end a fused Bag chain — one per partition-wide
// operation — and how their partials merge in the reduction tree.
#include <algorithm>
#include <unordered_map>

#include "bag/internal.h"
#include "bag/text_table.h"
#include "shoal/column_builder.h"
#include "shoal/error.h"
#include "shoal/schema.h"
#include "shoal/table.h"

namespace shoal::detail {
namespace {

using ValueIndex = std::unordered_map<Value, std::size_t, ValueHash>;

Function param_fn(const Params& p, const char* name, Function::Arity arity) {
  const List& f = p.at(name).as_list();
  return Function(f.at(0).as_string(), f.at(1), arity, "bag." + p.at("sink").as_string());
}

class CollectSink : public Sink {
 public:
  void push(const Value& v) override { out_.push_back(v); }
  Value finish() override { return Value(std::move(out_)); }

 private:
  List out_;
};

class CountSink : public Sink {
 public:
  void push(std::string_view) override { ++n_; }
  void push_words(std::string_view text) override {
    for_each_word(text, [this](std::string_view) { ++n_; });
  }
  void push(const Value&) override { ++n_; }
  Value finish() override { return Value(n_); }

 private:
  std::int64_t n_ = 0;
};

// A partial of frequencies or distinct whose keys are all strings: a table
// ("value", and "count" for frequencies) — a few allocations, where a list
// of pairs would take three per distinct word.
Value text_partial(const TextTable& keys, const std::vector<std::int64_t>& n, bool counts) {
  ColumnBuilder values(DataType::kString, keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) values.append_string(keys.key(i));
  if (!counts) return Value(Table({"value"}, {values.finish_shared()}));
  return Value(Table({"value", "count"}, {values.finish_shared(),
                                          std::make_shared<const Column>(Column::from_int64(n))}));
}

// Distinct elements, first appearance first, with their counts. Strings
// (text or Values) count in a TextTable; other values in a hash map.
class TallySink : public Sink {
 public:
  explicit TallySink(bool counts) : counts_(counts) {}
  void push(std::string_view text) override { count(text, text_hash(text)); }
  // Words are hashed a batch ahead of their lookups, with their slots
  // prefetched, so that the cache misses of the rare words overlap.
  void push_words(std::string_view text) override {
    constexpr std::size_t kBatch = 16;
    std::string_view words[kBatch];
    std::uint64_t hashes[kBatch];
    std::size_t n = 0;
    for_each_word(text, [&](std::string_view w) {
      hashes[n] = text_hash(w);
      text_.prefetch(hashes[n]);
      words[n] = w;
      if (++n == kBatch) {
        for (std::size_t i = 0; i < n; ++i) count(words[i], hashes[i]);
        n = 0;
      }
    });
    for (std::size_t i = 0; i < n; ++i) count(words[i], hashes[i]);
  }
  void push(const Value& v) override {
    if (v.is_string()) return push(std::string_view(v.as_string()));
    auto [it, fresh] = values_.try_emplace(v, value_list_.size());
    if (fresh)
      order_.push_back({false, value_list_.size()}), value_list_.push_back(v),
          value_counts_.push_back(0);
    ++value_counts_[it->second];
  }
  Value finish() override {
    if (value_list_.empty()) return text_partial(text_, text_counts_, counts_);
    List out;
    out.reserve(order_.size());
    for (auto [is_text, i] : order_) {
      Value v = is_text ? Value(text_.key(i)) : value_list_[i];
      std::int64_t n = is_text ? text_counts_[i] : value_counts_[i];
      out.push_back(counts_ ? Value(List{std::move(v), Value(n)}) : std::move(v));
    }
    return Value(std::move(out));
  }

 private:
  void count(std::string_view text, std::uint64_t hash) {
    auto [i, fresh] = text_.insert(text, hash);
    if (fresh) order_.push_back({true, i}), text_counts_.push_back(0);
    ++text_counts_[i];
  }
  bool counts_;
  TextTable text_;
  std::vector<std::int64_t> text_counts_;
  ValueIndex values_;
  List value_list_;
  std::vector<std::int64_t> value_counts_;
  std::vector<std::pair<bool, std::size_t>> order_;
};

class FoldSink : public Sink {
 public:
  explicit FoldSink(const Params& p)
      : binop_(param_fn(p, "binop", Function::Arity::kBinary)), acc_(p.at("initial")) {
    has_ = !acc_.is_null();
  }
  void push(const Value& v) override {
    acc_ = has_ ? binop_(acc_, v) : v;
    has_ = true;
  }
  Value finish() override { return has_ ? Value(List{acc_}) : Value(List{}); }

 private:
  Function binop_;
  Value acc_;
  bool has_ = false;
};

class ReductionSink : public Sink {
 public:
  explicit ReductionSink(const Params& p)
      : per_(param_fn(p, "perpartition", Function::Arity::kSequence)) {}
  void push(const Value& v) override { items_.push_back(v); }
  Value finish() override { return per_.over(items_); }

 private:
  Function per_;
  List items_;
};

// Keeps the k best [key, element] pairs; ties go to the earlier element.
class TopkSink : public Sink {
 public:
  explicit TopkSink(const Params& p) : k_(static_cast<std::size_t>(p.at("k").as_int())) {
    if (!p.at("key").as_list().at(0).as_string().empty())
      key_ = param_fn(p, "key", Function::Arity::kUnary), keyed_ = true;
  }
  void push(const Value& v) override {
    Entry e{keyed_ ? key_(v) : v, v, seq_++};
    if (heap_.size() < k_) {
      heap_.push_back(std::move(e));
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (k_ > 0 && better(e, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = std::move(e);
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }
  Value finish() override {
    std::sort(heap_.begin(), heap_.end(), better);
    List out;
    for (auto& e : heap_) out.push_back(Value(List{std::move(e.key), std::move(e.elem)}));
    return Value(std::move(out));
  }

 private:
  struct Entry {
    Value key, elem;
    std::uint64_t seq;
  };
  static bool better(const Entry& a, const Entry& b) {
    int c = compare_values(a.key, b.key);
    return c > 0 || (c == 0 && a.seq < b.seq);
  }
  std::size_t k_;
  bool keyed_ = false;
  Function key_;
  std::vector<Entry> heap_;  // a heap whose front is the worst kept
  std::uint64_t seq_ = 0;
};

class FoldbySink : public Sink {
 public:
  explicit FoldbySink(const Params& p)
      : key_(param_fn(p, "key", Function::Arity::kUnary)),
        binop_(param_fn(p, "binop", Function::Arity::kBinary)),
        initial_(p.at("initial")) {}
  void push(const Value& v) override {
    Value k = key_(v);
    auto [it, fresh] = index_.try_emplace(k, keys_.size());
    if (fresh) keys_.push_back(k), accs_.push_back(initial_);
    accs_[it->second] = binop_(accs_[it->second], v);
  }
  Value finish() override {
    List out;
    for (std::size_t i = 0; i < keys_.size(); ++i) out.push_back(Value(List{keys_[i], accs_[i]}));
    return Value(std::move(out));
  }

 private:
  Function key_, binop_;
  Value initial_;
  ValueIndex index_;
  List keys_, accs_;
};

// groupby's first half: [key, element] pairs in one bucket per output
// partition, chosen by the key's hash (the same in every process).
class SplitSink : public Sink {
 public:
  explicit SplitSink(const Params& p)
      : key_(param_fn(p, "key", Function::Arity::kUnary)),
        buckets_(static_cast<std::size_t>(p.at("n").as_int())) {}
  void push(const Value& v) override {
    Value k = key_(v);
    buckets_[k.hash() % buckets_.size()].push_back(Value(List{std::move(k), v}));
  }
  Value finish() override {
    List out;
    for (auto& b : buckets_) out.push_back(Value(std::move(b)));
    return Value(std::move(out));
  }

 private:
  Function key_;
  std::vector<List> buckets_;
};

class WriteSink : public Sink {
 public:
  explicit WriteSink(const Params& p) : path_(p.at("path").as_string()) {}
  void push(std::string_view text) override {
    text_.append(text);
    text_ += '\n';
  }
  void push(const Value& v) override {
    if (!v.is_string()) {
      throw TypeError("to_textfiles: element " + v.repr() + " is a " +
                      std::string(kind_name(v.kind())) +
                      ", not a string; map \"json.dumps\" or \"str\" first");
    }
    push(std::string_view(v.as_string()));
  }
  Value finish() override {
    write_text_file(path_, text_);
    return Value(path_);
  }

 private:
  std::string path_;
  std::string text_;
};

class TableSink : public Sink {
 public:
  explicit TableSink(const Params& p) {
    for (const Value& n : p.at("names").as_list()) names_.push_back(n.as_string());
    for (const Value& t : p.at("types").as_list())
      builders_.emplace_back(parse_type_name(t.as_string()));
  }
  void push(const Value& v) override {
    for (std::size_t i = 0; i < names_.size(); ++i) append(i, field(v, i), v);
  }
  Value finish() override {
    std::vector<std::shared_ptr<const Column>> cols;
    for (auto& b : builders_) cols.push_back(b.finish_shared());
    return Value(Table(names_, std::move(cols)));
  }

 private:
  const Value& field(const Value& v, std::size_t i) const {
    static const Value null;
    if (v.is_record()) {
      const Value* f = v.as_record().find(names_[i]);
      return f ? *f : null;
    }
    if (v.is_list()) return i < v.as_list().size() ? v.as_list()[i] : null;
    throw TypeError("to_dataframe: element " + v.repr() + " is neither a record nor a list");
  }
  void append(std::size_t i, const Value& x, const Value& elem) {
    ColumnBuilder& b = builders_[i];
    if (x.is_null()) return b.append_null();
    switch (b.type()) {
      case DataType::kBool:
        if (x.is_bool()) return b.append_bool(x.as_bool());
        break;
      case DataType::kInt64:
      case DataType::kTimestamp:
        if (x.is_int()) return b.append_int64(x.as_int());
        break;
      case DataType::kFloat64:
        if (x.is_number()) return b.append_float64(x.as_float());
        break;
      case DataType::kString:
        if (x.is_string()) return b.append_string(x.as_string());
        break;
    }
    throw TypeError("to_dataframe: column '" + names_[i] + "' is " +
                    std::string(type_name(b.type())) + ", but element " + elem.repr() + " has " +
                    x.repr() + "; pass a schema that fits or map the elements first");
  }
  std::vector<std::string> names_;
  std::vector<ColumnBuilder> builders_;
};

// ---- merging partials ----

// Strings merge through a TextTable (no Value hashing), others through a
// hash map; partials are tables of strings (see text_partial) or lists.
// While every key is a string and this is not the final merge, the merged
// partial is a table again.
Value merge_tally(std::span<const Value> partials, bool counts, bool final) {
  TextTable text;
  std::vector<std::int64_t> text_n;
  ValueIndex index;
  List values;
  std::vector<std::int64_t> value_n;
  std::vector<std::pair<bool, std::size_t>> order;
  auto add_text = [&](std::string_view key, std::int64_t n) {
    auto [i, fresh] = text.insert(key);
    if (fresh) order.push_back({true, i}), text_n.push_back(0);
    text_n[i] += n;
  };
  for (const Value& p : partials) {
    if (p.is_table()) {
      const Table& t = p.as_table();
      const Column& keys = t.column(0);
      for (std::size_t r = 0; r < t.num_rows(); ++r)
        add_text(keys.string_at(r), counts ? t.column(1).int64s()[r] : 1);
      continue;
    }
    for (const Value& e : p.as_list()) {
      const Value& key = counts ? e.as_list()[0] : e;
      std::int64_t n = counts ? e.as_list()[1].as_int() : 1;
      if (key.is_string()) {
        add_text(key.as_string(), n);
        continue;
      }
      auto [it, fresh] = index.try_emplace(key, values.size());
      if (fresh)
        order.push_back({false, values.size()}), values.push_back(key), value_n.push_back(0);
      value_n[it->second] += n;
    }
  }
  if (values.empty() && !final) return text_partial(text, text_n, counts);
  List out;
  out.reserve(order.size());
  for (auto [is_text, i] : order) {
    Value v = is_text ? Value(text.key(i)) : values[i];
    out.push_back(counts ? Value(List{std::move(v), Value(is_text ? text_n[i] : value_n[i])})
                         : std::move(v));
  }
  return Value(std::move(out));
}

Value merge_topk(std::span<const Value> partials, const Params& p, bool final) {
  List all;
  for (const Value& x : partials) all.insert(all.end(), x.as_list().begin(), x.as_list().end());
  std::stable_sort(all.begin(), all.end(), [](const Value& a, const Value& b) {
    return compare_values(a.as_list()[0], b.as_list()[0]) > 0;
  });
  all.resize(std::min<std::size_t>(all.size(), static_cast<std::size_t>(p.at("k").as_int())));
  if (final) {
    for (Value& v : all) v = v.as_list()[1];
  }
  return Value(std::move(all));
}

Value merge_foldby(std::span<const Value> partials, const Params& p, bool final) {
  Function combine = param_fn(p, "combine", Function::Arity::kBinary);
  ValueIndex index;
  List keys, accs;
  for (const Value& x : partials) {
    for (const Value& e : x.as_list()) {
      const List& kv = e.as_list();
      auto [it, fresh] = index.try_emplace(kv[0], keys.size());
      if (fresh)
        keys.push_back(kv[0]), accs.push_back(kv[1]);
      else
        accs[it->second] = combine(accs[it->second], kv[1]);
    }
  }
  List out;
  const Value& ci = p.at("combine_initial");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out.push_back(Value(List{keys[i], final ? combine(ci, accs[i]) : accs[i]}));
  }
  return Value(std::move(out));
}

Value merge_fold(std::span<const Value> partials, const Params& p, bool final) {
  Function combine = param_fn(p, "combine", Function::Arity::kBinary);
  Value acc;
  bool has = false;
  for (const Value& x : partials) {
    for (const Value& v : x.as_list()) {
      acc = has ? combine(acc, v) : v;
      has = true;
    }
  }
  if (!final) return has ? Value(List{acc}) : Value(List{});
  if (!has) throw Error("fold: the bag is empty and no initial value was given; pass one");
  return acc;
}

}  // namespace

std::unique_ptr<Sink> make_sink(const Params& p) {
  const std::string& s = p.at("sink").as_string();
  if (s == "collect") return std::make_unique<CollectSink>();
  if (s == "count") return std::make_unique<CountSink>();
  if (s == "frequencies") return std::make_unique<TallySink>(true);
  if (s == "distinct") return std::make_unique<TallySink>(false);
  if (s == "fold") return std::make_unique<FoldSink>(p);
  if (s == "reduction") return std::make_unique<ReductionSink>(p);
  if (s == "topk") return std::make_unique<TopkSink>(p);
  if (s == "foldby") return std::make_unique<FoldbySink>(p);
  if (s == "split") return std::make_unique<SplitSink>(p);
  if (s == "write") return std::make_unique<WriteSink>(p);
  if (s == "table") return std::make_unique<TableSink>(p);
  throw Error("bag.apply: unknown sink '" + s + "'");
}

Value combine_partials(std::span<const Value> partials, const Params& p) {
  const std::string& s = p.at("sink").as_string();
  bool final = p.get_or("final", Value(false)).as_bool();
  if (s == "count") {
    std::int64_t n = 0;
    for (const Value& v : partials) n += v.as_int();
    return Value(n);
  }
  if (s == "frequencies") return merge_tally(partials, true, final);
  if (s == "distinct") return merge_tally(partials, false, final);
  if (s == "topk") return merge_topk(partials, p, final);
  if (s == "foldby") return merge_foldby(partials, p, final);
  if (s == "fold") return merge_fold(partials, p, final);
  if (s == "reduction") {
    return param_fn(p, "aggregate", Function::Arity::kSequence)
        .over(List(partials.begin(), partials.end()));
  }
  throw Error("bag.combine: sink '" + s + "' has no combine");
}

}  // namespace shoal::detail
