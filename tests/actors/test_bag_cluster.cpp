// Bag on a LocalCluster: the fused text pipeline, reductions and the groupby
// shuffle give what InlineExecutor gives, and what a plain loop gives.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "shoal/bag.h"
#include "shoal/inline_executor.h"
#include "shoal/local_cluster.h"

using namespace shoal;

TEST_CASE(
    "word count, distinct, groupby and JSON records on a LocalCluster equal the inline and loop "
    "results") {
  auto dir =
      std::filesystem::temp_directory_path() / ("shoal-bag-cluster-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto text = (dir / "words.txt").string(), json = (dir / "r.jsonl").string();
  std::map<std::string, std::int64_t> expected;
  {
    std::ofstream out(text), js(json);
    for (int i = 0; i < 20000; ++i) {
      for (int w = 0; w < i % 6; ++w) {
        std::string word = "w" + std::to_string((i * 7 + w * 13) % 101);
        out << word << ' ';
        ++expected[word];
      }
      out << '\n';
      js << "{\"k\": " << i % 13 << ", \"v\": \"" << i << "\"}\n";
    }
  }
  LocalCluster cluster({.workers = 2, .threads_per_worker = 1});
  InlineExecutor inline_executor;
  Bag words = Bag::read_text(text, {.blocksize = 8 << 10}).flat_map("str.split");
  REQUIRE(Bag::read_text(text, {.blocksize = 8 << 10}).npartitions() > 8);
  List freq = words.frequencies().compute(cluster);
  CHECK(freq == words.frequencies().compute(inline_executor));
  std::map<std::string, std::int64_t> got;
  for (const Value& p : freq) got[p.as_list()[0].as_string()] = p.as_list()[1].as_int();
  CHECK(got == expected);
  CHECK(words.frequencies().topk(5, 1).compute(cluster) ==
        words.frequencies().topk(5, 1).compute(inline_executor));
  CHECK(words.distinct().count().compute(cluster).as_int() ==
        static_cast<std::int64_t>(expected.size()));
  Bag records = Bag::read_json_lines(json, {.blocksize = 16 << 10});
  Bag groups = records.groupby(Func("getitem", "k"), 3);
  List a = groups.compute(cluster), b = groups.compute(inline_executor);
  CHECK(a == b);
  CHECK(a.size() == 13);
  std::int64_t members = 0;
  for (const Value& g : a) members += static_cast<std::int64_t>(g.as_list()[1].as_list().size());
  CHECK(members == 20000);
  CHECK(records.pluck("v").map("int").fold("add", Value(0)).compute(cluster).as_int() ==
        19999LL * 20000 / 2);
  std::filesystem::remove_all(dir);
}
