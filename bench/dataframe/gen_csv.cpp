// Writes the dataframe benchmark's inputs, deterministically:
//   data.csv   — about TARGET bytes of id,key,x,y,ts (key: 1000 distinct
//                strings; x in [0, 1); y in [-100, 100); ts an ISO date)
//   lookup.csv — key,weight for the 1000 keys
// Usage: gen_dataframe_csv DIR [TARGET_BYTES]
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void put_fixed(std::string& out, double v, int decimals) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  out.append(buf, r.ptr);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_dataframe_csv DIR [TARGET_BYTES]\n");
    return 2;
  }
  std::string dir = argv[1];
  std::uint64_t target = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : (std::uint64_t{1} << 30);
  FILE* f = std::fopen((dir + "/data.csv.tmp").c_str(), "wb");
  if (!f) return std::perror("data.csv"), 1;
  std::string buf = "id,key,x,y,ts\n";
  std::uint64_t written = 0, seed = 42;
  char num[32];
  for (std::int64_t id = 0; written < target; ++id) {
    std::uint64_t r = splitmix(seed);
    buf.append(num, std::to_chars(num, num + 32, id).ptr);
    buf += ",key_";
    buf.append(num, std::to_chars(num, num + 32, r % 1000).ptr);
    buf += ',';
    put_fixed(buf, static_cast<double>((r >> 10) % 1000000) / 1e6, 6);
    buf += ',';
    put_fixed(buf, static_cast<double>((r >> 30) % 2000000) / 1e4 - 100, 4);
    unsigned day = static_cast<unsigned>((r >> 52) % 28) + 1,
             month = static_cast<unsigned>((r >> 40) % 12) + 1;
    char date[16];
    std::snprintf(date, sizeof date, ",2021-%02u-%02u\n", month, day);
    buf += date;
    if (buf.size() > (1 << 20)) {
      written += std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  }
  written += std::fwrite(buf.data(), 1, buf.size(), f);
  std::fclose(f);
  std::rename((dir + "/data.csv.tmp").c_str(), (dir + "/data.csv").c_str());
  FILE* l = std::fopen((dir + "/lookup.csv").c_str(), "wb");
  std::fprintf(l, "key,weight\n");
  for (int k = 0; k < 1000; ++k) std::fprintf(l, "key_%d,%d.5\n", k, k % 17);
  std::fclose(l);
  std::printf("wrote %llu bytes\n", static_cast<unsigned long long>(written));
  return 0;
}
