// Random Values, Tables and Tensors for the serialization property tests:
// every kind, nulls, NaN and infinities, strings with NULs, nested lists.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "shoal/column.h"
#include "shoal/table.h"
#include "shoal/tensor.h"
#include "shoal/value.h"

namespace shoal::testing {

class RandomValues {
 public:
  explicit RandomValues(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  double number() {
    switch (below(8)) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return std::numeric_limits<double>::infinity();
      case 2:
        return -std::numeric_limits<double>::infinity();
      case 3:
        return -0.0;
      case 4:
        return std::numeric_limits<double>::denorm_min();
      default:
        return std::normal_distribution<double>(0, 1e6)(rng_);
    }
  }

  std::int64_t integer() {
    switch (below(6)) {
      case 0:
        return std::numeric_limits<std::int64_t>::min();
      case 1:
        return std::numeric_limits<std::int64_t>::max();
      case 2:
        return 0;
      default:
        return static_cast<std::int64_t>(rng_());
    }
  }

  std::string text(std::size_t max_len = 24) {
    std::string s(below(max_len + 1), '\0');
    for (char& c : s) c = static_cast<char>(chance(0.8) ? 'a' + below(26) : below(256));
    return s;
  }

  std::vector<std::uint8_t> validity(std::size_t rows) {
    if (chance(0.4)) return {};
    std::vector<std::uint8_t> v((rows + 7) / 8, 0);
    int mode = static_cast<int>(below(3));  // 0 all null, 1 random, 2 all valid
    for (std::size_t i = 0; i < rows; ++i) {
      bool valid = mode == 2 || (mode == 1 && chance(0.7));
      if (valid) v[i >> 3] |= static_cast<std::uint8_t>(1u << (i & 7));
    }
    return v;
  }

  std::shared_ptr<const Column> column(DataType type, std::size_t rows) {
    auto valid = validity(rows);
    switch (type) {
      case DataType::kBool: {
        std::vector<std::uint8_t> v(rows);
        for (auto& b : v) b = static_cast<std::uint8_t>(below(2));
        return std::make_shared<const Column>(type, std::move(v), std::move(valid));
      }
      case DataType::kInt64:
      case DataType::kTimestamp: {
        std::vector<std::int64_t> v(rows);
        for (auto& x : v) x = integer();
        return std::make_shared<const Column>(type, std::move(v), std::move(valid));
      }
      case DataType::kFloat64: {
        std::vector<double> v(rows);
        for (auto& x : v) x = number();
        return std::make_shared<const Column>(type, std::move(v), std::move(valid));
      }
      case DataType::kString: {
        StringData s;
        for (std::size_t i = 0; i < rows; ++i) {
          s.chars += text();
          s.offsets.push_back(static_cast<std::int64_t>(s.chars.size()));
        }
        return std::make_shared<const Column>(type, std::move(s), std::move(valid));
      }
    }
    return nullptr;
  }

  Table table(std::size_t max_rows = 40) {
    std::size_t ncols = below(6);
    std::size_t rows = ncols == 0 ? 0 : below(max_rows + 1);
    std::vector<std::string> names;
    std::vector<std::shared_ptr<const Column>> cols;
    for (std::size_t i = 0; i < ncols; ++i) {
      names.push_back("c" + std::to_string(i) + text(4));
      cols.push_back(column(static_cast<DataType>(below(5)), rows));
    }
    return Table(std::move(names), std::move(cols));
  }

  Tensor tensor(DType dtype, std::vector<std::int64_t> shape) {
    std::size_t n = 1;
    for (auto d : shape) n *= static_cast<std::size_t>(d);
    switch (dtype) {
      case DType::kFloat64: {
        std::vector<double> v(n);
        for (auto& x : v) x = number();
        return Tensor(std::move(shape), std::move(v));
      }
      case DType::kFloat32: {
        std::vector<float> v(n);
        for (auto& x : v) x = static_cast<float>(number());
        return Tensor(std::move(shape), std::move(v));
      }
      case DType::kInt64: {
        std::vector<std::int64_t> v(n);
        for (auto& x : v) x = integer();
        return Tensor(std::move(shape), std::move(v));
      }
      case DType::kBool: {
        std::vector<std::uint8_t> v(n);
        for (auto& x : v) x = static_cast<std::uint8_t>(below(2));
        return Tensor(std::move(shape), std::move(v));
      }
    }
    return Tensor();
  }

  Tensor tensor() {
    std::vector<std::int64_t> shape(below(6));  // 0-d to 5-d
    for (auto& d : shape) d = static_cast<std::int64_t>(below(4));
    return tensor(static_cast<DType>(below(4)), std::move(shape));
  }

  /// A random value; lists nest at most max_depth deep.
  Value value(int max_depth = 4) {
    switch (below(max_depth > 0 ? 11 : 8)) {
      case 0:
        return Value();
      case 1:
        return Value(chance(0.5));
      case 2:
        return Value(static_cast<long long>(integer()));
      case 3:
        return Value(number());
      case 4:
        return Value(text());
      case 5: {
        Bytes b(below(32));
        for (auto& x : b) x = static_cast<std::byte>(below(256));
        return Value(std::move(b));
      }
      case 6:
        return Value(table());
      case 7:
        return Value(tensor());
      case 8: {
        std::vector<Record::Field> fields(below(5));
        for (std::size_t i = 0; i < fields.size(); ++i) {
          fields[i] = {text() + "#" + std::to_string(i), value(max_depth - 1)};  // names unique
        }
        return Value(Record(std::move(fields)));
      }
      default: {
        List items(below(6));
        for (auto& v : items) v = value(max_depth - 1);
        return Value(std::move(items));
      }
    }
  }

 private:
  std::mt19937_64 rng_;
};

/// A value made of `depth` lists, one inside the other, around 42.
inline Value nested_lists(int depth) {
  Value v(42);
  for (int i = 0; i < depth; ++i) v = Value(List{v});
  return v;
}

}  // namespace shoal::testing
