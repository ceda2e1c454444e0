#include "shoal/tensor.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "shoal/error.h"
#include "shoal/key.h"

namespace shoal {

std::string_view dtype_name(DType dtype) noexcept {
  switch (dtype) {
    case DType::kFloat64:
      return "float64";
    case DType::kFloat32:
      return "float32";
    case DType::kInt64:
      return "int64";
    case DType::kBool:
      return "bool";
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
  return std::visit(
      [&](const auto& v) -> std::uint64_t {
        using T = std::decay_t<decltype(v[0])>;
        if constexpr (std::is_floating_point_v<T>) {
          // Equal tensors must hash equally: every NaN alike, -0 as 0.
          std::uint64_t x = h ^ (v.size() * 0x9e3779b97f4a7c15ULL);
          for (T e : v) {
            double d = std::isnan(e) ? std::numeric_limits<double>::quiet_NaN() : e == 0 ? 0.0 : e;
            std::uint64_t bits;
            std::memcpy(&bits, &d, sizeof bits);
            x = (x ^ mix64(bits)) * 0x9e3779b97f4a7c15ULL;
          }
          return mix64(x);
        } else {
          return hash_bytes(v.data(), v.size() * sizeof(v[0]), h);
        }
      },
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
