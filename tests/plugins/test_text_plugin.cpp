// The text plugin's ops, against hand-computed results, on the
// InlineExecutor and on a LocalCluster.
#include <doctest/doctest.h>

#include "plugin_test_support.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

namespace shoal::testing {
namespace {

Value text_op(const std::string& op, Value input, Params params = {}) {
  load_globally("text");
  return run_op(OpRegistry::global(), op, {Arg(std::move(input))}, std::move(params));
}

List strings(std::initializer_list<const char*> items) {
  List out;
  for (const char* s : items) out.emplace_back(s);
  return out;
}

TEST_CASE("text.lowercase keeps the shape") {
  CHECK(text_op("text.lowercase", Value("Hello, World")) == Value("hello, world"));
  CHECK(text_op("text.lowercase", Value(strings({"AbC", "x"}))) == Value(strings({"abc", "x"})));
  CHECK_THROWS_WITH_AS(text_op("text.lowercase", Value(3)),
                       "text.lowercase: expected a string or a list of strings, got int64", Error);
}

TEST_CASE("text.tokenize by words and by whitespace") {
  CHECK(text_op("text.tokenize", Value("The cat's hat, 2 times!")) ==
        Value(strings({"The", "cat", "s", "hat", "2", "times"})));
  CHECK(text_op("text.tokenize", Value("The cat's hat,  2"), Params{{"by", Value("whitespace")}}) ==
        Value(strings({"The", "cat's", "hat,", "2"})));
  CHECK(text_op("text.tokenize", Value(strings({"A b", ""})), Params{{"lowercase", Value(true)}}) ==
        Value(List{Value(strings({"a", "b"})), Value(List{})}));
}

TEST_CASE("text.ngrams of a list and of a list of lists") {
  Value tokens(strings({"to", "be", "or", "not"}));
  CHECK(text_op("text.ngrams", tokens, Params{{"n", Value(3)}, {"sep", Value("_")}}) ==
        Value(strings({"to_be_or", "be_or_not"})));
  CHECK(text_op("text.ngrams", Value(List{tokens, Value(strings({"x"}))})) ==
        Value(List{Value(strings({"to be", "be or", "or not"})), Value(List{})}));
}

TEST_CASE("text.regex_filter and text.regex_extract") {
  Value lines(strings({"error: disk", "ok", "ERROR: net"}));
  CHECK(text_op("text.regex_filter", lines, Params{{"pattern", Value("^error")}}) ==
        Value(strings({"error: disk"})));
  CHECK(text_op("text.regex_filter", lines,
                Params{{"pattern", Value("^error")}, {"ignore_case", Value(true)}}) ==
        Value(strings({"error: disk", "ERROR: net"})));
  CHECK(text_op("text.regex_filter", lines,
                Params{{"pattern", Value("^error")}, {"invert", Value(true)}}) ==
        Value(strings({"ok", "ERROR: net"})));
  CHECK(text_op("text.regex_extract", Value("a=1, b=22"),
                Params{{"pattern", Value("(\\w)=(\\d+)")}, {"group", Value(2)}}) ==
        Value(strings({"1", "22"})));
  CHECK(text_op("text.regex_extract", Value(strings({"x1y2", "z"})),
                Params{{"pattern", Value("\\d")}}) ==
        Value(List{Value(strings({"1", "2"})), Value(List{})}));
  CHECK_THROWS_WITH_AS(text_op("text.regex_extract", Value("a"), Params{{"pattern", Value("(")}}),
                       doctest::Contains("parameter 'pattern' is not a valid regular expression"),
                       Error);
  CHECK_THROWS_WITH_AS(text_op("text.regex_extract", Value("a"),
                               Params{{"pattern", Value("a")}, {"group", Value(1)}}),
                       doctest::Contains("the pattern has 0 capture groups"), Error);
}

TEST_CASE("text.remove_stopwords uses its per-worker stop-word set") {
  Value tokens(strings({"The", "quick", "fox", "and", "the", "dog"}));
  CHECK(text_op("text.remove_stopwords", tokens) == Value(strings({"quick", "fox", "dog"})));
  CHECK(text_op("text.remove_stopwords", tokens, Params{{"extra", Value(strings({"dog"}))}}) ==
        Value(strings({"quick", "fox"})));
  CHECK(text_op("text.remove_stopwords", tokens, Params{{"ignore_case", Value(false)}}) ==
        Value(strings({"The", "quick", "fox", "dog"})));
}

TEST_CASE("a text pipeline of plugin ops runs on a LocalCluster") {
  load_globally("text");
  const OpRegistry& r = OpRegistry::global();
  Graph g;
  g.add(task_of(r, "docs", "identity", {Value(strings({"The Cat sat", "the dog and THE cat"}))}));
  g.add(task_of(r, "tok", "text.tokenize", {Arg(Key("docs"))}, Params{{"lowercase", Value(true)}}));
  g.add(task_of(r, "clean", "text.remove_stopwords", {Arg(Key("tok"))}));
  g.add(task_of(r, "bigrams", "text.ngrams", {Arg(Key("clean"))}));
  Key out("bigrams");
  List expected{Value(strings({"cat sat"})), Value(strings({"dog cat"}))};
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  CHECK(cluster.run(g, std::span<const Key>(&out, 1)).at(0) == Value(expected));
  InlineExecutor inline_executor;
  CHECK(inline_executor.run(g, std::span<const Key>(&out, 1)).at(0) == Value(expected));
}

}  // namespace
}  // namespace shoal::testing
