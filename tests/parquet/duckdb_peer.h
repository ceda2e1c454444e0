// DuckDB as the peer of the interop tests: its Node.js package, pinned, is
// installed into the build tree on first use, and duckdb_tool.mjs runs jobs
// (write files with COPY, dump what DuckDB reads). When npm cannot install
// it, the test prints why and exits with 77, which ctest reports as skipped.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace shoal::testing {

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void ensure_duckdb() {
  static bool ready = [] {
    std::filesystem::path dir = SHOAL_PARQUET_NODE_DIR;
    if (std::filesystem::exists(dir / "node_modules/@duckdb/node-api/package.json")) return true;
    std::string log = (dir / "npm-install.log").string();
    std::string cmd = "npm install --prefix '" + dir.string() +
                      "' --no-audit --no-fund --loglevel=error " SHOAL_DUCKDB_PACKAGE " > '" + log +
                      "' 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::cerr << "SKIPPED: npm could not install " SHOAL_DUCKDB_PACKAGE
                   " (no npm registry?), so DuckDB interop is NOT checked. npm said:\n"
                << read_text(log) << std::endl;
      std::exit(77);
    }
    return true;
  }();
  (void)ready;
}

/// Runs a job (see duckdb_tool.mjs) and returns what it wrote.
inline nlohmann::json run_duckdb(const nlohmann::json& job, const std::filesystem::path& scratch) {
  ensure_duckdb();
  auto in = scratch / "job.json", out = scratch / "out.json", log = scratch / "duckdb.log";
  std::ofstream(in) << job.dump();
  std::string cmd = "node '" SHOAL_PARQUET_NODE_DIR "/duckdb_tool.mjs' '" + in.string() + "' '" +
                    out.string() + "' > '" + log.string() + "' 2>&1";
  int rc = std::system(cmd.c_str());
  INFO("duckdb_tool said: " << read_text(log));
  REQUIRE(rc == 0);
  return nlohmann::json::parse(read_text(out));
}

}  // namespace shoal::testing
