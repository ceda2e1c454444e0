// questions.h: the db-benchmark questions on Shoal's public DataFrame API,
// shared by the bench driver (dbbench_shoal.cpp) and the test that checks
// them against pandas (tests/core/dataframe/test_dbbench.cpp). A question
// Shoal cannot answer has no `run`, and says what Shoal lacks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "shoal/dataframe.h"

namespace shoal::dbbench {

struct Question {
  std::vector<std::string> usecols;                // columns of the groupby data it reads
  std::vector<std::string> keys;                   // group keys (filled when --null-keys)
  std::vector<std::string> out;                    // the result's value columns, for the digest
  std::function<DataFrame(const DataFrame&)> run;  // empty: Shoal cannot answer
  std::string missing;                             // what Shoal lacks, when `run` is empty
};

inline DataFrame by(const DataFrame& df, std::vector<std::string> keys,
                    std::vector<Aggregation> aggs) {
  return df.groupby(std::move(keys)).agg(std::move(aggs));
}

inline const std::map<std::string, Question>& groupby_questions() {
  static const std::map<std::string, Question> q = {
      {"q1",
       {{"id1", "v1"},
        {"id1"},
        {"v1"},
        [](auto& d) {
          return by(d, {"id1"}, {{"v1", "sum"}});
        }}},
      {"q2",
       {{"id1", "id2", "v1"},
        {"id1", "id2"},
        {"v1"},
        [](auto& d) {
          return by(d, {"id1", "id2"}, {{"v1", "sum"}});
        }}},
      {"q3",
       {{"id3", "v1", "v3"},
        {"id3"},
        {"v1", "v3"},
        [](auto& d) {
          return by(d, {"id3"}, {{"v1", "sum"}, {"v3", "mean"}});
        }}},
      {"q4",
       {{"id4", "v1", "v2", "v3"},
        {"id4"},
        {"v1", "v2", "v3"},
        [](auto& d) {
          return by(d, {"id4"}, {{"v1", "mean"}, {"v2", "mean"}, {"v3", "mean"}});
        }}},
      {"q5",
       {{"id6", "v1", "v2", "v3"},
        {"id6"},
        {"v1", "v2", "v3"},
        [](auto& d) {
          return by(d, {"id6"}, {{"v1", "sum"}, {"v2", "sum"}, {"v3", "sum"}});
        }}},
      {"q6", {{}, {}, {}, nullptr, "median by group"}},
      {"q7",
       {{"id3", "v1", "v2"},
        {"id3"},
        {"range_v1_v2"},
        [](auto& d) {
          DataFrame g = by(d, {"id3"}, {{"v1", "max", "max_v1"}, {"v2", "min", "min_v2"}});
          return g.assign("range_v1_v2", g["max_v1"] - g["min_v2"]).select({"id3", "range_v1_v2"});
        }}},
      {"q8", {{}, {}, {}, nullptr, "top-n rows per group"}},
      {"q9", {{}, {}, {}, nullptr, "corr by group"}},
      {"q10",
       {{"id1", "id2", "id3", "id4", "id5", "id6", "v1", "v3"},
        {"id1", "id2", "id3", "id4", "id5", "id6"},
        {"v3", "count"},
        [](auto& d) {
          return by(d, {"id1", "id2", "id3", "id4", "id5", "id6"},
                    {{"v3", "sum"}, {"v1", "size", "count"}});
        }}},
  };
  return q;
}

// The join questions: the right table, the key and how.
struct JoinQuestion {
  std::string on;
  JoinHow how;
};
inline const std::map<std::string, JoinQuestion> kJoins = {
    {"j1", {"id1", JoinHow::kInner}}, {"j2", {"id2", JoinHow::kInner}},
    {"j3", {"id2", JoinHow::kLeft}},  {"j4", {"id5", JoinHow::kInner}},
    {"j5", {"id3", JoinHow::kInner}},
};

/// Null keys as a group of their own, as the questions ask (pandas'
/// dropna=False): Shoal's groupby drops null keys, so they are filled with
/// a value no key has ("" or -1) first. Part of the timed query.
inline DataFrame keep_null_keys(const DataFrame& df, const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, Expr>> filled;
  for (const auto& k : keys) {
    bool text = df.schema().type_of(k) == DataType::kString;
    filled.emplace_back(k,
                        text ? df[k].fill_null(Expr("")) : df[k].fill_null(Expr(std::int64_t{-1})));
  }
  return df.assign(std::move(filled));
}

}  // namespace shoal::dbbench
