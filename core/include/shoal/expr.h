// Expr: a column expression, e.g. (df["x"] > 0.5) & ~df["key"].is_null().
//
// An Expr is data, not code: a tree stored in a Value (a List whose first
// item names the operation: ["gt", ["col", "x"], ["lit", 0.5]]). So it
// travels by name inside a task's parameters to any worker, tokenizes into
// keys, and is evaluated there per partition by vectorized kernels.
//
// Nulls propagate through arithmetic, comparisons and string functions; `&`
// and `|` follow Kleene logic (false & null = false); a filter keeps only
// rows where the mask is true (null counts as false).
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "shoal/column.h"
#include "shoal/schema.h"
#include "shoal/table.h"
#include "shoal/value.h"

namespace shoal {

class Expr {
 public:
  /// A literal: a number, bool or string.
  template <class T>
  requires(std::is_arithmetic_v<T> || std::is_convertible_v<T, std::string_view>) Expr(T v)
      : Expr(literal(Value(v))) {}

  /// The expression tree as stored in parameters; throws shoal::Error when
  /// `ast` is not a well-formed tree.
  static Expr from_ast(Value ast);
  static Expr column(std::string name);
  static Expr literal(Value v);

  const Value& ast() const noexcept { return ast_; }
  std::string repr() const { return ast_.repr(); }

  Expr is_null() const;
  /// The expression with nulls replaced by `v`.
  Expr fill_null(Expr v) const;
  Expr cast(DataType type) const;
  // String functions; `lower` folds ASCII letters only.
  Expr contains(std::string needle) const;
  Expr starts_with(std::string prefix) const;
  Expr str_len() const;
  Expr lower() const;

  friend Expr operator+(const Expr& a, const Expr& b) { return call("add", a, b); }
  friend Expr operator-(const Expr& a, const Expr& b) { return call("sub", a, b); }
  friend Expr operator*(const Expr& a, const Expr& b) { return call("mul", a, b); }
  /// True division: always float64, as in pandas.
  friend Expr operator/(const Expr& a, const Expr& b) { return call("div", a, b); }
  friend Expr operator-(const Expr& a) { return call("neg", a); }
  friend Expr operator==(const Expr& a, const Expr& b) { return call("eq", a, b); }
  friend Expr operator!=(const Expr& a, const Expr& b) { return call("ne", a, b); }
  friend Expr operator<(const Expr& a, const Expr& b) { return call("lt", a, b); }
  friend Expr operator<=(const Expr& a, const Expr& b) { return call("le", a, b); }
  friend Expr operator>(const Expr& a, const Expr& b) { return call("gt", a, b); }
  friend Expr operator>=(const Expr& a, const Expr& b) { return call("ge", a, b); }
  friend Expr operator&(const Expr& a, const Expr& b) { return call("and", a, b); }
  friend Expr operator|(const Expr& a, const Expr& b) { return call("or", a, b); }
  friend Expr operator~(const Expr& a) { return call("not", a); }

 private:
  explicit Expr(Value ast, int) : ast_(std::move(ast)) {}
  static Expr call(const char* op, const Expr& a);
  static Expr call(const char* op, const Expr& a, const Expr& b);
  Value ast_;
};

/// Evaluates e over the rows of t: a column of t.num_rows() rows (a literal
/// is broadcast). Throws shoal::Error naming the operation and the types
/// when they do not fit, e.g. a string added to a number.
std::shared_ptr<const Column> evaluate(const Expr& e, const Table& t);

/// An expression written as text, in the syntax of pandas' `query()`:
///   x > 0.5 and not is_null(y)        key == "Zürich" | `odd name` * 2 <= 3
/// Columns are bare names (or `back-quoted`); literals are numbers, 'text'
/// or "text", True, False; operators, loosest first: or |, and &, not ~,
/// comparisons (== != < <= > >=), + -, * /, unary -. Functions: is_null(e),
/// fill_null(e, v), contains(e, "s"), starts_with(e, "s"), len(e),
/// lower(e), cast(e, "float64"). Throws shoal::Error naming the position
/// and what was expected. How pipeline files and the studio carry
/// expressions.
Expr parse_expr(std::string_view text);

/// The type evaluate() would give over a table of this schema.
DataType result_type(const Expr& e, const Schema& schema);

}  // namespace shoal
