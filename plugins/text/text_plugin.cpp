// The text plugin: tokenize, lowercase, n-grams, regex filter and extract,
// stop words. Every op takes a string or a list of strings (or, where it
// reads tokens, a list of tokens or a list of such lists) and keeps that
// shape: a Bag partition of documents in, a partition of results out.
#include <shoal/plugin.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>
#include <unordered_set>

namespace {

using shoal::Error;
using shoal::List;
using shoal::OpContext;
using shoal::Params;
using shoal::Value;
using Inputs = std::span<const Value>;

// Applies f to a string, or to each string of a list (recursively).
template <class F>
Value map_strings(const Value& v, const char* op, F&& f) {
  if (v.is_string()) return f(v.as_string());
  if (!v.is_list()) {
    throw Error(std::string(op) + ": expected a string or a list of strings, got " +
                std::string(shoal::kind_name(v.kind())));
  }
  List out;
  out.reserve(v.as_list().size());
  for (const Value& item : v.as_list()) out.push_back(map_strings(item, op, f));
  return Value(std::move(out));
}

// True for a list whose items are lists: a partition of token lists.
bool is_nested(const Value& v) {
  return v.is_list() && !v.as_list().empty() && v.as_list()[0].is_list();
}

// Applies f to a list of tokens, or to each list of a list of token lists.
template <class F>
Value map_token_lists(const Value& v, const char* op, F&& f) {
  if (!v.is_list()) {
    throw Error(std::string(op) + ": expected a list of tokens (strings), got " +
                std::string(shoal::kind_name(v.kind())));
  }
  if (!is_nested(v)) return f(v.as_list());
  List out;
  for (const Value& item : v.as_list()) out.push_back(map_token_lists(item, op, f));
  return Value(std::move(out));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::regex compile(const std::string& op, const std::string& pattern, bool ignore_case) {
  try {
    auto flags =
        std::regex::ECMAScript | (ignore_case ? std::regex::icase : std::regex::flag_type{});
    return std::regex(pattern, flags);
  } catch (const std::regex_error& e) {
    throw Error("op '" + op + "': parameter 'pattern' is not a valid regular expression (/" +
                pattern + "/: " + e.what() + ")");
  }
}

Value tokenize(const std::string& s, bool by_words, bool lowercase) {
  List tokens;
  auto is_token_char = [by_words](unsigned char c) {
    return by_words ? (std::isalnum(c) || c == '_' || c >= 0x80) : !std::isspace(c);
  };
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !is_token_char(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t start = i;
    while (i < s.size() && is_token_char(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start)
      tokens.emplace_back(lowercase ? lower(s.substr(start, i - start))
                                    : s.substr(start, i - start));
  }
  return Value(std::move(tokens));
}

const std::string& token(const Value& v, const char* op) {
  if (!v.is_string()) {
    throw Error(std::string(op) + ": tokens must be strings, got " +
                std::string(shoal::kind_name(v.kind())));
  }
  return v.as_string();
}

Value ngrams(const List& tokens, std::size_t n, const std::string& sep) {
  List out;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i) {
    std::string gram = token(tokens[i], "text.ngrams");
    for (std::size_t j = 1; j < n; ++j) gram += sep + token(tokens[i + j], "text.ngrams");
    out.emplace_back(std::move(gram));
  }
  return Value(std::move(out));
}

// The stop-word op's per-worker state: a hash set built once per worker.
struct StopWords {
  std::unordered_set<std::string> words;
  StopWords() {
    static const char* const kEnglish[] = {
        "a",     "about",   "above",   "after", "again", "all",     "am",    "an",      "and",
        "any",   "are",     "as",      "at",    "be",    "because", "been",  "before",  "being",
        "below", "between", "both",    "but",   "by",    "can",     "did",   "do",      "does",
        "doing", "down",    "during",  "each",  "few",   "for",     "from",  "further", "had",
        "has",   "have",    "having",  "he",    "her",   "here",    "hers",  "him",     "his",
        "how",   "i",       "if",      "in",    "into",  "is",      "it",    "its",     "itself",
        "just",  "me",      "more",    "most",  "my",    "no",      "nor",   "not",     "now",
        "of",    "off",     "on",      "once",  "only",  "or",      "other", "our",     "ours",
        "out",   "over",    "own",     "same",  "she",   "should",  "so",    "some",    "such",
        "than",  "that",    "the",     "their", "them",  "then",    "there", "these",   "they",
        "this",  "those",   "through", "to",    "too",   "under",   "until", "up",      "very",
        "was",   "we",      "were",    "what",  "when",  "where",   "which", "while",   "who",
        "whom",  "why",     "will",    "with",  "you",   "your",    "yours"};
    words.insert(std::begin(kEnglish), std::end(kEnglish));
  }
};

}  // namespace

SHOAL_PLUGIN("text", "1.0.0") {
  plugin.op("text.lowercase")
      .doc("Lowercases a string, or each string of a list (ASCII letters).")
      .input("text", "any", "A string or a list of strings")
      .output("out", "any", "The same shape, lowercased")
      .run([](OpContext&, Inputs in, const Params&) {
        return map_strings(in[0], "text.lowercase",
                           [](const std::string& s) { return Value(lower(s)); });
      });

  plugin.op("text.tokenize")
      .doc(
          "Splits a string into tokens (a list of strings); a list of strings into a list of token "
          "lists.")
      .input("text", "any", "A string or a list of strings")
      .output("tokens", "list", "The tokens, in order")
      .param_choice(
          "by", "words", {"words", "whitespace"},
          "words: runs of letters, digits and _ (punctuation dropped); whitespace: split on spaces")
      .param_bool("lowercase", false, "Lowercase every token")
      .run([](OpContext&, Inputs in, const Params& p) {
        bool by_words = p.at("by").as_string() == "words";
        bool low = p.at("lowercase").as_bool();
        return map_strings(in[0], "text.tokenize",
                           [&](const std::string& s) { return tokenize(s, by_words, low); });
      });

  plugin.op("text.ngrams")
      .doc(
          "The n-grams of a token list, each joined by `sep`; a list of token lists gives a list "
          "of n-gram lists.")
      .input("tokens", "list", "A list of tokens, or a list of token lists")
      .output("ngrams", "list")
      .param_int("n", 2, 1, 16, "Tokens per n-gram")
      .param_string("sep", " ", "Joins the tokens of an n-gram")
      .run([](OpContext&, Inputs in, const Params& p) {
        auto n = static_cast<std::size_t>(p.at("n").as_int());
        const std::string& sep = p.at("sep").as_string();
        return map_token_lists(in[0], "text.ngrams",
                               [&](const List& t) { return ngrams(t, n, sep); });
      });

  plugin.op("text.regex_filter")
      .doc(
          "Keeps the strings of a list that contain a match of `pattern` (or, inverted, that do "
          "not).")
      .input("strings", "list", "A list of strings")
      .output("out", "list", "The strings kept, in order")
      .param_required("pattern", shoal::ParamSpec::Type::kString,
                      "An ECMAScript regular expression")
      .param_bool("invert", false, "Keep the strings that do not match")
      .param_bool("ignore_case", false, "Match without regard to case")
      .run([](OpContext&, Inputs in, const Params& p) {
        std::regex re = compile("text.regex_filter", p.at("pattern").as_string(),
                                p.at("ignore_case").as_bool());
        bool invert = p.at("invert").as_bool();
        List out;
        for (const Value& v : in[0].as_list()) {
          if (std::regex_search(token(v, "text.regex_filter"), re) != invert) out.push_back(v);
        }
        return Value(std::move(out));
      });

  plugin.op("text.regex_extract")
      .doc(
          "Every match of `pattern` in a string (capture group `group`), as a list; a list of "
          "strings gives a "
          "list of such lists.")
      .input("text", "any", "A string or a list of strings")
      .output("matches", "list")
      .param_required("pattern", shoal::ParamSpec::Type::kString,
                      "An ECMAScript regular expression")
      .param_int("group", 0, 0, 99, "0 for the whole match, i for capture group i")
      .param_bool("ignore_case", false, "Match without regard to case")
      .run([](OpContext&, Inputs in, const Params& p) {
        std::regex re = compile("text.regex_extract", p.at("pattern").as_string(),
                                p.at("ignore_case").as_bool());
        auto group = static_cast<std::size_t>(p.at("group").as_int());
        if (group > re.mark_count()) {
          throw Error("op 'text.regex_extract': parameter 'group' is " + std::to_string(group) +
                      " but the pattern has " + std::to_string(re.mark_count()) +
                      " capture groups");
        }
        return map_strings(in[0], "text.regex_extract", [&](const std::string& s) {
          List found;
          for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator();
               ++it) {
            found.emplace_back((*it)[group].str());
          }
          return Value(std::move(found));
        });
      });

  plugin.op("text.remove_stopwords")
      .doc(
          "Drops English stop words (and `extra` words) from a token list, or from each of a list "
          "of token "
          "lists. Stateful: each worker builds the stop-word set once.")
      .input("tokens", "list", "A list of tokens, or a list of token lists")
      .output("out", "list")
      .param(shoal::ParamSpec{"extra",
                              shoal::ParamSpec::Type::kList,
                              Value(List{}),
                              false,
                              {},
                              {},
                              {},
                              "More words to drop (lowercase)"})
      .param_bool("ignore_case", true, "Compare tokens lowercased")
      .run_with_state<StopWords>(
          [] { return std::make_shared<StopWords>(); },
          [](StopWords& stop, OpContext&, Inputs in, const Params& p) {
            std::unordered_set<std::string> extra;
            for (const Value& w : p.at("extra").as_list())
              extra.insert(token(w, "text.remove_stopwords"));
            bool ignore_case = p.at("ignore_case").as_bool();
            return map_token_lists(in[0], "text.remove_stopwords", [&](const List& tokens) {
              List kept;
              for (const Value& t : tokens) {
                std::string w =
                    ignore_case ? lower(token(t, "text.remove_stopwords")) : t.as_string();
                if (!stop.words.count(w) && !extra.count(w)) kept.push_back(t);
              }
              return Value(std::move(kept));
            });
          });
}
