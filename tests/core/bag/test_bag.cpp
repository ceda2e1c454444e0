// Bag: every operation against a straightforward single-threaded reference
// over the same data, with empty partitions and empty input; bad input.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

#include "shoal/bag.h"
#include "shoal/delayed.h"
#include "shoal/inline_executor.h"

using namespace shoal;
namespace fs = std::filesystem;

SHOAL_FUNCTION(bag_test_triple, [](std::int64_t x) { return 3 * x; });
SHOAL_FUNCTION(bag_test_is_odd, [](std::int64_t x) { return x % 2 != 0; });
SHOAL_FUNCTION(bag_test_mod3, [](std::int64_t x) { return x % 3; });
SHOAL_FUNCTION(bag_test_plus, [](std::int64_t acc, std::int64_t x) { return acc + x; });
SHOAL_FUNCTION(bag_test_range, [](std::int64_t x) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = 0; i < x % 4; ++i) out.push_back(i);
  return out;
});

namespace {

InlineExecutor ex;

List ints(std::int64_t n) {
  List out;
  for (std::int64_t i = 0; i < n; ++i) out.push_back(Value((i * 37) % 11));
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() : path(fs::temp_directory_path() / ("shoal-bag-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
  std::string write_gz(const std::string& name, const std::string& text) const {
    std::string p = (path / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
    return p;
  }
};

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!cur.empty()) out.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
    pos = nl + 1;
  }
  return out;
}

// Frequencies in order of first appearance, as [value, count] pairs.
List reference_frequencies(const List& xs) {
  std::unordered_map<std::string, std::size_t> at;  // by kind and content
  List values;
  std::vector<std::int64_t> counts;
  for (const Value& x : xs) {
    std::string id = x.is_string() ? "s" + x.as_string() : "v" + x.repr();
    auto [it, fresh] = at.try_emplace(id, values.size());
    if (fresh) values.push_back(x), counts.push_back(0);
    ++counts[it->second];
  }
  List out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(Value(List{values[i], Value(counts[i])}));
  return out;
}

std::string text_with_words(int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    for (int w = 0; w < i % 7; ++w)
      text += "w" + std::to_string((i * 13 + w * 7) % 23) + (w % 3 ? " " : "\t");
    text += i % 5 == 0 ? "\r\n" : "\n";
  }
  return text;
}

}  // namespace

TEST_CASE(
    "from_sequence: partitions cover the values in order, empty partitions and empty input "
    "included") {
  for (std::int64_t n : {0, 1, 5, 250}) {
    for (std::size_t parts : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{8}}) {
      Bag b = Bag::from_sequence(ints(n), parts);
      CHECK(b.npartitions() == (parts ? parts : std::max<std::size_t>(1, (n + 99) / 100)));
      CHECK(b.compute(ex) == ints(n));
      CHECK(b.count().compute(ex).as_int() == n);
    }
  }
}

TEST_CASE(
    "map, filter, flat_map, flatten and pluck equal the reference, fused into one task per "
    "partition") {
  for (std::int64_t n : {0, 5, 250}) {
    List xs = ints(n);
    Bag b = Bag::from_sequence(xs, 8);
    List mapped, odd, flat, nested;
    for (const Value& x : xs) {
      mapped.push_back(Value(3 * x.as_int()));
      if (x.as_int() % 2) odd.push_back(x);
      for (std::int64_t i = 0; i < x.as_int() % 4; ++i) flat.push_back(Value(i));
      nested.push_back(Value(List{x, Value(List{x})}));
    }
    CHECK(b.map("bag_test_triple").compute(ex) == mapped);
    CHECK(b.filter("bag_test_is_odd").compute(ex) == odd);
    CHECK(b.flat_map("bag_test_range").compute(ex) == flat);
    CHECK(b.map("bag_test_range").flatten().compute(ex) == flat);
    Bag pairs = Bag::from_sequence(nested, 3);
    CHECK(pairs.pluck(0).compute(ex) == xs);
    CHECK(pairs.pluck(1).flatten().compute(ex) == xs);
    CHECK(b.map("bag_test_triple").filter("bag_test_is_odd").compute_as<std::int64_t>(ex).size() ==
          static_cast<std::size_t>(std::count_if(mapped.begin(), mapped.end(),
                                                 [](const Value& v) { return v.as_int() % 2; })));
  }
  Bag chain = Bag::from_sequence(ints(40), 4)
                  .map("bag_test_triple")
                  .filter("bag_test_is_odd")
                  .map("bag_test_triple");
  Graph g = chain.graph();
  CHECK(g.size() == 8);  // 4 source partitions + 4 fused tasks, no task per step
}

TEST_CASE(
    "reductions: count, fold, reduction, frequencies, topk, distinct, foldby against the "
    "reference") {
  for (std::int64_t n : {0, 1, 7, 250}) {
    List xs = ints(n);
    Bag b = Bag::from_sequence(xs, n == 250 ? 20 : 8);  // 20 partitions: a two-level tree
    std::int64_t sum = 0;
    for (const Value& x : xs) sum += x.as_int();
    CHECK(b.count().compute_as<std::int64_t>(ex) == n);
    CHECK(b.fold("add", Value(0)).compute(ex) == Value(sum));
    CHECK(b.fold("bag_test_plus", Value(0), "add").compute(ex) == Value(sum));
    CHECK(b.reduction("sum", "sum").compute(ex) == Value(sum));
    CHECK(b.reduction("count", "sum").compute(ex) == Value(n));
    CHECK(b.frequencies().compute(ex) == reference_frequencies(xs));
    List distinct;
    for (const Value& p : reference_frequencies(xs)) distinct.push_back(p.as_list()[0]);
    CHECK(b.distinct().compute(ex) == distinct);
    // topk: the k largest, ties to the earlier element.
    List sorted = xs;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Value& a, const Value& c) { return a.as_int() > c.as_int(); });
    sorted.resize(std::min<std::size_t>(sorted.size(), 5));
    CHECK(b.topk(5).compute(ex) == sorted);
    List freq_sorted = reference_frequencies(xs);
    std::stable_sort(freq_sorted.begin(), freq_sorted.end(), [](const Value& a, const Value& c) {
      return a.as_list()[1].as_int() > c.as_list()[1].as_int();
    });
    freq_sorted.resize(std::min<std::size_t>(freq_sorted.size(), 3));
    CHECK(b.frequencies().topk(3, 1).compute(ex) == freq_sorted);
    // foldby: sum per key (x % 3), keys by first appearance.
    List keys, sums;
    for (const Value& x : xs) {
      Value k(x.as_int() % 3);
      auto it = std::find(keys.begin(), keys.end(), k);
      if (it == keys.end())
        keys.push_back(k), sums.push_back(x);
      else
        sums[static_cast<std::size_t>(it - keys.begin())] =
            Value(sums[static_cast<std::size_t>(it - keys.begin())].as_int() + x.as_int());
    }
    List expected;
    for (std::size_t i = 0; i < keys.size(); ++i) expected.push_back(Value(List{keys[i], sums[i]}));
    CHECK(b.foldby("bag_test_mod3", "add", Value(0), "add", Value(0)).compute(ex) == expected);
    if (n > 0) {
      Value top = *std::max_element(xs.begin(), xs.end(), [](const Value& a, const Value& c) {
        return a.as_int() < c.as_int();
      });
      CHECK(b.fold("max").compute(ex) == top);
      CHECK(Bag::from_sequence(xs, 1).reduction("max", "max").compute(ex) == top);
    } else {
      CHECK_THROWS_WITH_AS(b.reduction("max", "max").compute(ex),
                           doctest::Contains("max: of an empty sequence"), Error);
    }
  }
  CHECK_THROWS_WITH_AS(Bag::from_sequence(List{}, 3).fold("add").compute(ex),
                       doctest::Contains("empty"), Error);
}

TEST_CASE("groupby: every element in its key's group, in order, on partitions chosen by hash") {
  for (std::int64_t n : {0, 3, 250}) {
    List xs = ints(n);
    Bag g = Bag::from_sequence(xs, 6).groupby("bag_test_mod3", 4);
    CHECK(g.npartitions() == 4);
    std::map<std::int64_t, List> expected, got;
    for (const Value& x : xs) expected[x.as_int() % 3].push_back(x);
    List all = g.compute(ex);
    for (const Value& kv : all) {
      std::int64_t k = kv.as_list()[0].as_int();
      CHECK(got.count(k) == 0);  // each key once
      got[k] = kv.as_list()[1].as_list();
    }
    CHECK(got == expected);
  }
}

TEST_CASE(
    "read_text: lines without terminators, blocks cut at line boundaries, gzip, globs; word "
    "count") {
  TempDir dir;
  std::string text = text_with_words(300);
  std::string a = dir.write("a.txt", text);
  std::string b = dir.write("b.txt", "last line without newline\n\nx");
  dir.write("empty.txt", "");
  std::string gz = dir.write_gz("c.txt.gz", text);
  std::vector<std::string> expected_lines = lines_of(text);
  List lines;
  for (const auto& l : expected_lines) lines.emplace_back(l);
  for (std::size_t blocksize :
       {std::size_t{0}, std::size_t{5}, std::size_t{100}, std::size_t{1} << 20}) {
    TextOptions o;
    o.blocksize = blocksize;
    Bag t = Bag::read_text(a, o);
    CHECK(t.compute(ex) == lines);
    CHECK(t.count().compute(ex).as_int() == static_cast<std::int64_t>(lines.size()));
    List words;
    for (const auto& l : expected_lines) {
      for (const auto& w : split_ws(l)) words.emplace_back(w);
    }
    CHECK(t.map("str.split").flatten().compute(ex) == words);
    CHECK(t.flat_map("str.split").frequencies().compute(ex) == reference_frequencies(words));
    CHECK(t.flat_map("str.split").distinct().count().compute(ex).as_int() == 23);
  }
  CHECK(Bag::read_text(gz).npartitions() == 1);
  CHECK(Bag::read_text(gz).compute(ex) == lines);
  CHECK(Bag::read_text(b).compute_as<std::string>(ex) ==
        std::vector<std::string>{"last line without newline", "", "x"});
  CHECK(Bag::read_text((dir.path / "empty.txt").string()).compute(ex).empty());
  CHECK(Bag::read_text((dir.path / "*.txt").string()).count().compute(ex).as_int() ==
        static_cast<std::int64_t>(lines.size()) + 3);
  CHECK(Bag::read_text(std::vector<std::string>{b, a}).compute(ex).size() == lines.size() + 3);
  // Text functions with fast paths agree with their general forms.
  Bag t = Bag::read_text(a, {.blocksize = 64});
  List stripped, upper, tagged;
  for (const auto& l : expected_lines) {
    std::string s = l;
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    if (!s.empty()) stripped.emplace_back(s);
    if (l.find("w1") != std::string::npos) tagged.emplace_back(l);
  }
  CHECK(t.map("str.strip").filter("bool").compute(ex) == stripped);
  CHECK(t.filter(Func("str.contains", "w1")).compute(ex) == tagged);
  CHECK(t.map("str.upper").map("str.lower").compute(ex) == lines);
  CHECK(t.map("len").fold("add", Value(0)).compute(ex).as_int() ==
        static_cast<std::int64_t>(text.size() - lines.size() -
                                  60));  // less "\n" per line and the 60 "\r"
}

TEST_CASE("JSON lines: records, pluck, to_dataframe inferred and given, json.dumps round trip") {
  TempDir dir;
  std::string p =
      dir.write("r.jsonl",
                "{\"name\": \"ann\", \"age\": 31, \"score\": 1.5, \"tags\": [\"a\"]}\n"
                "{\"name\": \"bob\", \"age\": null, \"score\": 2, \"tags\": []}\n"
                "{\"age\": 7, \"name\": \"cy\", \"score\": -0.25, \"tags\": [\"b\", \"c\"]}\n");
  Bag r = Bag::read_json_lines(p, {.blocksize = 40});
  List recs = r.compute(ex);
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].as_record().at("tags") == Value(List{Value("a")}));
  CHECK(recs[2] == Value(Record{{"name", Value("cy")},
                                {"age", Value(7)},
                                {"score", Value(-0.25)},
                                {"tags", Value(List{Value("b"), Value("c")})}}));
  CHECK(r.pluck("name").compute_as<std::string>(ex) ==
        std::vector<std::string>{"ann", "bob", "cy"});
  CHECK(r.pluck("tags").flatten().frequencies().compute(ex) ==
        List{Value(List{Value("a"), Value(1)}), Value(List{Value("b"), Value(1)}),
             Value(List{Value("c"), Value(1)})});
  DataFrame df = r.to_dataframe(Schema{}, ex);
  CHECK(df.schema().str() == "name: string, age: int64, score: float64, tags: string");
  Table t =
      Bag::read_json_lines(p)
          .map("json.dumps")
          .map("json.parse")
          .to_dataframe(Schema{{"name", "score"}, {DataType::kString, DataType::kFloat64}}, ex)
          .compute(ex);
  REQUIRE(t.num_rows() == 3);
  CHECK(t.column("score").float64s()[1] == 2.0);
  Table ages = r.to_dataframe(Schema{{"age"}, {DataType::kInt64}}, ex).compute(ex);
  CHECK(ages.column("age").is_valid(0));
  CHECK(!ages.column("age").is_valid(1));
  CHECK_THROWS_WITH_AS(r.to_dataframe(Schema{{"name"}, {DataType::kInt64}}, ex).compute(ex),
                       doctest::Contains("column 'name' is int64"), Error);
}

TEST_CASE(
    "to_textfiles: one file per partition (gzip by name), read back equal; bad patterns and "
    "elements") {
  TempDir dir;
  Bag words =
      Bag::from_sequence(List{Value("a"), Value("bb"), Value(""), Value("ccc"), Value("d")}, 3);
  auto paths = words.map("str.upper").to_textfiles((dir.path / "part-*.txt").string(), ex);
  REQUIRE(paths.size() == 3);
  CHECK(fs::exists(dir.path / "part-2.txt"));
  CHECK(Bag::read_text(paths).compute_as<std::string>(ex) ==
        std::vector<std::string>{"A", "BB", "", "CCC", "D"});
  auto gz = words.to_textfiles((dir.path / "z-*.txt.gz").string(), ex);
  CHECK(Bag::read_text(gz).compute(ex) == words.compute(ex));
  CHECK_THROWS_WITH_AS(words.to_textfiles((dir.path / "out.txt").string(), ex),
                       doctest::Contains("no '*'"), Error);
  CHECK_THROWS_WITH_AS(
      Bag::from_sequence(ints(3)).to_textfiles((dir.path / "n-*.txt").string(), ex),
      doctest::Contains("json.dumps"), Error);
  for (const auto& e : fs::directory_iterator(dir.path))
    CHECK(e.path().string().find(".tmp") == std::string::npos);
}

TEST_CASE(
    "bad input: a malformed JSON line names its file and line; a missing file; unknown functions") {
  TempDir dir;
  std::string body;
  for (int i = 0; i < 50; ++i) body += "{\"i\": " + std::to_string(i) + "}\n";
  body += "{\"i\": oops}\n";
  std::string p = dir.write("bad.jsonl", body);
  for (std::size_t blocksize : {std::size_t{0}, std::size_t{64}}) {
    CHECK_THROWS_WITH_AS(Bag::read_json_lines(p, {.blocksize = blocksize}).count().compute(ex),
                         doctest::Contains((p + ":51: malformed JSON").c_str()), Error);
  }
  CHECK_THROWS_WITH_AS(Bag::read_text((dir.path / "nope.txt").string()),
                       doctest::Contains("no such file"), Error);
  CHECK_THROWS_WITH_AS(Bag::read_text((dir.path / "*.csv").string()),
                       doctest::Contains("no file matches"), Error);
  Bag b = Bag::from_sequence(ints(5));
  CHECK_THROWS_WITH_AS(b.map("no.such.fn"),
                       doctest::Contains("unknown element function 'no.such.fn'"), Error);
  CHECK_THROWS_WITH_AS(b.fold("str.split"),
                       doctest::Contains("unknown binary function 'str.split'"), Error);
  CHECK_THROWS_WITH_AS(b.reduction("nope", "sum"), doctest::Contains("SHOAL_FUNCTION"), Error);
  CHECK_THROWS_WITH_AS(b.map_partitions("no.such.op"), doctest::Contains("no.such.op"), Error);
  CHECK_THROWS_WITH_AS(b.map("str.lower").compute(ex),
                       doctest::Contains("expected a string element"), Error);
  CHECK_THROWS_WITH_AS(b.flatten().compute(ex), doctest::Contains("expected a list to flatten"),
                       Error);
  CHECK_THROWS_WITH_AS(Bag::read_text(p, {.compression = "zip"}),
                       doctest::Contains("unknown compression"), Error);
  std::string notgz = dir.write("plain.gz", "not gzip at all\n");
  CHECK_THROWS_WITH_AS(Bag::read_text(notgz).compute(ex), doctest::Contains("not valid gzip"),
                       Error);
}

TEST_CASE("map_partitions runs a registered op on each partition's list; persist keeps results") {
  Bag b = Bag::from_sequence(ints(30), 4).map("bag_test_triple");
  Bag counts = b.map_partitions("list");  // wraps each partition's list in a list
  List parts = counts.compute(ex);
  REQUIRE(parts.size() == 4);
  CHECK(parts[0].as_list().size() + parts[1].as_list().size() + parts[2].as_list().size() +
            parts[3].as_list().size() ==
        30);
  Bag kept = b.persist(ex);
  CHECK(kept.compute(ex) == b.compute(ex));
  CHECK(kept.graph().size() == 4);
}

TEST_CASE(
    "word splitting and counting: odd bytes, long and many distinct words, against a naive "
    "reference") {
  // Python's str.split() whitespace: \t \n \v \f \r, \x1c-\x1f and space.
  auto is_ws = [](char c) { return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f); };
  const char alphabet[] = {'a',    'b',    'c',    ' ',  '\t', '\n', '\x01',
                           '\x1c', '\x1f', '\xe9', '\v', '\0', 'Z'};
  std::string text;
  std::uint64_t s = 7;
  for (int i = 0; i < 20000; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    text += alphabet[(s >> 33) % sizeof alphabet];
    if (i % 997 == 0) text += std::string(20 + i % 50, 'q');  // words longer than 8 bytes
  }
  text += std::string(30000, 'L') + " " + std::string(30000, 'L') + " tail";  // arena-sized words
  for (int w = 0; w < 30000; ++w)
    text += " d" + std::to_string(w * 7919 % 40000);  // many distinct: the table grows
  List words;
  std::string cur;
  for (char c : text) {
    if (is_ws(c)) {
      if (!cur.empty()) words.emplace_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.emplace_back(cur);
  TempDir dir;
  std::string p = dir.write("odd.txt", text);
  for (std::size_t blocksize : {std::size_t{0}, std::size_t{4096}}) {
    Bag lines = Bag::read_text(p, {.blocksize = blocksize});
    // Whole blocks go to the word splitter: the same words as line by line.
    CHECK(lines.flat_map("str.split").compute(ex) == words);
    CHECK(lines.flat_map("str.split").count().compute(ex).as_int() ==
          static_cast<std::int64_t>(words.size()));
    CHECK(lines.flat_map("str.split").frequencies().compute(ex) == reference_frequencies(words));
    List distinct;
    for (const Value& f : reference_frequencies(words)) distinct.push_back(f.as_list()[0]);
    CHECK(lines.flat_map("str.split").distinct().compute(ex) == distinct);
  }
  CHECK(Bag::from_sequence(List{Value(text)}).map("str.split").flatten().compute(ex) == words);
}

TEST_CASE("a step after the word splitter that fails still names the file and line") {
  TempDir dir;
  std::string p = dir.write("nums.txt", "1 2 3\n4 5\n6 seven 8\n9\n");
  CHECK_THROWS_WITH_AS(
      Bag::read_text(p).flat_map("str.split").map("int").fold("add", Value(0)).compute(ex),
      doctest::Contains((p + ":3: int: 'seven' is not an integer").c_str()), Error);
  std::string good = dir.write("good.txt", "1 2 3\n4 5\n6 7 8\n9\n");
  CHECK(Bag::read_text(good).flat_map("str.split").map("int").fold("add", Value(0)).compute(ex) ==
        Value(45));
}
