// Column builders and table kernels: slice, concat, filter, take, hashing,
// sort indices — with nulls in every type.
#include <doctest/doctest.h>

#include "shoal/column_builder.h"
#include "shoal/error.h"
#include "shoal/table_kernels.h"

using namespace shoal;

namespace {

ColumnPtr ints_with_null() {  // 3, null, 1, 2
  ColumnBuilder b(DataType::kInt64);
  b.append_int64(3);
  b.append_null();
  b.append_int64(1);
  b.append_int64(2);
  return b.finish_shared();
}

ColumnPtr strings(std::vector<const char*> v) {
  ColumnBuilder b(DataType::kString);
  for (const char* s : v) s ? b.append_string(s) : b.append_null();
  return b.finish_shared();
}

Table sample() {
  return Table({"i", "s"}, {ints_with_null(), strings({"c", "a", nullptr, "b"})});
}

}  // namespace

TEST_CASE("builders make columns with nulls of every type") {
  for (DataType t : {DataType::kBool, DataType::kInt64, DataType::kFloat64, DataType::kString,
                     DataType::kTimestamp}) {
    ColumnBuilder b(t);
    for (int i = 0; i < 20; ++i) {
      if (i % 7 == 3)
        b.append_null();
      else if (t == DataType::kBool)
        b.append_bool(i % 2);
      else if (t == DataType::kFloat64)
        b.append_float64(i * 0.5);
      else if (t == DataType::kString)
        b.append_string(std::to_string(i));
      else
        b.append_int64(i);
    }
    Column c = b.finish();
    CHECK(c.type() == t);
    CHECK(c.size() == 20);
    CHECK(c.null_count() == 3);
    CHECK_FALSE(c.is_valid(3));
    CHECK(c.is_valid(4));
  }
  ColumnBuilder none(DataType::kInt64);
  none.append_int64(1);
  CHECK(none.finish().validity().empty());
}

TEST_CASE("slice, concat, filter and take keep nulls with their rows") {
  Table t = sample();
  Table s = slice(t, 1, 2);
  CHECK(s.num_rows() == 2);
  CHECK_FALSE(s.column("i").is_valid(0));
  CHECK(s.column("s").string_at(0) == "a");
  CHECK_FALSE(s.column("s").is_valid(1));

  std::vector<Table> parts{t, s};
  Table c = concat(parts);
  CHECK(c.num_rows() == 6);
  CHECK(c.column("i").null_count() == 2);
  CHECK(c.column("s").string_at(3) == "b");

  Column mask(DataType::kBool, std::vector<std::uint8_t>{1, 1, 0, 1},
              std::vector<std::uint8_t>{0b1101});
  Table f = filter(t, mask);  // row 1 is a null mask entry: dropped
  CHECK(f.num_rows() == 2);
  CHECK(f.column("i").int64s()[1] == 2);

  std::vector<std::int64_t> idx{3, -1, 0};
  Table k = take(t, idx);
  CHECK(k.column("s").string_at(0) == "b");
  CHECK_FALSE(k.column("i").is_valid(1));
  CHECK(k.column("i").int64s()[2] == 3);
}

TEST_CASE("concat refuses different types") {
  std::vector<ColumnPtr> cols{ints_with_null(), strings({"x"})};
  CHECK_THROWS_AS(concat(cols), Error);
}

TEST_CASE("row hashes agree for equal keys across tables") {
  Table a = sample();
  Table b = take(a, std::vector<std::int64_t>{3, 2, 1, 0});
  std::vector<std::string> keys{"i", "s"};
  auto ha = hash_rows(a, keys), hb = hash_rows(b, keys);
  CHECK(ha[0] == hb[3]);
  CHECK(ha[1] == hb[2]);
  CHECK(ha[0] != ha[3]);
}

TEST_CASE("sort indices: stable, descending, nulls last") {
  Table t = sample();
  std::vector<SortKey> asc{{"i", true}};
  CHECK(sort_indices(t, asc) == std::vector<std::int64_t>{2, 3, 0, 1});
  std::vector<SortKey> desc{{"s", false}};
  CHECK(sort_indices(t, desc) == std::vector<std::int64_t>{0, 3, 1, 2});
  Column f(DataType::kFloat64, std::vector<double>{2.0, -1.0, 2.0, 0.5});
  Table ft({"f"}, {std::make_shared<const Column>(f)});
  std::vector<SortKey> fk{{"f", true}};
  CHECK(sort_indices(ft, fk) == std::vector<std::int64_t>{1, 3, 0, 2});
}
