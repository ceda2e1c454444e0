// The graph shapes the simulator submits, and their serial evaluation.
//
// Shapes are the ones Shoal makes: tree reductions, maps, all-to-all
// shuffles, and chains of futures (a graph whose inputs are another run's
// outputs). Tasks run synthetic ops whose value is a hash of the task's key
// and its inputs' values, so that a result computed from a wrong or stale
// input is caught when the outputs are compared with serial_values().
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "shoal/graph.h"
#include "shoal/key.h"

namespace shoal::sim {

/// One submission: a graph, the keys it asks for, and whether its outputs
/// stay as futures (`keep`). Placeholder tasks (op "shoal.future") stand
/// for the outputs of earlier jobs of the same chain.
struct Job {
  Graph graph;
  std::vector<Key> outputs;
  bool keep = false;
  std::int32_t priority = 0;
  int depends_on = -1;  // index of the job whose futures it uses, or -1
};

/// What a task's synthetic op computes from its key and its inputs.
std::int64_t task_value(const Key& key, const std::vector<std::int64_t>& inputs);

/// The jobs of one schedule: a few shapes drawn from `rng`.
std::vector<Job> random_jobs(std::mt19937_64& rng);

/// The value of every key of `jobs[index]` computed serially, placeholders
/// resolved against the earlier jobs.
std::map<Key, std::int64_t> serial_values(const std::vector<Job>& jobs, std::size_t index);

/// A short description of a job ("tree 17 tasks"), for traces.
std::string describe(const Job& job);

}  // namespace shoal::sim
