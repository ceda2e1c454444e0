// gen_dbbench: writes the db-benchmark groupby or join data (datagen.h).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "datagen.h"

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "groupby" && argc == 6) {
    shoal::dbbench::groupby(std::strtoull(argv[2], nullptr, 10),
                            std::strtoull(argv[3], nullptr, 10), std::atoi(argv[4]), argv[5]);
  } else if (what == "join" && argc == 8) {
    shoal::dbbench::join(std::strtoull(argv[2], nullptr, 10), std::atoi(argv[3]), argv + 4);
  } else {
    std::fprintf(stderr,
                 "usage: gen_dbbench groupby N K NA OUT.csv\n"
                 "       gen_dbbench join N NA X.csv SMALL.csv MEDIUM.csv BIG.csv\n");
    return 2;
  }
  return 0;
}
