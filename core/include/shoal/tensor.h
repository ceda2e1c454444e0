// Tensor: one Array chunk — a dense, row-major, immutable N-d array of
// float64, float32, int64 or bool.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace shoal {

enum class DType : std::uint8_t { kFloat64, kFloat32, kInt64, kBool };

/// "float64", "float32", "int64", "bool".
std::string_view dtype_name(DType dtype) noexcept;

class Tensor {
 public:
  using Storage = std::variant<std::vector<double>, std::vector<float>, std::vector<std::int64_t>,
                               std::vector<std::uint8_t>>;

  Tensor() : Tensor(std::vector<std::int64_t>{0}, std::vector<double>{}) {}
  /// The dtype follows the storage. Throws shoal::Error when the element
  /// count differs from the product of the shape or a dimension is negative.
  Tensor(std::vector<std::int64_t> shape, Storage data);

  DType dtype() const noexcept { return static_cast<DType>(data_.index()); }
  const std::vector<std::int64_t>& shape() const noexcept { return shape_; }
  std::size_t ndim() const noexcept { return shape_.size(); }
  std::size_t size() const noexcept;
  const Storage& storage() const noexcept { return data_; }

  template <class T>
  std::span<const T> values() const {
    return std::get<std::vector<T>>(data_);
  }

  std::size_t nbytes() const noexcept;
  std::uint64_t hash() const noexcept;
  friend bool operator==(const Tensor& a, const Tensor& b);

 private:
  std::vector<std::int64_t> shape_;
  Storage data_;
};

}  // namespace shoal
