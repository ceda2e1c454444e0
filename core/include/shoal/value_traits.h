// ValueTraits<T>: how a C++ type becomes a Value and back. Used by delayed()
// and registered functions to unpack arguments and wrap results.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "shoal/table.h"
#include "shoal/tensor.h"
#include "shoal/value.h"

namespace shoal {

template <class T, class = void>
struct ValueTraits;  // Specialize to pass your own types through delayed().

template <>
struct ValueTraits<Value> {
  static Value to_value(Value v) { return v; }
  static Value from_value(const Value& v) { return v; }
};
template <>
struct ValueTraits<bool> {
  static Value to_value(bool v) { return Value(v); }
  static bool from_value(const Value& v) { return v.as_bool(); }
};
template <class T>
struct ValueTraits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
  static Value to_value(T v) { return Value(static_cast<std::int64_t>(v)); }
  static T from_value(const Value& v) { return static_cast<T>(v.as_int()); }
};
template <class T>
struct ValueTraits<T, std::enable_if_t<std::is_floating_point_v<T>>> {
  static Value to_value(T v) { return Value(static_cast<double>(v)); }
  static T from_value(const Value& v) { return static_cast<T>(v.as_float()); }
};
template <>
struct ValueTraits<std::string> {
  static Value to_value(std::string v) { return Value(std::move(v)); }
  static std::string from_value(const Value& v) { return v.as_string(); }
};
template <>
struct ValueTraits<Table> {
  static Value to_value(Table v) { return Value(std::move(v)); }
  static Table from_value(const Value& v) { return v.as_table(); }
};
template <>
struct ValueTraits<Tensor> {
  static Value to_value(Tensor v) { return Value(std::move(v)); }
  static Tensor from_value(const Value& v) { return v.as_tensor(); }
};
template <class T>
struct ValueTraits<std::vector<T>> {
  static Value to_value(std::vector<T> v) {
    List out;
    out.reserve(v.size());
    for (auto& x : v) out.push_back(ValueTraits<T>::to_value(std::move(x)));
    return Value(std::move(out));
  }
  static std::vector<T> from_value(const Value& v) {
    std::vector<T> out;
    out.reserve(v.as_list().size());
    for (const Value& x : v.as_list()) out.push_back(ValueTraits<T>::from_value(x));
    return out;
  }
};

template <class T>
Value to_value(T&& v) {
  return ValueTraits<std::decay_t<T>>::to_value(std::forward<T>(v));
}
template <class T>
T from_value(const Value& v) {
  return ValueTraits<std::decay_t<T>>::from_value(v);
}

}  // namespace shoal
