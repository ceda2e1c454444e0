// Writes the bag benchmark's text: lines of 4 to 19 words drawn from a
// vocabulary of 20,000 made-up words with Zipf-like frequencies (word r is
// as likely as 1 / r), from a fixed seed, until the file holds BYTES.
// Usage: gen_bag_text OUT.txt BYTES
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    std::uint64_t x = s;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    return x ^ (x >> 33);
  }
  double uniform() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_bag_text OUT.txt BYTES\n");
    return 2;
  }
  std::size_t bytes = std::strtoull(argv[2], nullptr, 10);
  Rng rng{20261125};
  constexpr int kWords = 20000;
  std::vector<std::string> vocab;
  while (vocab.size() < kWords) {
    std::string w(2 + rng.next() % 9, 'a');
    for (char& c : w) c = static_cast<char>('a' + rng.next() % 26);
    w += std::to_string(vocab.size() % 97);  // distinct enough; duplicates are harmless
    vocab.push_back(std::move(w));
  }
  std::vector<double> cdf(kWords);
  double acc = 0;
  for (int r = 0; r < kWords; ++r) cdf[r] = acc += 1.0 / (r + 1);
  for (double& c : cdf) c /= acc;
  FILE* out = std::fopen(argv[1], "wb");
  if (!out) {
    std::perror(argv[1]);
    return 1;
  }
  std::string line;
  std::size_t written = 0;
  while (written < bytes) {
    line.clear();
    int n = 4 + static_cast<int>(rng.next() % 16);
    for (int i = 0; i < n; ++i) {
      auto r = std::lower_bound(cdf.begin(), cdf.end(), rng.uniform()) - cdf.begin();
      if (i) line += ' ';
      line += vocab[static_cast<std::size_t>(std::min<std::ptrdiff_t>(r, kWords - 1))];
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
    written += line.size();
  }
  std::fclose(out);
  std::fprintf(stderr, "wrote %zu bytes to %s\n", written, argv[1]);
  return 0;
}
