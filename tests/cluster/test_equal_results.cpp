// A cluster of separate processes (a scheduler and two workers) gives the
// same values as a LocalCluster: a DataFrame groupby over a generated CSV, a
// Bag word count, Array reductions and pipelines (lowered in the test, and
// through `shoal run --scheduler`). Only built-in ops exist in the
// `shoal worker` processes, so only built-ins are used. Partitions and
// chunks are made larger than the workers' inline limit (64 KiB), so results
// stay on workers and travel worker to worker and worker to client.
#include <doctest/doctest.h>

#include <fstream>
#include <mutex>
#include <set>
#include <unordered_map>

#include "cluster_support.h"
#include "shoal/array.h"
#include "shoal/bag.h"
#include "shoal/csv.h"
#include "shoal/local_cluster.h"
#include "shoal/observer.h"
#include "shoal/pipeline.h"

using namespace shoal;
using namespace shoal::testing;

namespace {

struct Fixture {
  TempDir dir{"equal"};
  Cluster cluster{traced_cluster(dir, 2, 2)};
  Client client{cluster.address()};
  LocalCluster local{{.workers = 2, .threads_per_worker = 1}};

  // Nothing crashed meanwhile: the workers served everything and are alive.
  ~Fixture() {
    CHECK(cluster.scheduler().running());
    for (std::size_t i = 0; i < cluster.num_workers(); ++i) CHECK(cluster.worker(i).running());
  }
};

std::string write_csv(const TempDir& dir) {
  std::string path = dir.file("data.csv");
  std::ofstream out(path);
  out << "key,x,n\n";
  for (int i = 0; i < 200000; ++i)
    out << "k" << (i * 7919) % 61 << "," << ((i * 31) % 1009) * 0.25 - 40 << "," << i % 97 << "\n";
  return path;
}

std::string write_text(const TempDir& dir) {
  std::string path = dir.file("words.txt");
  std::ofstream out(path);
  for (int i = 0; i < 60000; ++i) {
    for (int w = 0; w < i % 7; ++w) out << "w" << (i * 7 + w * 13) % 257 << ' ';
    out << '\n';
  }
  return path;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture,
                  "a DataFrame groupby and filter on a 2-worker cluster equal the LocalCluster's") {
  CsvOptions o;
  o.blocksize = 256 * 1024;
  DataFrame df = read_csv(write_csv(dir), o);
  REQUIRE(df.npartitions() >= 8);
  DataFrame q = df[df["x"] > 0].groupby({"key"}).agg({{"x", "mean"}, {"x", "count"}, {"n", "sum"}});
  Table remote = q.compute(client);
  CHECK(remote.num_rows() == 61);
  CHECK(remote == q.compute(local));
  DataFrame filtered = df[df["n"] < 50];  // big result: fetched from the workers, not inline
  CHECK(filtered.compute(client) == filtered.compute(local));
}

TEST_CASE_FIXTURE(Fixture, "a Bag word count on a 2-worker cluster equals the LocalCluster's") {
  Bag words = Bag::read_text(write_text(dir), {.blocksize = 64 << 10}).flat_map("str.split");
  REQUIRE(Bag::read_text(write_text(dir), {.blocksize = 64 << 10}).npartitions() >= 8);
  List remote = words.frequencies().compute(client);
  CHECK(remote.size() == 257);
  CHECK(remote == words.frequencies().compute(local));
  CHECK(words.count().compute(client) == words.count().compute(local));
}

TEST_CASE_FIXTURE(Fixture, "Array reductions on a 2-worker cluster equal the LocalCluster's") {
  Array x = random::uniform({600, 600}, {150, 150}, 7);  // 176 KiB chunks
  Array q = (x + x.T()).mean(0).sum();
  CHECK(q.compute(client) == q.compute(local));
  Array m = matmul(x[{Slice{0, 300}}], x[{Slice{}, Slice{0, 200}}]).argmax(Reduce{{1}});
  CHECK(m.compute(client) == m.compute(local));
  Array s = x.std(Reduce{{0}, false, 1, 3});
  CHECK(s.compute(client) == s.compute(local));
}

namespace {

// `shoal run FILE [extra...]`: its exit status and standard output.
std::pair<ExitStatus, std::string> shoal_run(const std::string& file,
                                             std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"run", file};
  args.insert(args.end(), extra.begin(), extra.end());
  Process p(kShoalExe, args);
  ExitStatus s = p.wait_exit(std::chrono::seconds(60));
  std::string out;
  for (const Line& l : p.lines(Stream::kStdout)) out += l.text + "\n";
  if (!s.clean()) out += p.tail();
  return {s, out};
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

// The example pipelines, copied with their data (trips writes a CSV beside
// the pipeline file), run by `shoal run` on the embedded LocalCluster and
// with --scheduler on the cluster: the same output, and the same file.
TEST_CASE_FIXTURE(Fixture, "shoal run --scheduler prints and writes what shoal run does locally") {
  const std::filesystem::path examples =
      std::filesystem::path(SHOAL_EXAMPLE_PIPELINES).parent_path();
  std::filesystem::create_directories(dir.path() / "pipelines");
  std::filesystem::copy(examples / "data", dir.path() / "data");
  for (const std::string name : {"arithmetic", "sum_of_squares", "trips"}) {
    CAPTURE(name);
    const std::filesystem::path file = dir.path() / "pipelines" / (name + ".shoal.json");
    std::filesystem::copy_file(examples / "pipelines" / (name + ".shoal.json"), file);
    auto [local_status, local_out] = shoal_run(file.string());
    REQUIRE_MESSAGE(local_status.clean(), local_out);
    const std::string written = read_file(dir.path() / "pipelines" / "trips_by_zone.csv");
    std::filesystem::remove(dir.path() / "pipelines" / "trips_by_zone.csv");
    auto [remote_status, remote_out] = shoal_run(file.string(), {"--scheduler", cluster.address()});
    CHECK_MESSAGE(remote_status.clean(), remote_out);
    CHECK(remote_out == local_out);
    CHECK(read_file(dir.path() / "pipelines" / "trips_by_zone.csv") == written);
  }
  // --scheduler is honoured: with nothing listening there, the run fails.
  Process closed_port(kShoalExe,
                      {"run", (dir.path() / "pipelines" / "arithmetic.shoal.json").string(),
                       "--scheduler", "127.0.0.1:1"});
  CHECK_FALSE(closed_port.wait_exit(std::chrono::seconds(60)).clean());
}

namespace {

// Records which worker ran each task.
class WorkerLog : public TaskObserver {
 public:
  void on_task(const TaskEvent& e) override {
    std::lock_guard lock(mutex_);
    if (e.state == TaskEvent::State::kFinished) worker_of_[e.key] = e.worker;
  }
  std::unordered_map<Key, std::string, KeyHash> worker_of() const {
    std::lock_guard lock(mutex_);
    return worker_of_;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<Key, std::string, KeyHash> worker_of_;
};

}  // namespace

// A pipeline is a high-level graph: one table.read_csv node becomes a task
// per block, and the scheduler spreads them over both workers.
TEST_CASE_FIXTURE(Fixture, "the partitions of one read_csv node run on both workers") {
  Pipeline p;
  p.add_node({.id = "read",
              .op = "table.read_csv",
              .params = {{"path", write_csv(dir)}, {"blocksize", 256 * 1024}}});
  p.add_node(
      {.id = "sums",
       .op = "table.groupby",
       .params = {{"by", List{Value("key")}}, {"aggs", List{Value("x:sum"), Value("n:max")}}}});
  p.connect({"read", "out"}, {"sums", "table"});
  LoweredPipeline low = lower(p);
  REQUIRE(low.node("read")->partitions.size() >= 8);
  std::unordered_map<Key, std::vector<Key>, KeyHash> absorbed;
  Graph g = low.optimized(&absorbed);
  WorkerLog log;
  RunOptions options;
  options.observer = &log;
  std::vector<Value> remote = client.run(g, low.output_keys(), options);
  std::set<std::string> read_workers;
  std::size_t read_tasks = 0;
  for (const auto& [key, worker] : log.worker_of()) {
    bool reads = low.node_of(key) == "read";
    if (auto it = absorbed.find(key); it != absorbed.end())
      for (const Key& k : it->second) reads = reads || low.node_of(k) == "read";
    if (!reads) continue;
    ++read_tasks;
    read_workers.insert(worker);
  }
  CHECK(read_tasks == low.node("read")->partitions.size());
  CHECK(read_workers.size() == 2);
  std::vector<Value> local_values = local.run(g, low.output_keys());
  REQUIRE(remote.size() == 1);
  CHECK(remote == local_values);
  CHECK(low.sink_values(remote).at(0).second.as_table().num_rows() == 61);
}
