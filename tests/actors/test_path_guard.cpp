// PathGuard, what --allow-path confines a worker with: a path parameter
// outside the allowed directories is refused, naming the path and the
// parameter, however it is spelled (.., a symbolic link, a sibling whose
// name starts like the allowed one, a fused task).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "distributed/path_guard.h"
#include "shoal/error.h"

using namespace shoal;
using shoal::actors::PathGuard;
namespace fs = std::filesystem;

namespace {

Task task_with(std::string op, Params params) {
  Task t;
  t.key = Key("t");
  t.op = OpRegistry::global().find(op);
  if (!t.op) {
    auto o = std::make_shared<Op>();
    o->name = op;
    t.op = o;
  }
  t.params = std::make_shared<const Params>(std::move(params));
  return t;
}

struct Dirs {
  fs::path root = fs::temp_directory_path() / ("shoal-path-guard-" + std::to_string(getpid()));
  fs::path data = root / "data", data2 = root / "data2";
  Dirs() {
    fs::create_directories(data / "sub");
    fs::create_directories(data2);
    fs::create_symlink("/etc", data / "etc-link");
  }
  ~Dirs() { fs::remove_all(root); }
};

}  // namespace

TEST_CASE("paths inside the allowed directories pass, others are refused by name") {
  Dirs d;
  PathGuard guard({d.data.string()});
  CHECK(guard.confined());
  CHECK_FALSE(
      guard.refusal(task_with("dataframe.to_csv", {{"path", (d.data / "out.csv").string()}})));
  CHECK_FALSE(guard.refusal(task_with("x", {{"path", (d.data / "sub" / "new" / "f").string()}})));
  CHECK_FALSE(guard.refusal(task_with("x", {{"path", (d.data / "*.csv").string()}})));  // a glob
  CHECK_FALSE(guard.refusal(task_with("x", {{"columns", "/etc/passwd"}})));  // not a path

  auto why = guard.refusal(task_with("dataframe.read_csv", {{"path", "/etc/passwd"}}));
  REQUIRE(why);
  CHECK(why->find("'/etc/passwd'") != std::string::npos);
  CHECK(why->find("parameter 'path' of dataframe.read_csv") != std::string::npos);
  CHECK(why->find(fs::canonical(d.data).string()) != std::string::npos);

  for (const std::string escape :
       {(d.data / ".." / "data2" / "f").string(), (d.data / "etc-link" / "passwd").string(),
        (d.data2 / "f").string(), d.root.string()}) {
    CAPTURE(escape);
    CHECK(guard.refusal(task_with("x", {{"path", escape}})));
  }
}

TEST_CASE("lists of paths, text blocks, declared path parameters and fused tasks are checked") {
  Dirs d;
  PathGuard guard({d.data.string(), d.data2.string()});
  const std::string in = (d.data2 / "a.txt").string();
  CHECK_FALSE(guard.refusal(task_with("x", {{"paths", Value(List{Value(in), Value(in)})}})));
  CHECK(guard.refusal(task_with("x", {{"paths", Value(List{Value(in), Value("/etc/hosts")})}})));
  // bag.apply's text block: [path, start, end, gzip, mtime].
  auto block = [](const std::string& p) {
    return Value(List{Value(p), Value(0), Value(10), Value(false), Value(0)});
  };
  CHECK_FALSE(guard.refusal(task_with("bag.apply", {{"text", block(in)}})));
  CHECK(guard.refusal(task_with("bag.apply", {{"text", block("/etc/passwd")}})));
  // table.read_csv declares "path" as a path; a plugin's op may name it otherwise.
  auto op = std::make_shared<Op>();
  op->name = "plugin.load";
  op->params.push_back(ParamSpec{"model", ParamSpec::Type::kPath});
  Task t = task_with("plugin.load", {{"model", "/etc/shadow"}});
  t.op = op;
  CHECK(guard.refusal(t));
  // A refused task fused into an allowed one refuses the whole.
  Task outer = task_with("x", {{"path", in}});
  outer.prelude = std::make_shared<const std::vector<Task>>(
      std::vector<Task>{task_with("dataframe.read_csv", {{"path", "/etc/passwd"}})});
  auto why = guard.refusal(outer);
  REQUIRE(why);
  CHECK(why->find("/etc/passwd") != std::string::npos);
}

TEST_CASE("an unconfined guard allows everything; a missing directory is an error") {
  CHECK_FALSE(PathGuard().refusal(task_with("x", {{"path", "/etc/passwd"}})));
  CHECK_THROWS_WITH_AS(PathGuard({"/nonexistent/shoal-dir"}), doctest::Contains("/nonexistent"),
                       Error);
}
