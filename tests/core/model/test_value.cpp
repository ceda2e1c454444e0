// Value, Column, Table, Tensor: kinds, sharing, equality, hashing, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "shoal/column.h"
#include "shoal/error.h"
#include "shoal/table.h"
#include "shoal/tensor.h"
#include "shoal/value.h"

using namespace shoal;

namespace {

class Point : public CustomValue {
 public:
  Point(int x, int y) : x_(x), y_(y) {}
  std::string type_name() const override { return "test.Point"; }
  std::uint64_t hash() const override { return static_cast<std::uint64_t>(x_) * 31 + y_; }
  bool equals(const CustomValue& other) const override {
    const auto* p = dynamic_cast<const Point*>(&other);
    return p && p->x_ == x_ && p->y_ == y_;
  }

 private:
  int x_, y_;
};

Table small_table() {
  return Table({"a", "b"}, {std::make_shared<const Column>(Column::from_int64({1, 2, 3})),
                            std::make_shared<const Column>(Column::from_strings({"x", "yy", ""}))});
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("every kind is built, reported and read back") {
  CHECK(Value().kind() == ValueKind::kNull);
  CHECK(Value(nullptr).is_null());
  CHECK(Value(true).kind() == ValueKind::kBool);
  CHECK(Value(true).as_bool());
  CHECK_FALSE(Value(false).as_bool());
  CHECK(Value(42).kind() == ValueKind::kInt);
  CHECK(Value(std::int64_t{-7}).as_int() == -7);
  CHECK(Value(1LL << 40).as_int() == (1LL << 40));
  CHECK(Value(2.5).kind() == ValueKind::kFloat);
  CHECK(Value(2.5).as_float() == 2.5);
  CHECK(Value(3).as_float() == 3.0);  // an int reads as a float
  CHECK(Value(3).is_number());
  CHECK(Value("abc").kind() == ValueKind::kString);
  CHECK(Value(std::string("abc")).as_string() == "abc");
  CHECK(Value(std::string_view("ab")).as_string() == "ab");
  Bytes bytes{std::byte{1}, std::byte{2}};
  CHECK(Value(bytes).kind() == ValueKind::kBytes);
  CHECK(Value(bytes).as_bytes() == bytes);
  Value list(List{1, 2.5, "x", List{}});
  CHECK(list.kind() == ValueKind::kList);
  REQUIRE(list.as_list().size() == 4);
  CHECK(list.as_list()[2].as_string() == "x");
  CHECK(list.as_list()[3].as_list().empty());
  CHECK(Value(small_table()).kind() == ValueKind::kTable);
  CHECK(Value(small_table()).as_table().num_rows() == 3);
  Value tensor(Tensor({2, 2}, std::vector<double>{1, 2, 3, 4}));
  CHECK(tensor.kind() == ValueKind::kTensor);
  CHECK(tensor.as_tensor().values<double>()[3] == 4);
  Value custom(std::make_shared<const Point>(1, 2));
  CHECK(custom.kind() == ValueKind::kCustom);
  CHECK(custom.as_custom().type_name() == "test.Point");

  CHECK(kind_name(ValueKind::kInt) == "int64");
  CHECK(kind_name(ValueKind::kFloat) == "float64");
  CHECK(kind_name(ValueKind::kTensor) == "tensor");
}

TEST_CASE("copies share their data") {
  Value s("a string long enough not to be small, so it lives on the heap");
  Value s2 = s;
  CHECK(&s.as_string() == &s2.as_string());
  Value l(List{1, 2, 3});
  Value l2 = l;
  CHECK(&l.as_list() == &l2.as_list());
  Value b(Bytes(100));
  CHECK(&Value(b).as_bytes() == &b.as_bytes());
  Value t(small_table());
  Value t2 = t;
  CHECK(&t.as_table() == &t2.as_table());
  CHECK(t.table_ptr().get() == t2.table_ptr().get());
  CHECK(t.table_ptr().use_count() >= 3);  // t, t2 and the temporary
  Value x(Tensor({3}, std::vector<std::int64_t>{1, 2, 3}));
  CHECK(Value(x).tensor_ptr().get() == x.tensor_ptr().get());
  auto shared = std::make_shared<const Tensor>(Tensor({1}, std::vector<float>{1.f}));
  CHECK(Value(shared).tensor_ptr().get() == shared.get());
  Value c(std::make_shared<const Point>(1, 2));
  CHECK(Value(c).custom_ptr().get() == c.custom_ptr().get());
}

TEST_CASE("equality is deep and kind-strict; NaN equals NaN") {
  CHECK(Value() == Value());
  CHECK(Value(1) == Value(1));
  CHECK_FALSE(Value(1) == Value(2));
  CHECK_FALSE(Value(1) == Value(1.0));  // int64 and float64 differ
  CHECK_FALSE(Value(true) == Value(1));
  CHECK_FALSE(Value() == Value(0));
  CHECK(Value(kNaN) == Value(kNaN));
  CHECK(Value(-kNaN) == Value(kNaN));
  CHECK_FALSE(Value(kNaN) == Value(1.0));
  CHECK(Value(0.0) == Value(-0.0));
  CHECK(Value("a") == Value(std::string("a")));
  CHECK_FALSE(Value("a") == Value("b"));
  CHECK(Value(List{1, List{"x", kNaN}}) == Value(List{1, List{"x", kNaN}}));
  CHECK_FALSE(Value(List{1, 2}) == Value(List{1, 2, 3}));
  CHECK_FALSE(Value(List{1, 2}) == Value(List{2, 1}));
  CHECK(Value(small_table()) == Value(small_table()));
  CHECK(Value(Tensor({2}, std::vector<double>{kNaN, 1})) ==
        Value(Tensor({2}, std::vector<double>{kNaN, 1})));
  CHECK_FALSE(Value(Tensor({2}, std::vector<double>{1, 2})) ==
              Value(Tensor({1, 2}, std::vector<double>{1, 2})));
  CHECK(Value(std::make_shared<const Point>(1, 2)) == Value(std::make_shared<const Point>(1, 2)));
  CHECK_FALSE(Value(std::make_shared<const Point>(1, 2)) ==
              Value(std::make_shared<const Point>(2, 1)));
}

TEST_CASE("equal values hash equally, different ones differently") {
  const Value values[] = {Value(),
                          Value(false),
                          Value(true),
                          Value(0),
                          Value(1),
                          Value(-1),
                          Value(0.5),
                          Value(1.0),
                          Value(""),
                          Value("a"),
                          Value("b"),
                          Value(Bytes{std::byte{'a'}}),
                          Value(List{}),
                          Value(List{1}),
                          Value(List{1, 2}),
                          Value(List{2, 1}),
                          Value(List{List{1}}),
                          Value(small_table()),
                          Value(Tensor({2}, std::vector<double>{1, 2})),
                          Value(Tensor({2}, std::vector<std::int64_t>{1, 2})),
                          Value(std::make_shared<const Point>(1, 2))};
  for (const Value& a : values) {
    for (const Value& b : values) {
      if (&a == &b) continue;
      CAPTURE(a.repr());
      CAPTURE(b.repr());
      CHECK_FALSE(a == b);
      CHECK(a.hash() != b.hash());
    }
  }
  // Equal values built separately, including the float special cases.
  CHECK(Value("abc").hash() == Value(std::string("abc")).hash());
  CHECK(Value(List{1, "x"}).hash() == Value(List{1, "x"}).hash());
  CHECK(Value(kNaN).hash() == Value(-kNaN).hash());
  CHECK(Value(0.0).hash() == Value(-0.0).hash());
  CHECK(Value(small_table()).hash() == Value(small_table()).hash());
  CHECK(Value(std::make_shared<const Point>(3, 4)).hash() ==
        Value(std::make_shared<const Point>(3, 4)).hash());
}

TEST_CASE("equal tensors hash equally, NaN and -0 included") {
  Tensor a({3}, std::vector<double>{kNaN, 0.0, 1.0});
  Tensor b({3}, std::vector<double>{-kNaN, -0.0, 1.0});
  REQUIRE(a == b);
  CHECK(a.hash() == b.hash());
  Tensor fa({2}, std::vector<float>{std::nanf(""), 0.0f});
  Tensor fb({2}, std::vector<float>{-std::nanf(""), -0.0f});
  REQUIRE(fa == fb);
  CHECK(fa.hash() == fb.hash());
}

TEST_CASE("hashes are stable across runs") {
  // Pinned: tokens, and so keys, must not change between runs or releases.
  CHECK(Value(1).hash() == 0x79a93482f6c9fc85ULL);
  CHECK(Value("shoal").hash() == 0xedb81da74b4faae2ULL);
  CHECK(Value(List{1, 2.5, "x"}).hash() == 0x7478a2e130d8d62fULL);
}

TEST_CASE("accessors of the wrong kind throw TypeError naming both kinds") {
  CHECK_THROWS_WITH_AS(Value("abc").as_int(), doctest::Contains("int64"), TypeError);
  CHECK_THROWS_WITH_AS(Value("abc").as_int(), doctest::Contains("string"), TypeError);
  CHECK_THROWS_WITH_AS(Value(1).as_string(),
                       doctest::Contains("expected a value of kind string, got int64"), TypeError);
  CHECK_THROWS_WITH_AS(Value().as_bool(), doctest::Contains("bool"), TypeError);
  CHECK_THROWS_WITH_AS(Value().as_bool(), doctest::Contains("null"), TypeError);
  CHECK_THROWS_WITH_AS(Value(2.5).as_int(), doctest::Contains("float64"), TypeError);
  CHECK_THROWS_WITH_AS(Value(true).as_float(), doctest::Contains("bool"), TypeError);
  CHECK_THROWS_WITH_AS(Value(List{}).as_table(), doctest::Contains("table"), TypeError);
  CHECK_THROWS_WITH_AS(Value(List{}).as_table(), doctest::Contains("list"), TypeError);
  CHECK_THROWS_AS(Value(1).as_tensor(), TypeError);
  CHECK_THROWS_AS(Value(1).as_bytes(), TypeError);
  CHECK_THROWS_AS(Value(1).as_list(), TypeError);
  CHECK_THROWS_AS(Value(1).as_custom(), TypeError);
  CHECK_THROWS_AS(Value(1).table_ptr(), TypeError);
  CHECK_THROWS_AS(Value(1).tensor_ptr(), TypeError);
  CHECK_THROWS_AS(Value(1).custom_ptr(), TypeError);
  // TypeError is a shoal::Error.
  CHECK_THROWS_AS(Value(1).as_string(), Error);
}

TEST_CASE("repr and nbytes") {
  CHECK(Value(List{1, 2.5, "x"}).repr() == "[1, 2.5, \"x\"]");
  CHECK(Value().repr() == "null");
  CHECK(Value(true).repr() == "true");
  CHECK(Value(List(1000, Value(123456))).repr().size() < 300);  // abbreviated
  CHECK(Value(std::string(1000, 'a')).nbytes() >= 1000);
  CHECK(Value(Tensor({10}, std::vector<double>(10))).nbytes() >= 80);
}

TEST_CASE("columns") {
  Column c = Column::from_int64({1, 2, 3});
  CHECK(c.type() == DataType::kInt64);
  CHECK(c.size() == 3);
  CHECK(c.null_count() == 0);
  CHECK(c.int64s()[2] == 3);
  CHECK_THROWS_AS(c.float64s(), TypeError);
  CHECK_THROWS_AS(c.strings(), TypeError);

  Column s = Column::from_strings({"ab", "", "cde"});
  CHECK(s.size() == 3);
  CHECK(s.string_at(0) == "ab");
  CHECK(s.string_at(1).empty());
  CHECK(s.string_at(2) == "cde");

  Column bools = Column::from_bools({true, false, true});
  CHECK(bools.bools()[0] == 1);
  CHECK(bools.bools()[1] == 0);
  CHECK(Column::from_timestamps({5}).type() == DataType::kTimestamp);
  CHECK(Column::from_timestamps({5}).int64s()[0] == 5);
  CHECK(type_name(DataType::kTimestamp) == "timestamp[ns]");

  // Validity: row 1 null.
  Column nulls(DataType::kFloat64, std::vector<double>{1.0, 99.0, 3.0}, {0b101});
  CHECK(nulls.null_count() == 1);
  CHECK(nulls.is_valid(0));
  CHECK_FALSE(nulls.is_valid(1));
  // The value under a null does not matter for equality or hashing.
  Column nulls2(DataType::kFloat64, std::vector<double>{1.0, -5.0, 3.0}, {0b101});
  CHECK(nulls == nulls2);
  CHECK(nulls.hash() == nulls2.hash());
  CHECK_FALSE(nulls == Column::from_float64({1.0, 99.0, 3.0}));

  SUBCASE("a validity bitmap of the wrong size") {
    CHECK_THROWS_WITH_AS(Column(DataType::kInt64, std::vector<std::int64_t>(9), {0xff}),
                         doctest::Contains("expected 2"), Error);
    CHECK_THROWS_AS(Column(DataType::kInt64, std::vector<std::int64_t>(3), {0xff, 0xff}), Error);
  }
  SUBCASE("storage that does not fit the type") {
    CHECK_THROWS_WITH_AS(Column(DataType::kFloat64, std::vector<std::int64_t>{1}),
                         doctest::Contains("float64"), Error);
    CHECK_THROWS_AS(Column(DataType::kString, std::vector<double>{1}), Error);
  }
  SUBCASE("string offsets that do not match the characters") {
    StringData bad;
    bad.offsets = {0, 2, 10};
    bad.chars = "abc";
    CHECK_THROWS_AS(Column(DataType::kString, bad), Error);
    StringData decreasing;
    decreasing.offsets = {0, 2, 1, 3};
    decreasing.chars = "abc";
    CHECK_THROWS_AS(Column(DataType::kString, decreasing), Error);
  }
}

TEST_CASE("tables") {
  Table t = small_table();
  CHECK(t.num_rows() == 3);
  CHECK(t.num_columns() == 2);
  CHECK(t.names() == std::vector<std::string>{"a", "b"});
  CHECK(t.column("b").string_at(1) == "yy");
  CHECK(t.index_of("b") == 1);
  CHECK(t.index_of("zz") == -1);
  CHECK_THROWS_WITH_AS(t.column("zz"), doctest::Contains("columns are: a, b"), Error);
  CHECK(Table().num_rows() == 0);

  auto ints = std::make_shared<const Column>(Column::from_int64({1, 2, 3}));
  auto two = std::make_shared<const Column>(Column::from_int64({1, 2}));
  // Columns are shared between tables, not copied.
  Table t2({"x"}, {ints});
  CHECK(t2.column_ptr(0).get() == ints.get());

  CHECK_THROWS_WITH_AS(Table({"a", "b"}, {ints, two}), doctest::Contains("'b' has 2 rows"), Error);
  CHECK_THROWS_WITH_AS(Table({"a", "a"}, {ints, ints}), doctest::Contains("'a' repeats"), Error);
  CHECK_THROWS_WITH_AS(Table({"a"}, {ints, ints}), doctest::Contains("1 names for 2 columns"),
                       Error);
  CHECK_THROWS_AS(Table({"a"}, {nullptr}), Error);

  CHECK(Table({"x"}, {ints}) == Table({"x"}, {ints}));
  CHECK_FALSE(Table({"x"}, {ints}) == Table({"y"}, {ints}));
  CHECK(Table({"x"}, {ints}).hash() != Table({"y"}, {ints}).hash());
}

TEST_CASE("tensors") {
  Tensor t({2, 3}, std::vector<float>(6, 1.5f));
  CHECK(t.dtype() == DType::kFloat32);
  CHECK(t.ndim() == 2);
  CHECK(t.size() == 6);
  CHECK(t.nbytes() == 6 * sizeof(float));
  CHECK(dtype_name(t.dtype()) == "float32");
  CHECK(Tensor({2}, std::vector<std::uint8_t>{0, 1}).dtype() == DType::kBool);
  CHECK(Tensor({0, 5}, std::vector<double>{}).size() == 0);
  CHECK(Tensor({}, std::vector<std::int64_t>{7}).size() == 1);  // a scalar
  CHECK(Tensor().size() == 0);

  CHECK_THROWS_WITH_AS(Tensor({2, 3}, std::vector<double>(5)), doctest::Contains("5 elements"),
                       Error);
  CHECK_THROWS_AS(Tensor({2, 3}, std::vector<double>(7)), Error);
  CHECK_THROWS_WITH_AS(Tensor({-1}, std::vector<double>{}), doctest::Contains("negative"), Error);

  CHECK_FALSE(Tensor({2}, std::vector<double>{1, 2}) == Tensor({2}, std::vector<float>{1, 2}));
  CHECK_FALSE(Tensor({2}, std::vector<double>{1, 2}) == Tensor({2}, std::vector<double>{1, 3}));
}

TEST_CASE(
    "records: fields in order, lookup, equality and hash as dicts, repr, duplicates refused") {
  Record r{{"b", Value(1)}, {"a", Value("x")}};
  Value v(r);
  CHECK(v.kind() == ValueKind::kRecord);
  CHECK(kind_name(ValueKind::kRecord) == "record");
  CHECK(v.as_record().fields()[0].first == "b");
  CHECK(v.as_record().at("a").as_string() == "x");
  CHECK(v.as_record().find("c") == nullptr);
  CHECK_THROWS_WITH_AS(v.as_record().at("c"), doctest::Contains("no field 'c' (fields: b, a)"),
                       Error);
  Value same(Record{{"a", Value("x")}, {"b", Value(1)}});
  CHECK(v == same);
  CHECK(v.hash() == same.hash());
  CHECK(!(v == Value(Record{{"a", Value("x")}, {"b", Value(2)}})));
  CHECK(!(v == Value(Record{{"a", Value("x")}})));
  CHECK(v.hash() != Value(Record{{"a", Value("x")}, {"b", Value(2)}}).hash());
  CHECK(v.repr() == "{\"b\": 1, \"a\": \"x\"}");
  Value copy = v;
  CHECK(&copy.as_record() == &v.as_record());
  CHECK_THROWS_WITH_AS(Record({{"a", Value(1)}, {"a", Value(2)}}),
                       doctest::Contains("'a' is given twice"), Error);
  CHECK_THROWS_AS(Value(1).as_record(), TypeError);
}
