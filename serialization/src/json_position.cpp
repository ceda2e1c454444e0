// A small JSON syntax checker that only finds where an error is.
#include "json_position.h"

#include <cstring>

namespace shoal::detail {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  // The offset of the first error, or npos.
  std::size_t run() {
    if (!value(0)) return at_;
    space();
    return at_ == s_.size() ? std::string_view::npos : at_;
  }

 private:
  static constexpr int kMaxDepth = 512;

  void space() {
    while (at_ < s_.size() && std::strchr(" \t\r\n", s_[at_]) && s_[at_] != '\0') ++at_;
  }
  bool eat(char c) {
    space();
    if (at_ < s_.size() && s_[at_] == c) return ++at_, true;
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  bool digits() {
    std::size_t start = at_;
    while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9') ++at_;
    return at_ > start;
  }
  bool number() {
    if (at_ < s_.size() && s_[at_] == '-') ++at_;
    if (!digits()) return false;
    if (at_ < s_.size() && s_[at_] == '.' && !(++at_, digits())) return false;
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      ++at_;
      if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-')) ++at_;
      if (!digits()) return false;
    }
    return true;
  }
  bool string() {
    ++at_;  // the opening quote
    while (at_ < s_.size()) {
      char c = s_[at_];
      if (c == '"') return ++at_, true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      at_ += c == '\\' ? 2 : 1;
    }
    return false;
  }
  template <class Item>
  bool sequence(char close, Item item) {
    ++at_;  // the opening bracket
    if (eat(close)) return true;
    do {
      if (!item()) return false;
    } while (eat(','));
    return eat(close);
  }
  bool value(int depth) {
    space();
    if (at_ >= s_.size() || depth > kMaxDepth) return false;
    switch (s_[at_]) {
      case '{':
        return sequence('}', [&] {
          space();
          return at_ < s_.size() && s_[at_] == '"' && string() && eat(':') && value(depth + 1);
        });
      case '[':
        return sequence(']', [&] { return value(depth + 1); });
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  std::string_view s_;
  std::size_t at_ = 0;
};

}  // namespace

std::string json_error_position(std::string_view json) {
  std::size_t at = Scanner(json).run();
  if (at == std::string_view::npos) return "";
  if (at > json.size()) at = json.size();
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (json[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return " at line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace shoal::detail
