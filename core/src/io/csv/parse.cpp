// Block parsing and type inference for read_csv: one pass over the bytes,
// numbers through std::from_chars / fast_float, no allocation per field.
#include <fast_float/fast_float.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <type_traits>

#include "io/csv/decimal.h"
#include "io/csv/decimal_batch.h"
#include "io/csv/reader.h"
#include "shoal/column_builder.h"
#include "shoal/csv_format.h"
#include "shoal/error.h"

namespace shoal {

const std::vector<std::string>& default_na_values() {
  static const std::vector<std::string> v = {"",         "#N/A", "#N/A N/A", "#NA",    "-1.#IND",
                                             "-1.#QNAN", "-NaN", "-nan",     "1.#IND", "1.#QNAN",
                                             "<NA>",     "N/A",  "NA",       "NULL",   "NaN",
                                             "None",     "n/a",  "nan",      "null"};
  return v;
}

}  // namespace shoal

namespace shoal::detail {

namespace {

bool parse_int(std::string_view s, std::int64_t& v) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b != e && *b == '+') ++b;
  auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e && b != e;
}

bool parse_float(std::string_view s, double& v) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (parse_plain_decimal(b, e, v)) return true;
  if (b != e && *b == '+') ++b;
  auto r = fast_float::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e && b != e;
}

bool parse_bool(std::string_view s, bool& v) {
  if (s == "True" || s == "true" || s == "TRUE") return v = true, true;
  if (s == "False" || s == "false" || s == "FALSE") return v = false, true;
  return false;
}

std::string quote_for_error(std::string_view s) {
  std::string out(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return "'" + out + "'";
}

// What dtype would hold `value`: for the fix in a mismatch error.
std::string_view widened_type(std::string_view value) {
  double d;
  return parse_float(value, d) ? "float64" : "string";
}

// Appends converted fields of kept columns; checks the field count.
class BlockSink {
 public:
  /// Fields inside [lo, hi) may be read up to 18 bytes past their start
  /// (for the word-at-a-time number parser) when that stays below hi.
  BlockSink(const CsvFileSpec& spec, std::size_t reserve, const char* lo = nullptr,
            const char* hi = nullptr)
      : spec_(spec),
        na_(spec.na_values),
        lo_(lo),
        hi_(hi),
        numeric_marker_(
            std::any_of(spec.na_values.begin(), spec.na_values.end(), [](const std::string& m) {
              double d;
              return parse_plain_decimal(m.data(), m.data() + m.size(), d);
            })) {
    for (const auto& k : spec.keep) {
      builders_.push_back(k ? std::make_unique<ColumnBuilder>(*k, reserve) : nullptr);
      if (k) kept_.push_back({builders_.size() - 1, builders_.back().get()});
    }
  }
  /// Groups the records by kept column `col` into `groups` instead of
  /// building that column (see groups()).
  void group_by(std::size_t col, StringGroups& groups) {
    group_col_ = col;
    groups_ = &groups;
    builders_[col].reset();
    for (Kept& k : kept_) {
      if (k.col == col) k.builder = nullptr;
    }
  }
  void field(std::size_t col, std::string_view v, std::int64_t line) {
    if (col >= builders_.size()) return;  // reported by end_record
    if (ColumnBuilder* b = builders_[col].get())
      convert(b, col, v, line);
    else if (col == group_col_)
      add_group(v);
  }
  std::size_t columns() const noexcept { return builders_.size(); }
  /// Records split by the fast path, a kept column at a time (the others
  /// are never looked at).
  void records(const RecordBatch& b) {
    for (const Kept& k : kept_) {
      if (!k.builder) {
        for (std::size_t r = 0; r < b.size; ++r) add_group(b.field(r, k.col));
      } else if (k.builder->type() == DataType::kFloat64) {
        if (!convert_column<double>(k.builder, k.col, b)) first_error(b);
      } else if (k.builder->type() == DataType::kInt64) {
        if (!convert_column<std::int64_t>(k.builder, k.col, b)) first_error(b);
      } else {
        for (std::size_t r = 0; r < b.size; ++r)
          convert(k.builder, k.col, b.field(r, k.col), b.lines[r]);
      }
    }
  }
  void convert(ColumnBuilder* b, std::size_t col, std::string_view v, std::int64_t line) {
    if (na_.contains(v)) return b->append_null();
    switch (b->type()) {
      case DataType::kFloat64: {
        double d;
        if (!parse_number(v, d)) mismatch(col, v, line);
        return b->append_float64(d);
      }
      case DataType::kInt64: {
        std::int64_t i;
        if (!parse_int(v, i)) mismatch(col, v, line);
        return b->append_int64(i);
      }
      case DataType::kString:
        return b->append_string(v);
      case DataType::kBool: {
        bool x;
        if (!parse_bool(v, x)) mismatch(col, v, line);
        return b->append_bool(x);
      }
      case DataType::kTimestamp: {
        std::int64_t ns;
        if (!parse_iso_timestamp(v, ns)) mismatch(col, v, line);
        return b->append_int64(ns);
      }
    }
  }
  void end_record(std::size_t fields, std::int64_t line) {
    if (fields == builders_.size()) return;
    throw Error("read_csv: " + spec_.path + ":" + std::to_string(line) + ": the row has " +
                std::to_string(fields) + " fields, expected " + std::to_string(builders_.size()) +
                " (as in the header); fix the file or quote fields that hold the delimiter");
  }
  [[noreturn]] void unterminated(std::int64_t line) {
    throw Error("read_csv: " + spec_.path + ":" + std::to_string(line) +
                ": unterminated quote: a field opened with " + std::string(1, spec_.dialect.quote) +
                " never closes; close it, or pass another quotechar");
  }
  /// The kept columns (less a grouping column).
  Table finish() {
    std::vector<std::string> names;
    std::vector<std::shared_ptr<const Column>> cols;
    for (std::size_t i = 0; i < builders_.size(); ++i) {
      if (!builders_[i]) continue;
      names.push_back(spec_.file_columns[i]);
      cols.push_back(builders_[i]->finish_shared());
    }
    return Table(std::move(names), std::move(cols));
  }
  /// Per record, its group in the StringGroups of group_by (-1: a null key).
  std::vector<std::int32_t>& groups() noexcept { return group_of_row_; }

 private:
  // A float64 or int64 column (T) of a batch; false at the first value that
  // is no number. The plain numbers convert together (csv_decimal_batch.h);
  // the fields they leave (nulls, exponents, bad values) go one at a time,
  // in order. A plain number is taken before the null markers are consulted
  // unless a marker is itself one (na_values=["0"]).
  template <class T>
  bool convert_column(ColumnBuilder* builder, std::size_t col, const RecordBatch& b) {
    static_assert(RecordBatch::kMaxRecords <= 32, "the batch parsers take at most 32 fields");
    std::string_view fields[RecordBatch::kMaxRecords];
    T values[RecordBatch::kMaxRecords];
    for (std::size_t r = 0; r < b.size; ++r) fields[r] = b.field(r, col);
    const std::uint32_t all = static_cast<std::uint32_t>((std::uint64_t{1} << b.size) - 1);
    std::uint32_t ok = 0;
    if constexpr (std::is_same_v<T, double>)
      ok = numeric_marker_ ? 0 : parse_decimals(fields, b.size, values, lo_, hi_);
    else
      ok = numeric_marker_ ? 0 : parse_integers(fields, b.size, values, lo_, hi_);
    auto append = [&](std::size_t from, std::size_t to) {
      if constexpr (std::is_same_v<T, double>)
        builder->append_float64s({values + from, to - from});
      else
        builder->append_int64s({values + from, to - from});
    };
    std::size_t from = 0;  // the first converted value not yet appended
    for (std::uint32_t left = ~ok & all; left; left &= left - 1) {
      const auto r = static_cast<std::size_t>(__builtin_ctz(left));
      append(from, r);
      from = r + 1;
      if (na_.contains(fields[r])) {
        builder->append_null();
        continue;
      }
      T v;
      if constexpr (std::is_same_v<T, double>) {
        if (!parse_number(fields[r], v)) return false;
        builder->append_float64(v);
      } else {
        if (!parse_int(fields[r], v)) return false;
        builder->append_int64(v);
      }
    }
    append(from, b.size);
    return true;
  }
  bool parse_wide(std::string_view v, double& d) const {
    // Compared as integers: a field outside [lo, hi) is not in the same array.
    auto at = reinterpret_cast<std::uintptr_t>(v.data());
    return at >= reinterpret_cast<std::uintptr_t>(lo_) &&
           at + 18 <= reinterpret_cast<std::uintptr_t>(hi_) &&
           parse_plain_decimal_wide(v.data(), v.data() + v.size(), d);
  }
  // Throws the error of the batch's first bad field in record order (the
  // batch was converted a column at a time, which may meet a later one first).
  [[noreturn]] void first_error(const RecordBatch& b) {
    for (std::size_t r = 0; r < b.size; ++r) {
      for (const Kept& k : kept_) {
        if (!k.builder) continue;
        ColumnBuilder scratch(k.builder->type());
        convert(&scratch, k.col, b.field(r, k.col), b.lines[r]);
      }
    }
    throw Error("read_csv: " + spec_.path +
                ": internal error: a field failed to convert, then converted");
  }
  void add_group(std::string_view v) {
    group_of_row_.push_back(na_.contains(v) ? -1 : groups_->find_or_add(v));
  }
  bool parse_number(std::string_view v, double& d) const {
    return parse_wide(v, d) || parse_float(v, d);
  }
  [[noreturn]] void mismatch(std::size_t col, std::string_view v, std::int64_t line) {
    const std::string& name = spec_.file_columns[col];
    throw Error("read_csv: " + spec_.path + ":" + std::to_string(line) + ": column '" + name +
                "': expected " + std::string(type_name(builders_[col]->type())) + ", found " +
                quote_for_error(v) +
                "; the type was inferred from the head of the first file: pass dtypes={\"" + name +
                "\": \"" + std::string(widened_type(v)) + "\"}");
  }

  const CsvFileSpec& spec_;
  NaSet na_;
  const char* lo_;
  const char* hi_;
  bool numeric_marker_;  ///< A null marker parses as a number.
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
  struct Kept {
    std::size_t col;
    ColumnBuilder* builder;
  };
  std::vector<Kept> kept_;  ///< The kept columns, in order; no builder for the grouping column.
  std::size_t group_col_ = static_cast<std::size_t>(-1);
  StringGroups* groups_ = nullptr;
  std::vector<std::int32_t> group_of_row_;
};

// The narrowest type seen so far per column: none < bool | int64 < float64 < string.
class InferSink {
 public:
  enum State : std::uint8_t { kNone, kBool, kInt, kFloat, kString };
  InferSink(const CsvFileSpec& spec)
      : spec_(spec), na_(spec.na_values), state_(spec.keep.size(), kNone) {}
  void field(std::size_t col, std::string_view v, std::int64_t) {
    if (col >= state_.size() || state_[col] == kString || na_.contains(v)) return;
    State& s = state_[col];
    std::int64_t i;
    double d;
    bool b;
    if (s != kBool && s <= kInt && parse_int(v, i))
      s = kInt;
    else if (s != kBool && s <= kFloat && parse_float(v, d))
      s = kFloat;
    else if ((s == kNone || s == kBool) && parse_bool(v, b))
      s = kBool;
    else
      s = kString;
  }
  void end_record(std::size_t fields, std::int64_t line) {
    if (fields != state_.size()) BlockSink(spec_, 0).end_record(fields, line);
  }
  [[noreturn]] void unterminated(std::int64_t line) { BlockSink(spec_, 0).unterminated(line); }
  std::vector<DataType> types() const {
    std::vector<DataType> out;
    for (State s : state_) {
      out.push_back(s == kBool     ? DataType::kBool
                    : s == kInt    ? DataType::kInt64
                    : s == kString ? DataType::kString
                                   : DataType::kFloat64);  // all-null columns: float64, as pandas
    }
    return out;
  }

 private:
  const CsvFileSpec& spec_;
  NaSet na_;
  std::vector<State> state_;
};

// Collects the fields of the first record (the header).
struct HeadSink {
  std::vector<std::string> names;
  const std::string* path;
  void field(std::size_t, std::string_view v, std::int64_t) { names.emplace_back(v); }
  void end_record(std::size_t, std::int64_t) {}
  [[noreturn]] void unterminated(std::int64_t line) {
    throw Error("read_csv: " + *path + ":" + std::to_string(line) +
                ": unterminated quote in the header");
  }
};

}  // namespace

NaSet::NaSet(std::vector<std::string> values) : values_(std::move(values)) {
  for (const auto& v : values_) {
    if (v.empty())
      has_empty_ = true;
    else {
      lengths_by_first_[static_cast<unsigned char>(v[0])] |= std::uint64_t{1}
                                                             << std::min<std::size_t>(v.size(), 63);
      last_[static_cast<unsigned char>(v.back())] = true;
    }
  }
}

CsvHead parse_csv_head(const char* data, std::size_t size, const std::string& path, CsvDialect d,
                       bool header, const std::vector<std::string>& names) {
  std::size_t start = (size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
  std::size_t first = start;
  while (first < size && (data[first] == '\n' || data[first] == '\r')) ++first;
  if (first >= size) {
    throw Error("read_csv: " + path + " is empty: no columns to parse; remove it from the paths");
  }
  std::size_t end = next_record_start(data, size, first, false, d.quote);
  HeadSink sink{{}, &path};
  scan_csv(data + first, data + end, d, 1, sink);
  CsvHead head;
  head.data_line = 1 + std::count(data + start, data + end, '\n');
  if (header) {
    head.names = std::move(sink.names);
    head.data_offset = end;
  } else {
    head.data_offset = start;
    head.data_line = 1;
    head.names = names;
    for (std::size_t i = names.size(); i < sink.names.size(); ++i)
      head.names.push_back(std::to_string(i));
  }
  return head;
}

Table parse_csv_block(const char* begin, const char* end, std::int64_t line,
                      const CsvFileSpec& spec) {
  // Rows are about 1/16 of bytes or more: reserving avoids most regrowth.
  BlockSink sink(spec, static_cast<std::size_t>(end - begin) / 24, begin, end);
  scan_csv(begin, end, spec.dialect, line, sink);
  return sink.finish();
}

Table parse_csv_range(const MappedFile& f, std::size_t begin, std::size_t end, std::int64_t line,
                      const CsvFileSpec& spec) {
  BlockSink sink(spec, (end - begin) / 24, f.data() + begin, f.data() + end);
  const char* p = f.data() + begin;
  const char* stop = f.data() + end;
  while (p < stop) {
    auto at = static_cast<std::size_t>(p - f.data());
    std::size_t n = std::min(kCsvChunkBytes, end - at);
    f.advise_sequential(at, n);
    ScanEnd e = scan_csv_until(p, stop, p + n, spec.dialect, line, sink);
    f.release(at, static_cast<std::size_t>(e.p - p));
    p = e.p;
    line = e.line;
  }
  return sink.finish();
}

ParsedChunk parse_csv_chunk(const char* begin, const char* end, const char* stop, std::int64_t line,
                            const CsvFileSpec& spec) {
  BlockSink sink(spec, static_cast<std::size_t>(std::min(end, stop) - begin) / 24, begin, end);
  ScanEnd e = scan_csv_until(begin, end, stop, spec.dialect, line, sink);
  return {sink.finish(), e.p, e.line};
}

GroupedChunk parse_csv_chunk_grouped(const char* begin, const char* end, const char* stop,
                                     std::int64_t line, const CsvFileSpec& spec,
                                     std::size_t key_column, StringGroups& groups) {
  auto rows = static_cast<std::size_t>(std::min(end, stop) - begin) / 24;
  BlockSink sink(spec, rows, begin, end);
  sink.group_by(key_column, groups);
  sink.groups().reserve(rows);
  ScanEnd e = scan_csv_until(begin, end, stop, spec.dialect, line, sink);
  return {sink.finish(), std::move(sink.groups()), e.p, e.line};
}

std::vector<DataType> infer_csv_types(const char* begin, const char* end, std::int64_t line,
                                      const CsvFileSpec& spec) {
  InferSink sink(spec);
  scan_csv(begin, end, spec.dialect, line, sink);
  return sink.types();
}

Schema CsvFileSpec::output_schema() const {
  Schema s;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) {
      s.names.push_back(file_columns[i]);
      s.types.push_back(*keep[i]);
    }
  }
  return s;
}

Params CsvFileSpec::to_params() const {
  List cols, types, na;
  for (std::size_t i = 0; i < file_columns.size(); ++i) {
    cols.emplace_back(file_columns[i]);
    types.push_back(keep[i] ? Value(std::string(type_name(*keep[i]))) : Value());
  }
  for (const auto& v : na_values) na.emplace_back(v);
  Params p;
  p.set("path", path);
  p.set("delimiter", std::string(1, dialect.delimiter));
  p.set("quotechar", std::string(1, dialect.quote));
  p.set("na_values", std::move(na));
  p.set("columns", std::move(cols));
  p.set("types", std::move(types));
  return p;
}

CsvFileSpec CsvFileSpec::from_params(const Params& p) {
  CsvFileSpec s;
  s.path = p.at("path").as_string();
  s.dialect.delimiter = p.at("delimiter").as_string().at(0);
  s.dialect.quote = p.at("quotechar").as_string().at(0);
  for (const Value& v : p.at("na_values").as_list()) s.na_values.push_back(v.as_string());
  for (const Value& v : p.at("columns").as_list()) s.file_columns.push_back(v.as_string());
  for (const Value& v : p.at("types").as_list()) {
    s.keep.push_back(v.is_null() ? std::nullopt : std::optional(parse_type_name(v.as_string())));
  }
  return s;
}

}  // namespace shoal::detail
