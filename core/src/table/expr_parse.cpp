// parse_expr: pandas-query-like text to an Expr, by recursive descent (one
// function per precedence level).
#include <cctype>
#include <charconv>

#include "shoal/error.h"
#include "shoal/expr.h"

namespace shoal {
namespace {

class ExprParser {
 public:
  explicit ExprParser(std::string_view text) : text_(text) {}

  Expr parse() {
    Expr e = parse_or();
    skip_space();
    if (at_ < text_.size()) fail("an operator or the end");
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    std::string found =
        at_ < text_.size() ? "'" + std::string(text_.substr(at_, 12)) + "'" : "the end";
    throw Error("expression '" + std::string(text_) + "': at column " + std::to_string(at_ + 1) +
                " expected " + expected + ", found " + found);
  }

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }

  // Consumes `token` (a keyword must not run into a name) when next.
  bool eat(std::string_view token) {
    skip_space();
    if (text_.substr(at_, token.size()) != token) return false;
    bool word = std::isalpha(static_cast<unsigned char>(token[0]));
    std::size_t end = at_ + token.size();
    if (word && end < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) {
      return false;
    }
    at_ = end;
    return true;
  }

  void expect(std::string_view token) {
    if (!eat(token)) fail("'" + std::string(token) + "'");
  }

  Expr parse_or() {
    Expr e = parse_and();
    while (eat("or") || eat("|")) e = e | parse_and();
    return e;
  }

  Expr parse_and() {
    Expr e = parse_not();
    while (eat("and") || eat("&")) e = e & parse_not();
    return e;
  }

  Expr parse_not() {
    if (eat("not") || eat("~")) return ~parse_not();
    return parse_comparison();
  }

  Expr parse_comparison() {
    Expr e = parse_sum();
    if (eat("==")) return e == parse_sum();
    if (eat("!=")) return e != parse_sum();
    if (eat("<=")) return e <= parse_sum();
    if (eat(">=")) return e >= parse_sum();
    if (eat("<")) return e < parse_sum();
    if (eat(">")) return e > parse_sum();
    return e;
  }

  Expr parse_sum() {
    Expr e = parse_product();
    for (;;) {
      if (eat("+"))
        e = e + parse_product();
      else if (eat("-"))
        e = e - parse_product();
      else
        return e;
    }
  }

  Expr parse_product() {
    Expr e = parse_unary();
    for (;;) {
      if (eat("*"))
        e = e * parse_unary();
      else if (eat("/"))
        e = e / parse_unary();
      else
        return e;
    }
  }

  Expr parse_unary() {
    if (eat("-")) return -parse_unary();
    return parse_atom();
  }

  Expr parse_atom() {
    skip_space();
    if (eat("(")) {
      Expr e = parse_or();
      expect(")");
      return e;
    }
    if (at_ >= text_.size()) fail("a column, a literal or '('");
    char c = text_[at_];
    if (c == '\'' || c == '"') return Expr::literal(Value(quoted(c)));
    if (c == '`') return Expr::column(quoted('`'));
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name_or_call();
    fail("a column, a literal or '('");
  }

  std::string quoted(char q) {
    std::size_t start = at_++;
    std::string out;
    while (at_ < text_.size() && text_[at_] != q) {
      if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
      out += text_[at_++];
    }
    if (at_ >= text_.size()) {
      at_ = start;
      fail(std::string("a closing ") + q);
    }
    ++at_;
    return out;
  }

  Expr number() {
    std::size_t start = at_;
    while (at_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.' ||
            ((text_[at_] == '-' || text_[at_] == '+') &&
             (text_[at_ - 1] == 'e' || text_[at_ - 1] == 'E')))) {
      ++at_;
    }
    std::string_view s = text_.substr(start, at_ - start);
    std::int64_t i;
    if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
        ec == std::errc() && p == s.data() + s.size()) {
      return Expr::literal(Value(i));
    }
    double d;
    if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        ec == std::errc() && p == s.data() + s.size()) {
      return Expr::literal(Value(d));
    }
    at_ = start;
    fail("a number");
  }

  Expr name_or_call() {
    std::size_t start = at_;
    while (at_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_'))
      ++at_;
    std::string name(text_.substr(start, at_ - start));
    if (name == "True") return Expr::literal(Value(true));
    if (name == "False") return Expr::literal(Value(false));
    if (!eat("(")) return Expr::column(name);
    Expr e = parse_or();
    Expr result = call(name, e, start);
    expect(")");
    return result;
  }

  // A function of `e` and perhaps one more argument (after a comma).
  Expr call(const std::string& name, const Expr& e, std::size_t start) {
    if (name == "is_null") return e.is_null();
    if (name == "len") return e.str_len();
    if (name == "lower") return e.lower();
    if (name == "fill_null") {
      expect(",");
      return e.fill_null(parse_or());
    }
    if (name == "contains" || name == "starts_with" || name == "cast") {
      expect(",");
      skip_space();
      if (at_ >= text_.size() || (text_[at_] != '"' && text_[at_] != '\'')) fail("a quoted string");
      std::string arg = quoted(text_[at_]);
      if (name == "contains") return e.contains(arg);
      if (name == "starts_with") return e.starts_with(arg);
      return e.cast(parse_type_name(arg));
    }
    at_ = start;
    fail("one of the functions is_null, fill_null, contains, starts_with, len, lower, cast");
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

Expr parse_expr(std::string_view text) {
  return ExprParser(text).parse();
}

}  // namespace shoal
