// The built-in element functions of Bag, and resolving a function by name:
// a built-in first, then any registered op (SHOAL_FUNCTION), so user
// functions travel by name like ops do.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "bag/internal.h"
#include "shoal/bag.h"
#include "shoal/error.h"
#include "shoal/key.h"

namespace shoal::detail {
namespace {

// ---- text fast paths ----

void split_text(std::string_view s, const Value& sep, TextEmit emit, void* ctx) {
  if (sep.is_null()) {  // Python's str.split(): runs of whitespace, no empty parts
    for_each_word(s, [&](std::string_view w) { emit(ctx, w); });
    return;
  }
  const std::string& d = sep.as_string();
  if (d.empty())
    throw Error("str.split: the separator is empty; give a non-empty one or none for whitespace");
  std::size_t from = 0;
  for (;;) {
    std::size_t at = s.find(d, from);
    if (at == std::string_view::npos) break;
    emit(ctx, s.substr(from, at - from));
    from = at + d.size();
  }
  emit(ctx, s.substr(from));
}

std::string_view strip_view(std::string_view s, const Value&) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view identity_view(std::string_view s, const Value&) {
  return s;
}

bool contains_test(std::string_view s, const Value& arg) {
  return s.find(arg.as_string()) != std::string_view::npos;
}
bool startswith_test(std::string_view s, const Value& arg) {
  return s.starts_with(arg.as_string());
}
bool nonempty_test(std::string_view s, const Value&) {
  return !s.empty();
}

// ---- general forms ----

const std::string& text_of(const Value& x, const char* fn) {
  if (!x.is_string())
    throw TypeError(std::string(fn) + ": expected a string element, got " + x.repr());
  return x.as_string();
}

Value split_fn(const Value& x, const Value& sep) {
  List out;
  split_text(
      text_of(x, "str.split"), sep,
      [](void* ctx, std::string_view part) { static_cast<List*>(ctx)->emplace_back(part); }, &out);
  return Value(std::move(out));
}

Value case_fn(const Value& x, int (*f)(int), const char* name) {
  std::string s = text_of(x, name);
  for (char& c : s) c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return Value(std::move(s));
}

Value len_fn(const Value& x, const Value&) {
  switch (x.kind()) {
    case ValueKind::kString:
      return Value(static_cast<std::int64_t>(x.as_string().size()));
    case ValueKind::kBytes:
      return Value(static_cast<std::int64_t>(x.as_bytes().size()));
    case ValueKind::kList:
      return Value(static_cast<std::int64_t>(x.as_list().size()));
    case ValueKind::kRecord:
      return Value(static_cast<std::int64_t>(x.as_record().size()));
    default:
      throw TypeError("len: " + std::string(kind_name(x.kind())) + " " + x.repr() +
                      " has no length");
  }
}

Value getitem_fn(const Value& x, const Value& key) {
  if (key.is_string()) {
    if (!x.is_record())
      throw TypeError("getitem '" + key.as_string() + "': expected a record, got " + x.repr());
    return x.as_record().at(key.as_string());
  }
  if (!x.is_list()) throw TypeError("getitem " + key.repr() + ": expected a list, got " + x.repr());
  const List& l = x.as_list();
  std::int64_t i = key.as_int();
  if (i < 0) i += static_cast<std::int64_t>(l.size());
  if (i < 0 || i >= static_cast<std::int64_t>(l.size())) {
    throw Error("getitem: index " + key.repr() + " out of range for " + x.repr());
  }
  return l[static_cast<std::size_t>(i)];
}

Value int_fn(const Value& x, const Value&) {
  if (x.is_int()) return x;
  if (x.is_float()) return Value(static_cast<std::int64_t>(x.as_float()));
  if (x.is_bool()) return Value(x.as_bool() ? 1 : 0);
  std::string_view s = strip_view(text_of(x, "int"), {});
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty())
    throw Error("int: '" + std::string(s) + "' is not an integer");
  return Value(v);
}

Value float_fn(const Value& x, const Value&) {
  if (x.is_number()) return Value(x.as_float());
  std::string s(strip_view(text_of(x, "float"), {}));
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) throw Error("float: '" + s + "' is not a number");
  return Value(d);
}

Value str_fn(const Value& x, const Value&) {
  if (x.is_string()) return x;
  if (x.is_int()) return Value(std::to_string(x.as_int()));
  return Value(dump_json(x));
}

Value add_fn(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return Value(a.as_int() + b.as_int());
  if (a.is_string() && b.is_string()) return Value(a.as_string() + b.as_string());
  return Value(a.as_float() + b.as_float());
}

Value mul_fn(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return Value(a.as_int() * b.as_int());
  return Value(a.as_float() * b.as_float());
}

Value sum_seq(const List& xs) {
  Value acc(0);
  for (const Value& x : xs) acc = add_fn(acc, x);
  return acc;
}

Value extreme(const List& xs, int sign, const char* name) {
  if (xs.empty())
    throw Error(
        std::string(name) +
        ": of an empty sequence; filter out empty partitions or use fold with an initial value");
  Value best = xs[0];
  for (const Value& x : xs) {
    if (compare_values(x, best) * sign > 0) best = x;
  }
  return best;
}

std::vector<ElementFunction> builtins() {
  std::vector<ElementFunction> f;
  auto add = [&](std::string name, std::string doc) -> ElementFunction& {
    f.push_back(ElementFunction{std::move(name), std::move(doc)});
    return f.back();
  };
  auto& identity = add("identity", "The element itself.");
  identity.unary = [](const Value& x, const Value&) { return x; };
  identity.text_view = identity_view;
  add("len", "The length of a string (bytes), list, record or bytes.").unary = len_fn;
  auto& split = add("str.split",
                    "The parts of a string cut at the argument, or at runs of whitespace without "
                    "one (as Python's str.split).");
  split.unary = split_fn;
  split.text_split = split_text;
  auto& strip = add("str.strip", "The string without leading and trailing whitespace.");
  strip.unary = [](const Value& x, const Value& a) {
    return Value(strip_view(text_of(x, "str.strip"), a));
  };
  strip.text_view = strip_view;
  add("str.lower", "The string in ASCII lower case.").unary = [](const Value& x, const Value&) {
    return case_fn(x, ::tolower, "str.lower");
  };
  add("str.upper", "The string in ASCII upper case.").unary = [](const Value& x, const Value&) {
    return case_fn(x, ::toupper, "str.upper");
  };
  auto& contains = add("str.contains", "Whether the string contains the argument.");
  contains.unary = [](const Value& x, const Value& a) {
    return Value(contains_test(text_of(x, "str.contains"), a));
  };
  contains.text_test = contains_test;
  auto& startswith = add("str.startswith", "Whether the string starts with the argument.");
  startswith.unary = [](const Value& x, const Value& a) {
    return Value(startswith_test(text_of(x, "str.startswith"), a));
  };
  startswith.text_test = startswith_test;
  auto& nonempty = add("bool", "Python's truthiness of the element (for filter).");
  nonempty.unary = [](const Value& x, const Value&) { return Value(truthy(x)); };
  nonempty.text_test = nonempty_test;
  add("getitem",
      "Field `arg` of a record (a string argument) or item `arg` of a list (an integer).")
      .unary = getitem_fn;
  add("int", "The element as an int64 (parses strings).").unary = int_fn;
  add("float", "The element as a float64 (parses strings).").unary = float_fn;
  add("str", "The element as a string (JSON for lists and records).").unary = str_fn;
  add("json.parse", "The JSON text as a Value: objects become records, arrays lists.").unary =
      [](const Value& x, const Value&) { return parse_json(text_of(x, "json.parse")); };
  add("json.dumps", "The element as compact JSON text.").unary = [](const Value& x, const Value&) {
    return Value(dump_json(x));
  };
  auto& addf = add("add", "acc + x (numbers; strings concatenate); sum of a sequence.");
  addf.binary = add_fn;
  addf.sequence = sum_seq;
  add("sum", "The sum of a sequence.").sequence = sum_seq;
  add("mul", "acc * x.").binary = mul_fn;
  auto& count = add("count", "acc + 1 (fold/foldby); the length of a sequence (reduction).");
  count.binary = [](const Value& acc, const Value&) { return Value(acc.as_int() + 1); };
  count.sequence = [](const List& xs) { return Value(static_cast<std::int64_t>(xs.size())); };
  auto& mn = add("min", "The smaller of acc and x; the least of a sequence.");
  mn.binary = [](const Value& a, const Value& b) { return compare_values(b, a) < 0 ? b : a; };
  mn.sequence = [](const List& xs) { return extreme(xs, -1, "min"); };
  auto& mx = add("max", "The larger of acc and x; the greatest of a sequence.");
  mx.binary = [](const Value& a, const Value& b) { return compare_values(b, a) > 0 ? b : a; };
  mx.sequence = [](const List& xs) { return extreme(xs, 1, "max"); };
  return f;
}

int compare_numbers(double x, double y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

const std::vector<ElementFunction>& element_functions() {
  static const std::vector<ElementFunction> all = builtins();
  return all;
}

const ElementFunction* find_element_function(std::string_view name) {
  for (const auto& f : element_functions()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Function::Function(const std::string& name, Value arg, Arity arity, const std::string& where)
    : name_(name), arg_(std::move(arg)) {
  builtin_ = find_element_function(name);
  bool fits = builtin_ && ((arity == Arity::kUnary && builtin_->unary) ||
                           (arity == Arity::kBinary && builtin_->binary) ||
                           (arity == Arity::kSequence && builtin_->sequence));
  if (fits) return;
  builtin_ = nullptr;
  op_ = OpRegistry::global().find(name);
  if (op_) return;
  const char* kind = arity == Arity::kUnary    ? "element"
                     : arity == Arity::kBinary ? "binary"
                                               : "sequence";
  std::string known;
  for (const auto& f : element_functions()) {
    if ((arity == Arity::kUnary && f.unary) || (arity == Arity::kBinary && f.binary) ||
        (arity == Arity::kSequence && f.sequence)) {
      known += (known.empty() ? "" : ", ") + f.name;
    }
  }
  throw Error(where + ": unknown " + kind + " function '" + name + "'; built-in ones are " + known +
              ", or register yours with SHOAL_FUNCTION");
}

Value Function::operator()(const Value& x) const {
  if (builtin_) return builtin_->unary(x, arg_);
  OpContext ctx;
  Value args[2] = {x, arg_};
  return op_->fn(ctx, std::span<const Value>(args, arg_.is_null() ? 1 : 2), Params{});
}

Value Function::operator()(const Value& acc, const Value& x) const {
  if (builtin_) return builtin_->binary(acc, x);
  OpContext ctx;
  Value args[2] = {acc, x};
  return op_->fn(ctx, std::span<const Value>(args, 2), Params{});
}

Value Function::over(const List& xs) const {
  if (builtin_) return builtin_->sequence(xs);
  OpContext ctx;
  Value arg(xs);
  return op_->fn(ctx, std::span<const Value>(&arg, 1), Params{});
}

bool truthy(const Value& v) noexcept {
  switch (v.kind()) {
    case ValueKind::kNull:
      return false;
    case ValueKind::kBool:
      return v.as_bool();
    case ValueKind::kInt:
      return v.as_int() != 0;
    case ValueKind::kFloat:
      return v.as_float() != 0;
    case ValueKind::kString:
      return !v.as_string().empty();
    case ValueKind::kBytes:
      return !v.as_bytes().empty();
    case ValueKind::kList:
      return !v.as_list().empty();
    case ValueKind::kRecord:
      return !v.as_record().empty();
    default:
      return true;
  }
}

int compare_values(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return three_way(a.as_int(), b.as_int());
    return compare_numbers(a.as_float(), b.as_float());
  }
  if (a.kind() != b.kind()) {
    // Numbers sort with each other; other kinds by their kind's index.
    auto rank = [](const Value& v) { return v.is_number() ? 2 : static_cast<int>(v.kind()); };
    return three_way(rank(a), rank(b));
  }
  switch (a.kind()) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kBool:
      return three_way(a.as_bool(), b.as_bool());
    case ValueKind::kString:
      return a.as_string().compare(b.as_string()) < 0 ? -1
                                                      : (a.as_string() == b.as_string() ? 0 : 1);
    case ValueKind::kBytes:
      return three_way(a.as_bytes(), b.as_bytes());
    case ValueKind::kList: {
      const List &x = a.as_list(), &y = b.as_list();
      for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
        if (int c = compare_values(x[i], y[i])) return c;
      }
      return three_way(x.size(), y.size());
    }
    default:
      return three_way(a.hash(), b.hash());  // tables, tensors, records: stable, not meaningful
  }
}

}  // namespace shoal::detail

namespace shoal {

std::vector<std::pair<std::string, std::string>> bag_functions() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : detail::element_functions()) out.emplace_back(f.name, f.doc);
  return out;
}

}  // namespace shoal
