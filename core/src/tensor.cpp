#include "shoal/tensor.h"

#include <cmath>

#include "shoal/error.h"
#include "shoal/key.h"

namespace shoal {

std::string_view dtype_name(DType dtype) noexcept {
  switch (dtype) {
    case DType::kFloat64: return "float64";
    case DType::kFloat32: return "float32";
    case DType::kInt64: return "int64";
    case DType::kBool: return "bool";
  }
  return "?";
}

namespace {
std::size_t element_count(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw Error("tensor: negative dimension " + std::to_string(d));
    n *= static_cast<std::size_t>(d);
  }
  return n;
}
}  // namespace

Tensor::Tensor(std::vector<std::int64_t> shape, Storage data)
    : shape_(std::move(shape)), data_(std::move(data)) {
  std::size_t have = std::visit([](const auto& v) { return v.size(); }, data_);
  if (have != element_count(shape_)) {
    throw Error("tensor: " + std::to_string(have) + " elements do not fill a shape of " +
                std::to_string(element_count(shape_)));
  }
}

std::size_t Tensor::size() const noexcept {
  return std::visit([](const auto& v) { return v.size(); }, data_);
}

std::size_t Tensor::nbytes() const noexcept {
  return std::visit([](const auto& v) { return v.size() * sizeof(v[0]); }, data_);
}

std::uint64_t Tensor::hash() const noexcept {
  std::uint64_t h = mix64(static_cast<std::uint64_t>(dtype()) + 0x7e);
  for (std::int64_t d : shape_) h = mix64(h ^ static_cast<std::uint64_t>(d));
  return std::visit([&](const auto& v) { return hash_bytes(v.data(), v.size() * sizeof(v[0]), h); },
                    data_);
}

bool operator==(const Tensor& a, const Tensor& b) {
  if (a.shape_ != b.shape_ || a.data_.index() != b.data_.index()) return false;
  return std::visit(
      [&](const auto& x) {
        const auto& y = std::get<std::decay_t<decltype(x)>>(b.data_);
        for (std::size_t i = 0; i < x.size(); ++i) {
          if constexpr (std::is_floating_point_v<std::decay_t<decltype(x[0])>>) {
            if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
          } else if (x[i] != y[i]) {
            return false;
          }
        }
        return true;
      },
      a.data_);
}

}  // namespace shoal
