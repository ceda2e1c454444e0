// read_csv: planning (paths, header, schema inference, byte ranges) and the
// two ops its graphs run — csv_count (quote and newline counts of a byte
// range) and csv_block (the records of a block, cut at quote-aware record
// boundaries). See csv.h for the approach.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "dataframe/task_ops.h"
#include "graph/collection_graph.h"
#include "io/csv/reader.h"
#include "io/file_glob.h"
#include "io/file_reader.h"
#include "io/mapped_file.h"
#include "shoal/csv.h"
#include "shoal/error.h"
#include "shoal/op.h"

namespace shoal {
namespace fs = std::filesystem;

std::vector<std::string> expand_csv_paths(const std::vector<std::string>& patterns) {
  return detail::expand_paths(patterns, "read_csv");
}

namespace {

struct CsvPlan {
  std::vector<detail::CsvFileSpec> specs;  // one per file
  std::vector<detail::CsvHead> heads;
  std::vector<std::size_t> sizes;
  std::vector<std::int64_t> mtimes;
  Schema schema;
};

bool has_records(const char* b, const char* e) {
  return std::any_of(b, e, [](char c) { return c != '\n' && c != '\r'; });
}

// The file columns to keep and their types: inferred, then overridden.
std::vector<std::optional<DataType>> resolve_columns(const detail::CsvHead& head,
                                                     const detail::MappedFile& f,
                                                     detail::CsvFileSpec& spec,
                                                     const CsvOptions& o) {
  for (const auto& u : o.usecols) {
    if (std::find(head.names.begin(), head.names.end(), u) == head.names.end()) {
      throw Error("read_csv: usecols names '" + u + "', which is not a column of " + spec.path);
    }
  }
  std::vector<std::optional<DataType>> keep;
  for (const auto& n : head.names) {
    bool used =
        o.usecols.empty() || std::find(o.usecols.begin(), o.usecols.end(), n) != o.usecols.end();
    keep.push_back(used ? std::optional(DataType::kString) : std::nullopt);
  }
  spec.keep = keep;
  std::size_t end = std::min(f.size(), head.data_offset + o.sample_bytes);
  if (end < f.size()) {  // cut the sample at its last complete record
    std::size_t last = head.data_offset;
    for (std::size_t s = head.data_offset;
         (s = detail::next_record_start(f.data(), end, s, false, o.quotechar)) < end;)
      last = s;
    end = last;
  }
  if (has_records(f.data() + head.data_offset, f.data() + end)) {
    auto types =
        detail::infer_csv_types(f.data() + head.data_offset, f.data() + end, head.data_line, spec);
    for (std::size_t i = 0; i < keep.size(); ++i)
      if (keep[i]) keep[i] = types[i];
  }  // else: a header-only file: string columns, as pandas' object
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i]) continue;
    const auto& n = head.names[i];
    if (std::find(o.parse_dates.begin(), o.parse_dates.end(), n) != o.parse_dates.end())
      keep[i] = DataType::kTimestamp;
    if (auto it = o.dtypes.find(n); it != o.dtypes.end()) keep[i] = it->second;
  }
  return keep;
}

CsvPlan plan_csv(const std::vector<std::string>& patterns, const CsvOptions& o) {
  CsvPlan plan;
  auto paths = expand_csv_paths(patterns);
  detail::CsvDialect d{o.delimiter, o.quotechar};
  for (const auto& path : paths) {
    detail::MappedFile f(path);
    detail::CsvHead head = detail::parse_csv_head(f.data(), f.size(), path, d, o.header, o.names);
    detail::CsvFileSpec spec;
    spec.path = path;
    spec.dialect = d;
    spec.na_values = o.na_values ? *o.na_values : default_na_values();
    spec.file_columns = head.names;
    if (plan.specs.empty()) {
      spec.keep = resolve_columns(head, f, spec, o);
      plan.schema = spec.output_schema();
    } else {
      if (head.names != plan.specs[0].file_columns) {
        throw Error("read_csv: " + path + " has other columns than " + plan.specs[0].path +
                    "; read the files separately");
      }
      spec.keep = plan.specs[0].keep;
    }
    plan.sizes.push_back(f.size());
    plan.mtimes.push_back(
        static_cast<std::int64_t>(fs::last_write_time(path).time_since_epoch().count()));
    plan.specs.push_back(std::move(spec));
    plan.heads.push_back(std::move(head));
  }
  return plan;
}

using detail::make_task;

// Counts only quote characters (memchr: near memory speed when there are
// few); line numbers for errors are recounted only when a block fails. The
// bytes are read into a small buffer rather than mapped (file_reader.h).
Value csv_count_op(OpContext&, std::span<const Value>, const Params& p) {
  auto b = static_cast<std::size_t>(p.at("begin").as_int()),
       e = static_cast<std::size_t>(p.at("end").as_int());
  char quote = p.at("quotechar").as_string().at(0);
  std::int64_t quotes = 0;
  detail::FileReader reader(p.at("path").as_string());
  constexpr std::size_t kPiece = std::size_t{256} << 10;
  for (std::size_t at = b; at < e;) {
    std::string_view bytes = reader.read(at, std::min(kPiece, e - at));
    if (bytes.empty()) break;  // the file is shorter than the plan: the block reports it
    quotes += detail::count_char(bytes, quote);
    at += bytes.size();
  }
  return Value(quotes);
}

Value csv_block_op(OpContext&, std::span<const Value> a, const Params& p) {
  detail::CsvFileSpec spec = detail::CsvFileSpec::from_params(p);
  detail::MappedFile f(spec.path);
  detail::BlockRange r = detail::resolve_block(f, a[0].as_list(), p, spec.dialect.quote);
  if (r.begin >= r.end)
    return Value(detail::parse_csv_block(f.data(), f.data(), r.data_line, spec));
  try {
    return Value(detail::parse_csv_range(f, r.begin, r.end, r.data_line, spec));
  } catch (const Error&) {
    // Parse again from the block's true line number, for the message.
    return Value(detail::parse_csv_range(f, r.begin, r.end, detail::line_at(f, r, r.begin), spec));
  }
}

}  // namespace

Schema infer_csv_schema(const std::vector<std::string>& paths, const CsvOptions& options) {
  return plan_csv(paths, options).schema;
}

DataFrame read_csv(const std::vector<std::string>& paths, const CsvOptions& o) {
  if (o.blocksize == 0) throw Error("read_csv: blocksize must be positive");
  CsvPlan plan = plan_csv(paths, o);
  Tokenizer tok;
  for (std::size_t i = 0; i < plan.specs.size(); ++i) {
    for (const auto& [n, v] : plan.specs[i].to_params()) tok.add(n).add(v);
    tok.add(static_cast<std::int64_t>(plan.sizes[i])).add(plan.mtimes[i]);
  }
  tok.add(static_cast<std::int64_t>(o.blocksize));
  const std::string token = tok.hex();
  Key count_key("read-csv-count-" + token), block_key("read-csv-" + token);
  auto g = std::make_shared<Graph>();
  std::vector<Key> keys;
  for (std::size_t fi = 0; fi < plan.specs.size(); ++fi) {
    const auto& head = plan.heads[fi];
    Params base = plan.specs[fi].to_params();
    base.set("data_offset", static_cast<std::int64_t>(head.data_offset));
    base.set("data_line", head.data_line);
    std::vector<Arg> counts;
    std::size_t size = plan.sizes[fi];
    for (std::size_t b = head.data_offset, k = 0; k == 0 || b < size; b += o.blocksize, ++k) {
      std::size_t e = std::min(size, b + o.blocksize);
      Params cp{{"path", plan.specs[fi].path},
                {"begin", static_cast<std::int64_t>(b)},
                {"end", static_cast<std::int64_t>(e)},
                {"quotechar", std::string(1, o.quotechar)}};
      Key ck = count_key.with_index({static_cast<std::int64_t>(fi), static_cast<std::int64_t>(k)});
      g->add(
          make_task(ck, "dataframe.csv_count", {}, std::make_shared<const Params>(std::move(cp))));
      counts.emplace_back(ck);
      Params bp = base;
      bp.set("begin", static_cast<std::int64_t>(b));
      bp.set("end", static_cast<std::int64_t>(e));
      keys.push_back(block_key.with_index({static_cast<std::int64_t>(keys.size())}));
      g->add(make_task(keys.back(), "dataframe.csv_block", {Arg(counts)},
                       std::make_shared<const Params>(std::move(bp))));
    }
  }
  return DataFrame({g}, std::move(keys), plan.schema);
}

DataFrame read_csv(const std::string& path, const CsvOptions& o) {
  return read_csv(std::vector<std::string>{path}, o);
}

namespace detail {
namespace {
// The record boundary at or after nominal offset `at`, knowing whether
// `at` lies inside quotes.
std::size_t boundary(const MappedFile& f, std::size_t at, std::size_t data_offset, bool in_quotes,
                     char quote) {
  if (at <= data_offset) return data_offset;
  if (at >= f.size()) return f.size();
  if (f.data()[at - 1] == '\n' && !in_quotes) return at;
  return next_record_start(f.data(), f.size(), at, in_quotes, quote);
}
}  // namespace

BlockRange resolve_block(const MappedFile& f, const List& counts, const Params& p, char quote) {
  std::size_t k = counts.size() - 1;  // counts of blocks 0..k of this file; k is this block
  std::int64_t quotes = 0;
  for (std::size_t i = 0; i < k; ++i) quotes += counts[i].as_int();
  const std::int64_t before = quotes;
  quotes += counts[k].as_int();
  return resolve_block(f, p, quote, before % 2, quotes % 2);
}

BlockRange resolve_block(const MappedFile& f, const Params& p, char quote, bool begin_in_quotes,
                         bool end_in_quotes) {
  BlockRange r;
  r.data_offset = static_cast<std::size_t>(p.at("data_offset").as_int());
  r.data_line = p.at("data_line").as_int();
  r.begin = boundary(f, static_cast<std::size_t>(p.at("begin").as_int()), r.data_offset,
                     begin_in_quotes, quote);
  r.end = boundary(f, static_cast<std::size_t>(p.at("end").as_int()), r.data_offset, end_in_quotes,
                   quote);
  return r;
}

bool guess_in_quotes(const MappedFile& f, std::size_t at, std::size_t data_offset, char quote,
                     std::size_t reach) {
  if (at <= data_offset || at >= f.size()) return false;
  const std::size_t from = at - std::min(at - data_offset, reach);
  const void* nl = memrchr(f.data() + from, '\n', at - from);
  if (!nl && from != data_offset) return false;  // a line too long to look back on
  const std::size_t line =
      nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - f.data()) + 1 : data_offset;
  return count_char({f.data() + line, at - line}, quote) % 2 != 0;
}

std::int64_t line_at(const MappedFile& f, const BlockRange& r, std::size_t offset) {
  return r.data_line + std::count(f.data() + r.data_offset, f.data() + offset, '\n');
}

void register_csv_ops(OpRegistry& r) {
  Op count;
  count.name = "dataframe.csv_count";
  count.doc = "Quote characters in bytes [begin, end) of `path`: where read_csv blocks may be cut.";
  count.group = "DataFrame";
  count.internal = true;
  count.fn = csv_count_op;
  r.add(std::move(count));
  Op block;
  block.name = "dataframe.csv_block";
  block.doc = "The records of one read_csv block, given the counts of the blocks up to it.";
  block.group = "DataFrame";
  block.internal = true;
  block.inputs = {PortSpec{"counts", "list"}};
  block.fn = csv_block_op;
  r.add(std::move(block));
}

}  // namespace detail
}  // namespace shoal
