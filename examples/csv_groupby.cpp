// read_csv + groupby: the seed's central example. The file is cut into
// byte-range partitions, the schema is inferred from a sample, and the
// groupby runs as a tree reduction on the default executor (a LocalCluster).
//
//   csv_groupby [trips.csv]
#include <cstdio>
#include <string>

#include "shoal/csv.h"
#include "shoal/local_cluster.h"

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : SHOAL_EXAMPLE_DATA "/trips.csv";
  shoal::CsvOptions options;
  options.blocksize = 4096;  // a small file, cut into several partitions anyway
  shoal::DataFrame trips = shoal::read_csv(path, options);
  std::printf("%zu partitions of %s\n", trips.npartitions(), trips.schema().str().c_str());

  shoal::Table by_zone =
      trips.groupby({"zone"})
          .agg(
              {{"fare", "mean", "mean_fare"}, {"distance", "sum", "km"}, {"fare", "size", "trips"}})
          .compute();
  for (std::size_t r = 0; r < by_zone.num_rows(); ++r) {
    std::printf("%-12s %4lld trips  %8.2f km  mean fare %6.2f\n",
                std::string(by_zone.column("zone").string_at(r)).c_str(),
                static_cast<long long>(by_zone.column("trips").int64s()[r]),
                by_zone.column("km").float64s()[r], by_zone.column("mean_fare").float64s()[r]);
  }
  return 0;
}
