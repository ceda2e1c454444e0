// A trip-data pipeline on the DataFrame API: read, filter, assign, groupby,
// merge with a lookup table, sort, write. The same pipeline, node by node,
// is examples/pipelines/trips.shoal.json (run it with `shoal run`).
//
//   trip_pipeline [trips.csv zones.csv out.csv]
#include <cstdio>
#include <string>

#include "shoal/csv.h"
#include "shoal/local_cluster.h"

int main(int argc, char** argv) {
  std::string data = SHOAL_EXAMPLE_DATA;
  std::string trips_path = argc > 3 ? argv[1] : data + "/trips.csv";
  std::string zones_path = argc > 3 ? argv[2] : data + "/zones.csv";
  std::string out_path = argc > 3 ? argv[3] : "trip_pipeline_out.csv";

  shoal::CsvOptions options;
  options.blocksize = 4096;  // a small file, cut into several partitions anyway
  shoal::DataFrame trips = shoal::read_csv(trips_path, options);
  shoal::DataFrame zones = shoal::read_csv(zones_path);
  shoal::DataFrame longer =
      trips[trips["distance"] > 1.0].assign("per_km", trips["fare"] / trips["distance"]);
  shoal::DataFrame by_zone = longer.groupby({"zone"}).agg(
      {{"per_km", "mean", "per_km"}, {"fare", "sum", "fares"}, {"fare", "size", "trips"}});
  shoal::DataFrame named =
      shoal::merge(by_zone, zones, {.on = {"zone"}, .how = shoal::JoinHow::kLeft});
  shoal::DataFrame ranked = named.sort_values("per_km", /*ascending=*/false);
  ranked.to_csv(out_path);

  shoal::Table t = ranked.compute();
  for (std::size_t r = 0; r < t.num_rows(); ++r) {
    const shoal::Column& borough = t.column("borough");
    std::printf("%-12s %-6s %3lld trips  %6.3f per km  %8.2f in fares\n",
                std::string(t.column("zone").string_at(r)).c_str(),
                borough.is_valid(r) ? std::string(borough.string_at(r)).c_str() : "-",
                static_cast<long long>(t.column("trips").int64s()[r]),
                t.column("per_km").float64s()[r], t.column("fares").float64s()[r]);
  }
  std::printf("wrote %s\n", out_path.c_str());
  return 0;
}
