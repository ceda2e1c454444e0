// encode_value / decode_value: round trips of every kind, limits.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "random_values.h"
#include "shoal/value_codec.h"

using namespace shoal;
using shoal::testing::nested_lists;
using shoal::testing::RandomValues;

namespace {

Value round_trip(const Value& v) {
  return decode_value(encode_value(v));
}

std::shared_ptr<const Column> all_null_column(DataType type, std::size_t rows) {
  RandomValues r(1);
  auto c = r.column(type, rows);
  return std::make_shared<const Column>(type, c->storage(),
                                        std::vector<std::uint8_t>((rows + 7) / 8, 0));
}

}  // namespace

TEST_CASE("10,000 random values round-trip") {
  RandomValues r(20261124);
  for (int i = 0; i < 10000; ++i) {
    Value v = r.value();
    auto bytes = encode_value(v);
    Value back = decode_value(bytes);
    REQUIRE_MESSAGE(back == v, "value #" << i << ": " << v.repr());
    REQUIRE(back.kind() == v.kind());
  }
}

TEST_CASE("scalars: NaN, infinities, -0.0, int64 extremes, empty string and bytes") {
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  for (double d : {nan, inf, -inf, -0.0, 1e-310}) {
    Value back = round_trip(Value(d));
    REQUIRE(back.is_float());
    if (std::isnan(d))
      CHECK(std::isnan(back.as_float()));
    else
      CHECK(back.as_float() == d);
    CHECK(std::signbit(back.as_float()) == std::signbit(d));
  }
  CHECK(round_trip(Value(std::numeric_limits<long long>::min())).as_int() ==
        std::numeric_limits<long long>::min());
  CHECK(round_trip(Value()).is_null());
  CHECK(round_trip(Value(true)).as_bool());
  CHECK(round_trip(Value("")).as_string().empty());
  CHECK(round_trip(Value(Bytes{})).as_bytes().empty());
  std::string with_nul("a\0b", 3);
  CHECK(round_trip(Value(with_nul)).as_string() == with_nul);
}

TEST_CASE("a 1 MiB string") {
  std::string big(1 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4099) big[i] = static_cast<char>(i);
  Value back = round_trip(Value(big));
  CHECK(back.as_string() == big);
}

TEST_CASE("tables: empty, all-null columns, strings with nulls") {
  CHECK(round_trip(Value(Table())) == Value(Table()));
  Table no_rows({"a", "s"}, {std::make_shared<const Column>(Column::from_int64({})),
                             std::make_shared<const Column>(Column::from_strings({}))});
  CHECK(round_trip(Value(no_rows)).as_table() == no_rows);
  for (auto type : {DataType::kBool, DataType::kInt64, DataType::kFloat64, DataType::kString,
                    DataType::kTimestamp}) {
    Table t({"x"}, {all_null_column(type, 13)});
    Value back = round_trip(Value(t));
    CHECK(back.as_table() == t);
    CHECK(back.as_table().column(0).null_count() == 13);
    CHECK(back.as_table().column(0).type() == type);
  }
  auto strings = Column::from_strings({"", "hello", std::string(1000, 'z'), ""});
  Table t({"s"}, {std::make_shared<const Column>(DataType::kString, strings.storage(),
                                                 std::vector<std::uint8_t>{0b1011})});
  Table back = round_trip(Value(t)).as_table();
  CHECK(back == t);
  CHECK(back.column(0).string_at(2) == std::string(1000, 'z'));
  CHECK_FALSE(back.column(0).is_valid(2));
}

TEST_CASE("tensors: 0-d and 5-d of every dtype") {
  RandomValues r(7);
  for (auto dtype : {DType::kFloat64, DType::kFloat32, DType::kInt64, DType::kBool}) {
    for (auto shape : {std::vector<std::int64_t>{}, std::vector<std::int64_t>{2, 3, 1, 4, 2},
                       std::vector<std::int64_t>{0}, std::vector<std::int64_t>{3, 0, 2}}) {
      Tensor t = r.tensor(dtype, shape);
      Value back = round_trip(Value(t));
      REQUIRE(back.is_tensor());
      CHECK(back.as_tensor() == t);
      CHECK(back.as_tensor().dtype() == dtype);
      CHECK(back.as_tensor().shape() == shape);
    }
  }
}

TEST_CASE("nesting: lists up to kMaxNesting decode, one deeper is refused when decoding") {
  Value deepest = nested_lists(kMaxNesting);
  CHECK(round_trip(deepest) == deepest);
  // Encoding never refuses (the value exists already); every reader refuses
  // what it cannot safely read.
  auto too_deep = encode_value(nested_lists(kMaxNesting + 1));
  CHECK_THROWS_WITH_AS(decode_value(too_deep), doctest::Contains("nest deeper than the limit"),
                       DecodeError);
  DecodeLimits tight;
  tight.max_nesting = 3;
  CHECK(decode_value(encode_value(nested_lists(3)), tight) == nested_lists(3));
  CHECK_THROWS_AS(decode_value(encode_value(nested_lists(4)), tight), DecodeError);
}

TEST_CASE("limits: message size cap, unaligned input, trailing bytes") {
  auto bytes = encode_value(Value(std::string(1000, 'q')));
  DecodeLimits small;
  small.max_message_bytes = 512;
  CHECK_THROWS_WITH_AS(decode_value(bytes, small), doctest::Contains("exceeds the limit"),
                       DecodeError);

  std::vector<std::byte> shifted(bytes.size() + 1);
  std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
  CHECK(decode_value(std::span(shifted).subspan(1)).as_string() == std::string(1000, 'q'));

  auto longer = bytes;
  longer.resize(bytes.size() + 8);
  CHECK_THROWS_WITH_AS(decode_value(longer), doctest::Contains("trailing"), DecodeError);
  CHECK_THROWS_AS(decode_value({}), DecodeError);
}

TEST_CASE("a Table alone: encode_table / decode_table") {
  RandomValues r(99);
  for (int i = 0; i < 200; ++i) {
    Table t = r.table(200);
    CHECK(decode_table(encode_table(t)) == t);
  }
}

TEST_CASE("custom values cannot be encoded") {
  struct Point : CustomValue {
    std::string type_name() const override { return "test.Point"; }
    std::uint64_t hash() const override { return 1; }
    bool equals(const CustomValue&) const override { return true; }
  };
  Value v(std::shared_ptr<const CustomValue>(std::make_shared<Point>()));
  CHECK_THROWS_WITH_AS(encode_value(v), doctest::Contains("test.Point"), EncodeError);
}

TEST_CASE("records: fields keep their order, nest, and round-trip inside lists") {
  Record inner{{"z", Value(1)}, {"a", Value(List{Value("x"), Value()})}};
  Record outer{{"name", Value("alice")},
               {"inner", Value(inner)},
               {"empty", Value(Record{})},
               {"score", Value(2.5)}};
  Value back = round_trip(Value(outer));
  REQUIRE(back.is_record());
  CHECK(back == Value(outer));
  std::vector<std::string> names;
  for (const auto& [name, v] : back.as_record()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"name", "inner", "empty", "score"});
  CHECK(back.as_record().at("inner").as_record().at("a").as_list().size() == 2);
  CHECK(round_trip(Value(List{Value(outer), Value(Record{})})) ==
        Value(List{Value(outer), Value(Record{})}));
}
