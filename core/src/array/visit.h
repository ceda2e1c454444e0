// Helpers to run templated kernels on a Tensor's element type. Internal.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "shoal/error.h"
#include "shoal/tensor.h"

namespace shoal::detail {

/// The C++ element type of each dtype (bool is stored as uint8).
template <class T>
struct DTypeOf;
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::kFloat64;
};
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<std::int64_t> {
  static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<std::uint8_t> {
  static constexpr DType value = DType::kBool;
};

/// Calls f(T{}) with T the element type of dtype.
template <class F>
decltype(auto) visit_dtype(DType dtype, F&& f) {
  switch (dtype) {
    case DType::kFloat64:
      return f(double{});
    case DType::kFloat32:
      return f(float{});
    case DType::kInt64:
      return f(std::int64_t{});
    case DType::kBool:
      break;
  }
  return f(std::uint8_t{});
}

/// The elements of t as C: t's own data when its type is C, else a converted
/// copy kept in holder.
template <class C>
const C* typed_data(const Tensor& t, std::vector<C>& holder) {
  if (auto* v = std::get_if<std::vector<C>>(&t.storage())) return v->data();
  std::visit([&](const auto& src) { holder.assign(src.begin(), src.end()); }, t.storage());
  return holder.data();
}

inline std::string shape_str(const std::vector<std::int64_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

}  // namespace shoal::detail
