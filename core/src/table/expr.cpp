#include "shoal/expr.h"

#include "shoal/error.h"

namespace shoal {
namespace {

// Checks the shape of a tree: ["col", name], ["lit", v], [op, args...].
void check_ast(const Value& v) {
  if (!v.is_list() || v.as_list().empty() || !v.as_list()[0].is_string()) {
    throw Error("expression: malformed tree " + v.repr() + "; build expressions with shoal::Expr");
  }
  const List& l = v.as_list();
  const std::string& op = l[0].as_string();
  if (op == "col" || op == "lit") {
    if (l.size() != 2) throw Error("expression: '" + op + "' takes one item, got " + v.repr());
    return;
  }
  for (std::size_t i = 1; i < l.size(); ++i) {
    if (l[i].is_list()) check_ast(l[i]);
  }
}

}  // namespace

Expr Expr::from_ast(Value ast) {
  check_ast(ast);
  return Expr(std::move(ast), 0);
}
Expr Expr::column(std::string name) {
  return Expr(Value(List{Value("col"), Value(std::move(name))}), 0);
}
Expr Expr::literal(Value v) {
  return Expr(Value(List{Value("lit"), std::move(v)}), 0);
}

Expr Expr::call(const char* op, const Expr& a) {
  return Expr(Value(List{Value(op), a.ast_}), 0);
}
Expr Expr::call(const char* op, const Expr& a, const Expr& b) {
  return Expr(Value(List{Value(op), a.ast_, b.ast_}), 0);
}

Expr Expr::is_null() const {
  return call("is_null", *this);
}
Expr Expr::fill_null(Expr v) const {
  return call("fill_null", *this, v);
}
Expr Expr::cast(DataType type) const {
  return Expr(Value(List{Value("cast"), ast_, Value(std::string(type_name(type)))}), 0);
}
Expr Expr::contains(std::string needle) const {
  return Expr(Value(List{Value("contains"), ast_, Value(std::move(needle))}), 0);
}
Expr Expr::starts_with(std::string prefix) const {
  return Expr(Value(List{Value("starts_with"), ast_, Value(std::move(prefix))}), 0);
}
Expr Expr::str_len() const {
  return call("str_len", *this);
}
Expr Expr::lower() const {
  return call("lower", *this);
}

}  // namespace shoal
