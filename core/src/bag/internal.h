// What Bag's ops share (private to core): element functions by name, the
// fused per-partition chain (stages pushing elements to a sink), the
// sinks that reduce a partition, and their combine/finalize steps.
//
// An element flows either as text — a string_view into a block of a file
// or into a string Value, valid only during the push — or as a Value. Text
// stays text through functions with text fast paths; the first function
// without one makes a string Value of it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "shoal/op.h"
#include "shoal/params.h"
#include "shoal/value.h"

namespace shoal::detail {

/// ASCII whitespace as Python's str.split() knows it, by table lookup.
inline constexpr std::array<bool, 256> kSpace = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\n', '\t', '\r', '\f', '\v', '\x1c', '\x1d', '\x1e', '\x1f'})
    t[c] = true;
  return t;
}();
inline bool is_space(char c) noexcept {
  return kSpace[static_cast<unsigned char>(c)];
}

#if defined(__SSE2__)
/// Bit j set when byte j of p[0, 64) is whitespace (kSpace), 16 bytes a step.
inline std::uint64_t space_mask64(const char* p) noexcept {
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i space = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
    __m128i y = _mm_sub_epi8(x, _mm_set1_epi8(9));  // 9..13: \t \n \v \f \r
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(y, _mm_set1_epi8(4)), y);
    __m128i z = _mm_sub_epi8(x, _mm_set1_epi8(0x1c));  // 0x1c..0x1f: separators
    __m128i sep = _mm_cmpeq_epi8(_mm_min_epu8(z, _mm_set1_epi8(3)), z);
    auto bits =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(space, _mm_or_si128(ctl, sep))));
    mask |= static_cast<std::uint64_t>(bits) << (16 * k);
  }
  return mask;
}
#endif

/// Calls f(word) for each run of non-whitespace in text, in order. Finds
/// the words' edges 64 bytes at a time from a whitespace bitmask, so the
/// cost is per word, not a branch per byte.
template <class F>
void for_each_word(std::string_view text, F&& f) {
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
  std::size_t start = 0;
  bool in_word = false;
#if defined(__SSE2__)
  for (; i + 64 <= n; i += 64) {
    std::uint64_t ws = space_mask64(p + i);
    std::uint64_t before =
        (ws << 1) | (in_word ? 0 : 1);  // whether the previous byte is whitespace
    std::uint64_t edges =
        (~ws & before) | (ws & ~before);  // word starts and word ends, alternating
    while (edges) {
      std::size_t at = i + static_cast<std::size_t>(__builtin_ctzll(edges));
      edges &= edges - 1;
      if (!in_word) {
        start = at;
      } else {
        f(std::string_view(p + start, at - start));
      }
      in_word = !in_word;
    }
  }
#endif
  for (; i < n; ++i) {
    bool space = is_space(p[i]);
    if (!in_word && !space)
      start = i, in_word = true;
    else if (in_word && space)
      f(std::string_view(p + start, i - start)), in_word = false;
  }
  if (in_word) f(std::string_view(p + start, n - start));
}

/// Receives the parts a text splitter cuts.
using TextEmit = void (*)(void* ctx, std::string_view part);

/// A built-in element function. `unary` is the general form; the text
/// forms are optional fast paths that must agree with it.
struct ElementFunction {
  std::string name;
  std::string doc;
  Value (*unary)(const Value& x, const Value& arg) = nullptr;
  Value (*binary)(const Value& acc, const Value& x) = nullptr;        ///< For fold/foldby.
  Value (*sequence)(const List& xs) = nullptr;                        ///< For reduction.
  bool (*text_test)(std::string_view x, const Value& arg) = nullptr;  ///< Truthiness of unary.
  std::string_view (*text_view)(std::string_view x,
                                const Value& arg) = nullptr;  ///< unary as a sub-view.
  void (*text_split)(std::string_view x, const Value& arg, TextEmit emit,
                     void* ctx) = nullptr;  ///< unary's list items.
};

/// A function resolved by name: a built-in, else a registered op.
class Function {
 public:
  enum class Arity { kUnary, kBinary, kSequence };
  /// Throws shoal::Error naming the function (and `where`) when no built-in
  /// of that arity nor any op has the name.
  Function(const std::string& name, Value arg, Arity arity, const std::string& where);
  Function() = default;

  const std::string& name() const noexcept { return name_; }
  const ElementFunction* builtin() const noexcept { return builtin_; }
  const Value& arg() const noexcept { return arg_; }
  Value operator()(const Value& x) const;                    ///< Unary.
  Value operator()(const Value& acc, const Value& x) const;  ///< Binary.
  Value over(const List& xs) const;                          ///< Sequence.

 private:
  std::string name_;
  Value arg_;
  const ElementFunction* builtin_ = nullptr;
  OpPtr op_;
};

/// The built-in element functions, by name (nullptr when absent).
const ElementFunction* find_element_function(std::string_view name);
const std::vector<ElementFunction>& element_functions();
/// JSON text to a Value (objects become Records) and back; in bag_json.cpp.
Value parse_json(std::string_view text);
std::string dump_json(const Value& v);

/// Hashes Values for unordered containers (Value::hash, stable across processes).
struct ValueHash {
  std::size_t operator()(const Value& v) const { return v.hash(); }
};

/// Python's truthiness: false for null, false, 0, 0.0, "" and empty
/// bytes, lists and records.
bool truthy(const Value& v) noexcept;
/// A total order: numbers by value (int64 and float64 compared), then by
/// kind; strings, bytes and lists lexicographically. <0, 0, >0.
int compare_values(const Value& a, const Value& b);

/// A stage of a fused chain (or its final sink).
class Stage {
 public:
  virtual ~Stage() = default;
  virtual void push(std::string_view text) { push(Value(text)); }
  virtual void push(const Value& v) = 0;
  /// Pushes the words of text (split on whitespace) one by one; stages that
  /// can take them in a batch (frequencies, distinct, count) override it.
  virtual void push_words(std::string_view text) {
    for_each_word(text, [this](std::string_view w) { push(w); });
  }
};

/// The end of a chain: reduces what it is pushed to one Value.
class Sink : public Stage {
 public:
  virtual Value finish() = 0;
};

/// A sink as the `bag.apply` parameters describe it ("sink" names it).
std::unique_ptr<Sink> make_sink(const Params& p);
/// Merges partials of the sink `p` names (a level of the tree); with the
/// parameter "final" true, the reduction's result.
Value combine_partials(std::span<const Value> partials, const Params& p);

/// The stages of `steps` ([kind, name, arg] each) in front of `sink`;
/// `owned` keeps them alive. Returns the first stage.
Stage* build_chain(const List& steps, Sink& sink, std::vector<std::unique_ptr<Stage>>& owned);

/// Pushes the lines of a text block ([path, begin, end, gzip, mtime]) into
/// `first`; errors name the file and line. With `whole`, pushes the block's
/// lines as one text instead: for a first step that splits on whitespace,
/// which newlines are, the words are the same and the per-line work goes.
void push_text_block(const Value& spec, Stage& first, bool whole = false);
/// Writes `text` to path (gzip when it ends in .gz), atomically.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace shoal::detail
