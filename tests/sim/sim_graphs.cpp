#include "sim_graphs.h"

#include <memory>

#include "shoal/error.h"
#include "shoal/op.h"
#include "shoal/plan.h"
#include "shoal/task.h"

namespace shoal::sim {
namespace {

constexpr const char* kFutureOp = "shoal.future";  // the scheduler's placeholder op

OpPtr named_op(const std::string& name) {
  static std::map<std::string, OpPtr> ops;  // the sim is single-threaded
  OpPtr& op = ops[name];
  if (!op) {
    auto made = std::make_shared<Op>();
    made->name = name;
    // Simulated workers compute values themselves (eval below); a graph
    // still needs ops that could run to be valid.
    made->fn = [](OpContext&, std::span<const Value>, const Params&) -> Value {
      throw Error("sim ops run in the simulated workers only");
    };
    op = made;
  }
  return op;
}

Task task(Key key, const std::string& op, const std::vector<Key>& deps) {
  Task t;
  t.key = std::move(key);
  t.op = named_op(op);
  for (const Key& d : deps) t.args.emplace_back(d);
  if (deps.empty()) t.args.emplace_back(Value(std::int64_t{1}));
  return t;
}

int pick(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

// Leaves reduced `fan_in` at a time up to one root: a groupby's tree.
Job tree(std::mt19937_64& rng, int j, std::vector<Key> level) {
  Job job;
  if (level.empty()) {
    int n = pick(rng, 2, 16);
    for (int i = 0; i < n; ++i) {
      level.emplace_back("leaf-" + std::to_string(j), std::initializer_list<std::int64_t>{i});
      job.graph.add(task(level.back(), "sim.leaf", {}));
    }
  }
  int fan_in = pick(rng, 2, 4);
  for (std::int64_t depth = 1; level.size() > 1; ++depth) {
    std::vector<Key> next;
    for (std::size_t i = 0; i < level.size(); i += static_cast<std::size_t>(fan_in)) {
      std::vector<Key> parts(
          level.begin() + static_cast<std::ptrdiff_t>(i),
          level.begin() + static_cast<std::ptrdiff_t>(std::min(level.size(), i + fan_in)));
      next.emplace_back("combine-" + std::to_string(j),
                        std::initializer_list<std::int64_t>{depth, static_cast<std::int64_t>(i)});
      job.graph.add(task(next.back(), "sim.combine", parts));
    }
    level = std::move(next);
  }
  job.outputs = level;
  return job;
}

// Independent tasks, every one an output: client.map.
Job map(std::mt19937_64& rng, int j, const std::vector<Key>& inputs) {
  Job job;
  int n = inputs.empty() ? pick(rng, 2, 12) : static_cast<int>(inputs.size());
  for (int i = 0; i < n; ++i) {
    Key k("map-" + std::to_string(j), {i});
    std::vector<Key> deps;
    if (!inputs.empty()) deps.push_back(inputs[static_cast<std::size_t>(i)]);
    job.graph.add(task(k, "sim.map", deps));
    job.outputs.push_back(k);
  }
  return job;
}

// Every collect task needs every split: a hash shuffle.
Job shuffle(std::mt19937_64& rng, int j) {
  Job job;
  int n = pick(rng, 2, 5), m = pick(rng, 2, 5);
  std::vector<Key> splits;
  for (int i = 0; i < n; ++i) {
    splits.emplace_back("split-" + std::to_string(j), std::initializer_list<std::int64_t>{i});
    job.graph.add(task(splits.back(), "sim.split", {}));
  }
  for (int i = 0; i < m; ++i) {
    Key k("collect-" + std::to_string(j), {i});
    job.graph.add(task(k, "sim.collect", splits));
    job.outputs.push_back(k);
  }
  return job;
}

// A job over the futures of `source`: placeholders for its outputs.
Job on_futures(std::mt19937_64& rng, int j, const Job& source, int source_index, bool keep) {
  std::vector<Key> inputs = source.outputs;
  Job job = rng() % 2 ? map(rng, j, inputs) : tree(rng, j, inputs);
  for (const Key& k : inputs) job.graph.add(task(k, kFutureOp, {}));
  job.depends_on = source_index;
  job.keep = keep;
  return job;
}

}  // namespace

std::int64_t task_value(const Key& key, const std::vector<std::int64_t>& inputs) {
  std::uint64_t h = Tokenizer().add(key).digest();
  for (std::int64_t v : inputs) h = (h ^ static_cast<std::uint64_t>(v)) * 1099511628211ull;
  return static_cast<std::int64_t>(h >> 2);
}

std::vector<Job> random_jobs(std::mt19937_64& rng) {
  std::vector<Job> jobs;
  int n = pick(rng, 1, 3);
  for (int j = 0; j < n; ++j) {
    switch (rng() % 4) {
      case 0:
        jobs.push_back(tree(rng, j, {}));
        break;
      case 1:
        jobs.push_back(map(rng, j, {}));
        break;
      case 2:
        jobs.push_back(shuffle(rng, j));
        break;
      default: {
        // Futures depending on futures: a kept map, a kept job on it, a job on that.
        int a = static_cast<int>(jobs.size());
        jobs.push_back(map(rng, j, {}));
        jobs.back().keep = true;
        jobs.push_back(on_futures(rng, 100 + j, jobs[a], a, true));
        jobs.push_back(on_futures(rng, 200 + j, jobs[a + 1], a + 1, false));
      }
    }
  }
  for (Job& job : jobs) job.priority = static_cast<std::int32_t>(rng() % 2);
  return jobs;
}

std::map<Key, std::int64_t> serial_values(const std::vector<Job>& jobs, std::size_t index) {
  const Job& job = jobs[index];
  std::map<Key, std::int64_t> futures;
  if (job.depends_on >= 0) futures = serial_values(jobs, static_cast<std::size_t>(job.depends_on));
  Plan plan(job.graph, job.outputs, nullptr);
  std::vector<std::int64_t> value(plan.size());
  std::vector<Plan::Id> order(plan.size());
  // Plan ids are not topological; evaluate on demand, dependencies first.
  std::vector<std::uint8_t> done(plan.size(), 0);
  std::map<Key, std::int64_t> out;
  auto eval = [&](auto&& self, Plan::Id id) -> std::int64_t {
    if (done[id]) return value[id];
    const Task& t = plan.task(id);
    if (t.op_name() == kFutureOp) {
      value[id] = futures.at(t.key);
    } else {
      std::vector<std::int64_t> inputs;
      for (Plan::Id d : plan.dependencies(id)) inputs.push_back(self(self, d));
      value[id] = task_value(t.key, inputs);
    }
    done[id] = 1;
    return value[id];
  };
  for (Plan::Id id = 0; id < plan.size(); ++id) out[plan.task(id).key] = eval(eval, id);
  return out;
}

std::string describe(const Job& job) {
  std::string shape = job.outputs.empty() ? "?" : job.outputs.front().name();
  return shape + " (" + std::to_string(job.graph.size()) + " tasks, " +
         std::to_string(job.outputs.size()) + " outputs" + (job.keep ? ", kept" : "") + ")";
}

}  // namespace shoal::sim
