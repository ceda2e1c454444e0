// Word count with a Bag: read text files line by line, split the lines into
// words, count each word and keep the most frequent ones. The steps between
// read_text and frequencies fuse into one pass per block of the file.
//
//   word_count [FILE or GLOB ...]    (no arguments: a generated sample text)
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "shoal/bag.h"
#include "shoal/local_cluster.h"

namespace {

// 20,000 lines of 8 words of a small vocabulary, each word as likely as 1 / rank.
std::string write_sample() {
  const char* words[] = {"the", "of",  "and",  "to", "in", "a",  "is",  "that", "for",  "it",
                         "as",  "was", "with", "be", "by", "on", "not", "he",   "this", "are"};
  auto path = std::filesystem::temp_directory_path() /
              ("shoal-word-count-" + std::to_string(::getpid()) + ".txt");
  std::ofstream out(path);
  std::uint64_t state = 2026;
  for (int line = 0; line < 20000; ++line) {
    for (int w = 0; w < 8; ++w) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      double u = static_cast<double>(state >> 11) / 9007199254740992.0 * 3.5977;  // H(20)
      int rank = 0;
      for (double acc = 1.0; acc < u && rank < 19;) acc += 1.0 / (++rank + 1);
      std::string word = words[rank];
      if (w == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');  // lines start with a capital
      out << (w ? " " : "") << word;
    }
    out << '\n';
  }
  return path.string();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  bool sample = paths.empty();
  if (sample) paths.push_back(write_sample());
  shoal::Bag lines = shoal::Bag::read_text(paths, {.blocksize = 256 << 10});
  // Nothing runs until compute(): map, flat_map and frequencies' partial
  // counts run in one task per block; the counts then merge in a tree.
  shoal::Bag top = lines.map("str.lower").flat_map("str.split").frequencies().topk(5, 1);
  for (const shoal::Value& pair : top.compute()) {
    std::printf("%-6s %lld\n", pair.as_list()[0].as_string().c_str(),
                static_cast<long long>(pair.as_list()[1].as_int()));
  }
  if (sample) std::filesystem::remove(paths[0]);
  return 0;
}
