// Key and tokenize(): format, equality, hashing, determinism.
#include <doctest/doctest.h>

#include <set>
#include <unordered_set>
#include <vector>

#include "shoal/error.h"
#include "shoal/key.h"
#include "shoal/value.h"

using namespace shoal;

TEST_CASE("str() prints the name and the index tuple") {
  CHECK(Key("name", {3}).str() == "(\"name\", 3)");
  CHECK(Key("zeros-1b2c", {0, 4}).str() == "(\"zeros-1b2c\", 0, 4)");
  CHECK(Key("x", {-1}).str() == "(\"x\", -1)");
  CHECK(Key("just-a-name").str() == "just-a-name");
  CHECK(Key("n", {1}).name() == "n");
  CHECK(Key("n", {1, 2}).index().size() == 2);
  CHECK(Key("n", {1, 2}).index()[1] == 2);
}

TEST_CASE("prefix() drops the token") {
  CHECK(Key("read-csv-9f2c41ab").prefix() == "read-csv");
  CHECK(Key("plain").prefix() == "plain");
}

TEST_CASE("equality and hashing") {
  CHECK(Key("a", {1}) == Key("a", {1}));
  CHECK(Key("a", {1}).hash() == Key("a", {1}).hash());
  CHECK_FALSE(Key("a", {1}) == Key("a", {2}));
  CHECK_FALSE(Key("a", {1}) == Key("b", {1}));
  CHECK_FALSE(Key("a", {1}) == Key("a", {1, 0}));
  CHECK_FALSE(Key("a") == Key("a", {0}));
  std::vector<std::int64_t> idx{1, 2};
  CHECK(Key("a", std::span<const std::int64_t>(idx)) == Key("a", {1, 2}));
  CHECK(std::hash<Key>{}(Key("a", {1, 2})) == Key("a", {1, 2}).hash());

  // Distinct keys spread over distinct hashes.
  std::unordered_set<std::size_t> hashes;
  std::unordered_set<Key> keys;
  for (std::int64_t i = 0; i < 100; ++i) {
    for (std::int64_t j = 0; j < 10; ++j) {
      Key k("k-" + std::to_string(j), {i, j});
      hashes.insert(k.hash());
      keys.insert(k);
      keys.insert(Key("k-" + std::to_string(j), {i, j}));  // a duplicate
    }
  }
  CHECK(hashes.size() == 1000);
  CHECK(keys.size() == 1000);

  // Strict weak order: by name, then index.
  CHECK(Key("a", {5}) < Key("b", {0}));
  CHECK(Key("a", {1}) < Key("a", {2}));
  CHECK(Key("a", {1}) < Key("a", {1, 0}));
  CHECK_FALSE(Key("a", {2}) < Key("a", {1}));
  CHECK_FALSE(Key("a", {1}) < Key("a", {1}));
  std::set<Key> ordered{Key("b", {0}), Key("a", {2}), Key("a", {1})};
  CHECK(ordered.begin()->str() == "(\"a\", 1)");
}

TEST_CASE("copies keep their hash and compare equal") {
  Key k("inc-0123456789abcdef", {7, 8, 9});
  Key copy = k;
  CHECK(copy == k);
  CHECK(copy.hash() == k.hash());
  Key moved = std::move(copy);
  CHECK(moved == k);
}

TEST_CASE("the index rank is limited") {
  std::vector<std::int64_t> eight(Key::kMaxIndex, 1), nine(Key::kMaxIndex + 1, 1);
  CHECK(Key("x", std::span<const std::int64_t>(eight)).index().size() == Key::kMaxIndex);
  CHECK_THROWS_WITH_AS(Key("deep", std::span<const std::int64_t>(nine)),
                       doctest::Contains("'deep' has an index of rank 9; at most 8"), Error);
  CHECK_THROWS_AS(Key("deep", {1, 2, 3, 4, 5, 6, 7, 8, 9}), Error);
}

TEST_CASE("tokenize is deterministic") {
  CHECK(tokenize("inc", Value(1)) == tokenize("inc", Value(1)));
  CHECK(tokenize("inc", Value(1)).size() == 16);
  for (char c : tokenize("x")) CHECK(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')));
  // Pinned, so that a change of the hash (which changes every key) is seen.
  CHECK(tokenize("inc", Value(1)) == "b405e717c09908db");
  CHECK(tokenize("read-csv", std::int64_t{3}, Key("a", {1})) == "59a2b01c6d219e30");
  Tokenizer t;
  t.add("inc").add(Value(1));
  CHECK(t.hex() == tokenize("inc", Value(1)));
}

TEST_CASE("tokenize is sensitive to every part and to their order") {
  std::set<std::string> tokens{
      tokenize("inc", Value(1)),
      tokenize("inc", Value(2)),
      tokenize("inc", Value(1.0)),
      tokenize("inc", Value("1")),
      tokenize("dec", Value(1)),
      tokenize("inc"),
      tokenize("inc", Value(1), Value(1)),
      tokenize(Value(1), "inc"),
      tokenize("inc", std::int64_t{1}),
      tokenize("inc", Key("a", {1})),
      tokenize("inc", Key("a", {2})),
      tokenize("in", "c"),
      tokenize("i", "nc"),
      tokenize("inc", Value(List{1, 2})),
      tokenize("inc", Value(List{2, 1})),
      tokenize(),
  };
  CHECK(tokens.size() == 16);
}

TEST_CASE("mix64 and hash_bytes") {
  CHECK(mix64(0) == 0);  // the murmur3 finalizer fixes 0
  CHECK(mix64(1) != mix64(2));
  const char a[] = "abcdefghij";
  CHECK(hash_bytes(a, 10) == hash_bytes(a, 10));
  CHECK(hash_bytes(a, 10) != hash_bytes(a, 9));
  CHECK(hash_bytes(a, 10) != hash_bytes(a, 10, 1));
  CHECK(hash_bytes(a, 0) != hash_bytes(a, 0, 1));
}
