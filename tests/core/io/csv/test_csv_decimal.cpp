// The batch number converters (core/src/io/csv/decimal_batch.h) against strtod
// and from_chars and against a plain statement of which fields they must
// take: every shape of field a CSV column may hold, in batches of every
// size, some of them too close to the end of the readable bytes to be taken.
#include <doctest/doctest.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "io/csv/decimal_batch.h"

using shoal::detail::parse_decimals;

namespace {

// [-]digits[.digits], at most 15 digits, the point neither first nor last:
// what a fast path may take. The vector path takes every one of at most 16
// bytes; the word-at-a-time path (CPUs without AVX2) at most 8 digits each
// side of the point.
bool plain_decimal(const std::string& s) {
  std::size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  std::size_t digits = 0, points = 0, point = 0;
  for (std::size_t k = i; k < s.size(); ++k) {
    if (s[k] >= '0' && s[k] <= '9')
      ++digits;
    else if (s[k] == '.')
      ++points, point = k;
    else
      return false;
  }
  if (digits == 0 || digits > 15 || points > 1) return false;
  return points == 0 || (point != i && point + 1 != s.size());
}

std::string random_field(std::mt19937_64& rng) {
  static const char* odd[] = {"",
                              "-",
                              "+1.5",
                              ".5",
                              "5.",
                              "1.2.3",
                              "nan",
                              "inf",
                              "-0",
                              "0",
                              "1e5",
                              "abc",
                              "--1",
                              "1-",
                              "0.000000000000001",
                              "999999999999999",
                              "9999999999999999",
                              "-123456789.123456",
                              "12345678901234567",
                              " 1",
                              "1 ",
                              "1,5"};
  if (rng() % 5 == 0) return odd[rng() % std::size(odd)];
  int digits = 1 + static_cast<int>(rng() % 17);
  int point = static_cast<int>(rng() % (digits + 1));
  std::string s = rng() % 3 == 0 ? "-" : "";
  for (int d = 0; d < digits; ++d) {
    if (d == point && d > 0) s += '.';
    s += static_cast<char>('0' + rng() % 10);
  }
  return s;
}

// Runs f(vector) with the vector paths on (where the CPU has them) and off.
template <class F>
void for_each_path(F f) {
  for (bool vector : {true, false}) {
    if (!shoal::detail::use_vector_numbers(vector)) continue;
    INFO((vector ? "vector path" : "scalar path"));
    f(vector);
  }
  shoal::detail::use_vector_numbers(true);
}

// A batch of 1..32 random fields, comma-separated in one buffer that
// sometimes ends right after the last field (too close to be read 16 bytes
// at a time).
struct RandomBatch {
  std::vector<std::string> text;
  std::string buffer;
  std::vector<std::size_t> at;
  std::vector<std::string_view> fields;

  template <class Field>
  RandomBatch(std::mt19937_64& rng, Field random_field) {
    const std::size_t n = 1 + rng() % 32;
    for (std::size_t i = 0; i < n; ++i) {
      text.push_back(random_field(rng));
      at.push_back(buffer.size());
      buffer += text.back() + ",";
    }
    if (rng() % 4 != 0) buffer += std::string(32, '7');
    for (std::size_t i = 0; i < n; ++i) fields.emplace_back(buffer.data() + at[i], text[i].size());
  }
  std::size_t size() const { return fields.size(); }
  const char* lo() const { return buffer.data(); }
  const char* hi() const { return buffer.data() + buffer.size(); }
  /// Whether field i may be read 16 bytes at a time (18 past its start).
  bool room(std::size_t i) const { return at[i] + 18 <= buffer.size(); }
};

}  // namespace

TEST_CASE("batch decimals: the fields taken are plain decimals, each the double strtod gives") {
  for_each_path([](bool vector) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 400; ++round) {
      RandomBatch b(rng, random_field);
      const std::size_t n = b.size();
      double out[33];
      for (double& d : out) d = -12345.0;
      const std::uint32_t ok = parse_decimals(b.fields.data(), n, out, b.lo(), b.hi());
      CHECK(out[n] == -12345.0);  // nothing written past the batch
      CHECK((n == 32 || (ok >> n) == 0));
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& t = b.text[i];
        INFO("field '" << t << "' of " << n);
        const bool taken = (ok >> i) & 1;
        if (taken) CHECK((plain_decimal(t) && b.room(i)));
        if (vector) CHECK(taken == (plain_decimal(t) && t.size() <= 16 && b.room(i)));
        if (taken) {
          const double want = std::strtod(t.c_str(), nullptr);
          CHECK(out[i] == want);
          CHECK(std::signbit(out[i]) == std::signbit(want));
        }
      }
    }
  });
}

TEST_CASE("batch decimals: fields outside the readable range are left alone") {
  for_each_path([](bool) {
    std::string buffer = "1.25," + std::string(40, '0');
    std::string_view f(buffer.data(), 4);
    double out[1] = {0};
    CHECK(parse_decimals(&f, 1, out, buffer.data() + 1, buffer.data() + buffer.size()) == 0);
    CHECK(parse_decimals(&f, 1, out, buffer.data(), buffer.data() + buffer.size()) == 1);
    CHECK(out[0] == 1.25);
  });
}

namespace {

// [-]digits of at most 16 bytes: what the vector path takes as an integer.
bool plain_integer(const std::string& s) {
  if (s.empty() || s.size() > 16) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

std::string random_integer(std::mt19937_64& rng) {
  static const char* odd[] = {"",
                              "-",
                              "+7",
                              "1.0",
                              "1e5",
                              "0x10",
                              "--1",
                              "1-",
                              " 1",
                              "-0",
                              "007",
                              "9223372036854775807",
                              "-9223372036854775808",
                              "9999999999999999",
                              "-999999999999999"};
  if (rng() % 5 == 0) return odd[rng() % std::size(odd)];
  std::string s = rng() % 3 == 0 ? "-" : "";
  for (int d = 0, n = 1 + static_cast<int>(rng() % 19); d < n; ++d)
    s += static_cast<char>('0' + rng() % 10);
  return s;
}

}  // namespace

TEST_CASE("batch integers: the fields taken are [-]digits, each the value from_chars gives") {
  for_each_path([](bool vector) {
    std::mt19937_64 rng(13);
    for (int round = 0; round < 400; ++round) {
      RandomBatch b(rng, random_integer);
      const std::size_t n = b.size();
      std::int64_t out[33];
      for (auto& v : out) v = -777;
      const std::uint32_t ok =
          shoal::detail::parse_integers(b.fields.data(), n, out, b.lo(), b.hi());
      CHECK(out[n] == -777);  // nothing written past the batch
      for (std::size_t i = 0; i < n; ++i) {
        const std::string& t = b.text[i];
        INFO("field '" << t << "' of " << n);
        const bool taken = (ok >> i) & 1;
        if (taken) CHECK((plain_integer(t) && b.room(i)));
        if (vector) CHECK(taken == (plain_integer(t) && b.room(i)));
        if (taken) {
          std::int64_t want = 0;
          std::from_chars(t.data(), t.data() + t.size(), want);
          CHECK(out[i] == want);
        }
      }
    }
  });
}
