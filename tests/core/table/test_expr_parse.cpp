// parse_expr: text in pandas-query syntax gives the same tree as the C++
// operators, and bad text names the column where it went wrong.
#include <doctest/doctest.h>

#include "shoal/error.h"
#include "shoal/expr.h"

using namespace shoal;

namespace {
Expr col(const char* n) {
  return Expr::column(n);
}
}  // namespace

TEST_CASE("parse_expr follows precedence, like the C++ operators") {
  CHECK(parse_expr("x > 0.5").ast() == (col("x") > 0.5).ast());
  CHECK(parse_expr("x * 2 + y").ast() == (col("x") * 2 + col("y")).ast());
  CHECK(parse_expr("x + 2 * y").ast() == (col("x") + Expr(2) * col("y")).ast());
  CHECK(parse_expr("(x + 2) * -y").ast() == ((col("x") + 2) * -col("y")).ast());
  CHECK(parse_expr("a > 1 and b < 2 or not c == 'z'").ast() ==
        (((col("a") > 1) & (col("b") < 2)) | ~(col("c") == "z")).ast());
  CHECK(parse_expr("a>=1&b<=2|~c!=\"q\"").ast() ==
        (((col("a") >= 1) & (col("b") <= 2)) | ~(col("c") != "q")).ast());
  CHECK(parse_expr("`odd name` / 1e-3").ast() == (col("odd name") / 1e-3).ast());
  CHECK(parse_expr("is_null(y) | contains(key, 'a,b')").ast() ==
        (col("y").is_null() | col("key").contains("a,b")).ast());
  CHECK(parse_expr("fill_null(x, 0) + len(lower(s))").ast() ==
        (col("x").fill_null(0) + col("s").lower().str_len()).ast());
  CHECK(parse_expr("cast(n, 'float64') == True").ast() ==
        (col("n").cast(DataType::kFloat64) == Expr(true)).ast());
  CHECK(parse_expr("starts_with(order_id, \"A\")").ast() == col("order_id").starts_with("A").ast());
  CHECK(parse_expr("android > 1").ast() == (col("android") > 1).ast());  // "and" inside a name
}

TEST_CASE("parse_expr names the place of an error") {
  CHECK_THROWS_WITH_AS(parse_expr("x >"), doctest::Contains("at column 4 expected a column"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_expr("x > 1 y"), doctest::Contains("at column 7 expected an operator"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_expr("(x > 1"), doctest::Contains("expected ')'"), Error);
  CHECK_THROWS_WITH_AS(parse_expr("key == 'abc"), doctest::Contains("closing '"), Error);
  CHECK_THROWS_WITH_AS(parse_expr("frobnicate(x)"), doctest::Contains("one of the functions"),
                       Error);
  CHECK_THROWS_WITH_AS(parse_expr("cast(x, 'decimal')"), doctest::Contains("decimal"), Error);
  CHECK_THROWS_WITH_AS(parse_expr("1.2.3"), doctest::Contains("expected a number"), Error);
  CHECK_THROWS_AS(parse_expr(""), Error);
}
