// dataframe.csv_scan: one read_csv block parsed a chunk at a time, each
// chunk pushed through the fused steps, the chunk results merged (see
// scan_fusion.h for when graphs use it).
#include <algorithm>
#include <optional>

#include "dataframe/scan_fusion.h"
#include "graph/collection_graph.h"
#include "io/csv/reader.h"
#include "io/file_reader.h"
#include "shoal/error.h"
#include "shoal/expr.h"
#include "shoal/table_kernels.h"
#include "table/aggregate.h"

namespace shoal::detail {
namespace {

struct Step {
  OpPtr op;
  Params params;
  std::size_t extra = 0;  ///< Arguments after the table, taken in order from the task's.
  /// A filter whose rows are only counted (a num_rows followed it): the
  /// mask's true values are counted and no filtered table is built.
  bool count_only = false;
};

// A filter followed by num_rows counts its mask instead of filtering.
void count_filtered_rows(std::vector<Step>& steps) {
  std::size_t n = steps.size();
  if (n >= 2 && steps[n - 1].op->name == "dataframe.num_rows" &&
      steps[n - 2].op->name == "dataframe.filter") {
    steps.pop_back();
    steps.back().count_only = true;
  }
}

std::int64_t count_true(const Column& mask) {
  auto m = mask.bools();
  std::int64_t n = 0;
  if (mask.null_count() == 0) {
    for (std::uint8_t b : m) n += b != 0;
  } else {
    for (std::size_t i = 0; i < m.size(); ++i) n += m[i] && mask.is_valid(i);
  }
  return n;
}

std::vector<Step> steps_of(const Value& v, const OpContext& ctx) {
  const OpRegistry& registry = ctx.registry ? *ctx.registry : OpRegistry::global();
  std::vector<Step> steps;
  for (const Value& s : v.as_list()) {
    const List& l = s.as_list();
    Step step{registry.get(l.at(0).as_string()), {}, static_cast<std::size_t>(l.at(2).as_int())};
    for (const Value& kv : l.at(1).as_list())
      step.params.set(kv.as_list().at(0).as_string(), kv.as_list().at(1));
    steps.push_back(std::move(step));
  }
  if (steps.empty())
    throw Error("dataframe.csv_scan: no steps; read the block with dataframe.csv_block");
  count_filtered_rows(steps);
  return steps;
}

Value run_steps(OpContext& ctx, const std::vector<Step>& steps, Value v,
                std::span<const Value> extra) {
  std::vector<Value> args;
  for (const Step& s : steps) {
    args.assign(1, std::move(v));
    args.insert(args.end(), extra.begin(), extra.begin() + static_cast<std::ptrdiff_t>(s.extra));
    extra = extra.subspan(s.extra);
    if (s.count_only)
      return Value(count_true(*evaluate(Expr::from_ast(s.params.at("expr")), v.as_table())));
    v = s.op->fn(ctx, args, s.params);
  }
  return v;
}

// Merges the chunks' results into what the last step gives on the whole
// block: partial aggregates combine (every kFanIn, so that many groups do
// not pile up), row counts add, tables concatenate.
class ChunkResults {
 public:
  explicit ChunkResults(const Step& last)
      : last_(last),
        kind_(last.count_only || last.op->name == "dataframe.num_rows" ? kSum
              : last.op->name == "dataframe.agg_partial"               ? kCombine
                                                                       : kConcat) {}

  void add(Value v) {
    if (kind_ == kSum) {
      rows_ += v.as_int();
      return;
    }
    parts_.push_back(v.as_table());
    if (kind_ == kCombine && parts_.size() == kFanIn) parts_ = {combine()};
  }

  Value finish() {
    if (kind_ == kSum) return Value(rows_);
    if (parts_.size() == 1) return Value(std::move(parts_[0]));
    return Value(kind_ == kCombine ? combine() : concat(parts_));
  }

 private:
  static constexpr std::size_t kFanIn = 8;
  Table combine() const {
    return agg_combine(parts_, strings_of(last_.params.at("keys")),
                       aggs_from_value(last_.params.at("aggs")));
  }

  enum Kind { kSum, kCombine, kConcat };
  const Step& last_;
  Kind kind_;
  std::int64_t rows_ = 0;
  std::vector<Table> parts_;
};

// The file column a block's rows can be grouped by while they are parsed:
// when the only step is a partial aggregate by one string column that no
// aggregation reads. The parser then numbers the keys as it meets them and
// the key column is never built (agg_partial_grouped).
std::optional<std::size_t> grouping_column(const std::vector<Step>& steps,
                                           const CsvFileSpec& spec) {
  if (steps.size() != 1 || steps[0].op->name != "dataframe.agg_partial") return std::nullopt;
  auto keys = strings_of(steps[0].params.at("keys"));
  if (keys.size() != 1) return std::nullopt;
  for (const Aggregation& a : aggs_from_value(steps[0].params.at("aggs"))) {
    if (a.column == keys[0]) return std::nullopt;
  }
  for (std::size_t i = 0; i < spec.file_columns.size(); ++i) {
    if (spec.file_columns[i] == keys[0] && spec.keep[i] == DataType::kString) return i;
  }
  return std::nullopt;
}

// One chunk's partial aggregate, grouped while parsed (see grouping_column).
Table grouped_partial(GroupedChunk& c, const Step& step, const StringGroups& groups) {
  return agg_partial_grouped(std::move(c.groups), strings_of(step.params.at("keys"))[0],
                             groups.column(), c.values, aggs_from_value(step.params.at("aggs")));
}

// Bytes a chunk's records are read from past the chunk itself: the record
// that straddles its end must complete inside the buffer.
constexpr std::size_t kSlack = std::size_t{64} << 10;

// The quote characters of the bytes a speculative scan parses that lie
// before its block's nominal end (see csv_scan_op).
struct QuoteCount {
  char quote;
  std::size_t limit;  // the nominal end
  std::int64_t total = 0;
  void add(const char* bytes, std::size_t at, std::size_t next) {
    if (next > limit) next = limit;
    if (next > at) total += count_char({bytes, next - at}, quote);
  }
};

// Parses the chunk [at, at + n) of a block, `parse(begin, end, stop, line)`
// giving a result with the `next` record's start, and returns it with that
// record's file offset; counts the quotes of what it parsed into `quotes`
// (when given), from the bytes in cache. The bytes come from a buffer (file_reader.h) holding
// the chunk and kSlack more; where the straddling record does not complete
// there (it reaches the buffer's end, or fails to parse, before the block's
// end), the chunk is parsed again from the mapping, which holds the whole
// block. `parse` must undo what a first, abandoned parse left behind. A parse
// error is raised again with the true line number, counted only then.
template <class Parse>
auto parse_chunk(FileReader& reader, const MappedFile& f, const BlockRange& r, std::size_t at,
                 std::size_t n, std::int64_t line, QuoteCount* quotes, Parse&& parse) {
  const std::size_t rest = r.end - at;
  const std::size_t want = std::min(n + kSlack, rest);
  std::string_view bytes = reader.read(at, want);
  if (bytes.size() == want) {
    const char* end = bytes.data() + bytes.size();
    const bool final = want == rest;
    try {
      auto c = parse(bytes.data(), end, bytes.data() + n, line);
      const std::size_t next = at + static_cast<std::size_t>(c.next - bytes.data());
      if (final || c.next != end) {
        if (quotes) quotes->add(bytes.data(), at, next);
        return std::pair{std::move(c), next};
      }
    } catch (const Error&) {
      if (final)
        parse(bytes.data(), end, bytes.data() + n, line_at(f, r, at));  // throws, naming the line
    }
  }
  const char* b = f.data() + at;
  const char* e = f.data() + r.end;
  f.advise_sequential(at, n);
  auto c = [&] {
    try {
      return parse(b, e, b + n, line);
    } catch (const Error&) {
      return parse(b, e, b + n, line_at(f, r, at));
    }
  }();
  const std::size_t next = static_cast<std::size_t>(c.next - f.data());
  if (quotes) quotes->add(b, at, next);
  f.release(at, next - at);
  return std::pair{std::move(c), next};
}

// The block's records [r.begin, r.end) through the steps (`extra`: their
// arguments after the table), a chunk at a time.
Value scan_block(OpContext& ctx, const Params& p, const CsvFileSpec& spec, const MappedFile& f,
                 const BlockRange& r, std::span<const Value> extra, QuoteCount* quotes) {
  FileReader reader(spec.path);
  std::vector<Step> steps = steps_of(p.at("steps"), ctx);
  ChunkResults out(steps.back());
  const std::optional<std::size_t> key = grouping_column(steps, spec);
  StringGroups groups;  // a grouping key's numbering, across the block's chunks
  std::size_t at = r.begin;
  std::int64_t line = r.data_line;  // relative until an error needs the true one
  do {                              // an empty block still runs the steps once, on an empty table
    std::size_t n = at < r.end ? std::min(kCsvChunkBytes, r.end - at) : 0;
    if (key) {
      const std::size_t known = groups.size();
      auto [c, next] =
          parse_chunk(reader, f, r, at, n, line, quotes,
                      [&](const char* b, const char* e, const char* stop, std::int64_t l) {
                        groups.truncate(known);
                        return parse_csv_chunk_grouped(b, e, stop, l, spec, *key, groups);
                      });
      out.add(Value(grouped_partial(c, steps[0], groups)));
      at = next, line = c.next_line;
    } else {
      auto [c, next] =
          parse_chunk(reader, f, r, at, n, line, quotes,
                      [&](const char* b, const char* e, const char* stop, std::int64_t l) {
                        return parse_csv_chunk(b, e, stop, l, spec);
                      });
      out.add(run_steps(ctx, steps, Value(std::move(c.table)), extra));
      at = next, line = c.next_line;
    }
  } while (at < r.end);
  return out.finish();
}

// The quotes of bytes [from, to) of the file.
std::int64_t quotes_between(const MappedFile& f, std::size_t from, std::size_t to, char quote) {
  return to > from ? count_char({f.data() + from, to - from}, quote) : 0;
}

// A speculative scan (csv_scan_check below) cuts its block where it guesses
// from the quotes on the lines of its nominal ends whether they lie inside
// quotes (guess_in_quotes), which needs no count of the quotes before them,
// and counts the quotes of its own nominal range as it parses. (Guessing
// "outside" instead is wrong at every end that falls inside a quoted field,
// and a wrong guess scans the block again.) It gives [parsed, result,
// quotes, begin, end, begin inside, end inside]: whether the scan finished
// (a wrong guess may make good bytes look bad, so an error is only kept in
// mind), its result, the nominal range's quote count, where it cut and
// what it guessed.
Value speculative_scan(OpContext& ctx, std::span<const Value> extra, const Params& p) {
  CsvFileSpec spec = CsvFileSpec::from_params(p);
  MappedFile f(spec.path);
  const auto data_offset = static_cast<std::size_t>(p.at("data_offset").as_int());
  const auto guess = [&](const char* end) {
    return guess_in_quotes(f, static_cast<std::size_t>(p.at(end).as_int()), data_offset,
                           spec.dialect.quote);
  };
  const bool begin_inside = guess("begin"), end_inside = guess("end");
  BlockRange r = resolve_block(f, p, spec.dialect.quote, begin_inside, end_inside);
  // Guessed independently, the ends may cross (each scan for a record start
  // took the other's quotes for text): nothing to parse, and the check will
  // not find the same cut.
  r.end = std::max(r.end, r.begin);
  const auto begin = static_cast<std::size_t>(p.at("begin").as_int());
  const auto end = static_cast<std::size_t>(p.at("end").as_int());
  QuoteCount quotes{spec.dialect.quote, end};
  Value result;
  bool parsed = true;
  try {
    result = scan_block(ctx, p, spec, f, r, extra, &quotes);
    quotes.total += quotes_between(f, begin, std::min(r.begin, end), spec.dialect.quote);
  } catch (const std::exception&) {  // a wrong guess may make any failure; the check decides
    parsed = false;
    quotes.total = quotes_between(f, begin, end, spec.dialect.quote);
  }
  return Value(List{Value(parsed), std::move(result), Value(quotes.total),
                    Value(static_cast<std::int64_t>(r.begin)),
                    Value(static_cast<std::int64_t>(r.end)), Value(begin_inside),
                    Value(end_inside)});
}

Value csv_scan_op(OpContext& ctx, std::span<const Value> a, const Params& p) {
  if (const Value* s = p.find("speculative"); s && s->as_bool())
    return speculative_scan(ctx, a.subspan(1), p);
  CsvFileSpec spec = CsvFileSpec::from_params(p);
  MappedFile f(spec.path);
  return scan_block(ctx, p, spec, f, resolve_block(f, a[0].as_list(), p, spec.dialect.quote),
                    a.subspan(1), nullptr);
}

// Keeps a speculative scan's result when the true quote counts (of the
// file's blocks up to this one) cut the block where the guess did; else
// scans it again, cut right. A scan that failed is run again too: its error
// is raised only if it was not the guess's.
Value csv_scan_check_op(OpContext& ctx, std::span<const Value> a, const Params& p) {
  const List& guess = a[0].as_list();
  const List& counts = a[1].as_list();
  if (guess.at(0).as_bool()) {
    std::int64_t before = 0;
    for (std::size_t i = 0; i + 1 < counts.size(); ++i) before += counts[i].as_int();
    const std::int64_t after = before + counts.back().as_int();
    if ((before % 2 != 0) == guess.at(5).as_bool() && (after % 2 != 0) == guess.at(6).as_bool()) {
      return guess.at(1);  // both ends inside or outside quotes as guessed
    }
    CsvFileSpec spec = CsvFileSpec::from_params(p);
    MappedFile f(spec.path);
    BlockRange r = resolve_block(f, counts, p, spec.dialect.quote);
    if (static_cast<std::int64_t>(r.begin) == guess.at(3).as_int() &&
        static_cast<std::int64_t>(r.end) == guess.at(4).as_int()) {
      return guess.at(1);  // inside quotes, but cut at the same records
    }
  }
  Params exact = p;
  exact.set("speculative", false);
  std::vector<Value> args(a.begin() + 1, a.end());
  return csv_scan_op(ctx, args, exact);
}

}  // namespace

void register_csv_scan_op(OpRegistry& r) {
  Op op;
  op.name = "dataframe.csv_scan";
  op.doc =
      "One read_csv block parsed a chunk at a time through `steps` (fused partition ops); "
      "the chunk results combined.";
  op.group = "DataFrame";
  op.internal = true;
  op.inputs = {PortSpec{"counts", "list"}, PortSpec{"extra", "any", "", false, true}};
  op.fn = csv_scan_op;
  r.add(std::move(op));

  Op check;
  check.name = "dataframe.csv_scan_check";
  check.doc =
      "A speculative csv_scan's result, kept when the blocks' quote counts cut the block where it "
      "guessed, "
      "else the block scanned again.";
  check.group = "DataFrame";
  check.internal = true;
  check.inputs = {PortSpec{"guess", "list"}, PortSpec{"counts", "list"},
                  PortSpec{"extra", "any", "", false, true}};
  check.fn = csv_scan_check_op;
  r.add(std::move(check));
}

}  // namespace shoal::detail
