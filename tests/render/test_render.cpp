// Shoal::render: rendering DOT to SVG / PNG / laid-out DOT, files, layouts
// for the studio, visualize(), errors and concurrent use.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "shoal/delayed.h"
#include "shoal/error.h"
#include "shoal/render.h"
#include "shoal/visualize.h"

namespace fs = std::filesystem;

namespace {

const char* const kDiamond =
    "digraph g { node [shape=box]; alpha -> beta; alpha -> gamma; beta -> delta; "
    "gamma -> delta; }";

/// A fresh directory under the system's temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("shoal-render-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool looks_like_svg(const std::string& s) {
  return s.rfind("<?xml", 0) == 0 || s.find("<svg") != std::string::npos;
}

bool overlap(const shoal::LayoutNode& a, const shoal::LayoutNode& b) {
  return std::abs(a.x - b.x) < (a.width + b.width) / 2 &&
         std::abs(a.y - b.y) < (a.height + b.height) / 2;
}

}  // namespace

TEST_CASE("render_dot: svg holds every node label") {
  const std::string svg = shoal::render_dot(kDiamond, "svg");
  CHECK(looks_like_svg(svg));
  CHECK(svg.find("</svg>") != std::string::npos);
  for (const char* label : {"alpha", "beta", "gamma", "delta"}) {
    CHECK_MESSAGE(svg.find(label) != std::string::npos, label);
  }
}

TEST_CASE("render_dot: png has the PNG signature") {
  const std::string png = shoal::render_dot(kDiamond, "png");
  REQUIRE(png.size() > 8);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
}

TEST_CASE("render_dot: dot output carries positions") {
  const std::string dot = shoal::render_dot(kDiamond, "dot");
  CHECK(dot.find("pos=") != std::string::npos);
  CHECK(dot.find("bb=") != std::string::npos);
  CHECK(dot.find("delta") != std::string::npos);
}

TEST_CASE("render_dot: other engines and case-insensitive formats") {
  CHECK(looks_like_svg(shoal::render_dot(kDiamond, "SVG", "neato")));
  CHECK(looks_like_svg(shoal::render_dot(kDiamond, "svg", "circo")));
}

TEST_CASE("layout_dot: distinct, non-overlapping nodes and routed edges") {
  const shoal::Layout layout = shoal::layout_dot(kDiamond);
  CHECK(layout.width > 0);
  CHECK(layout.height > 0);
  REQUIRE(layout.nodes.size() == 4);
  CHECK(layout.nodes[0].name == "alpha");
  for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
    const auto& n = layout.nodes[i];
    CHECK(n.width > 0);
    CHECK(n.height > 0);
    CHECK(n.x - n.width / 2 >= -0.5);
    CHECK(n.x + n.width / 2 <= layout.width + 0.5);
    CHECK(n.y - n.height / 2 >= -0.5);
    CHECK(n.y + n.height / 2 <= layout.height + 0.5);
    for (std::size_t j = i + 1; j < layout.nodes.size(); ++j) {
      CHECK_MESSAGE(!overlap(n, layout.nodes[j]), n.name, " overlaps ", layout.nodes[j].name);
    }
  }
  REQUIRE(layout.edges.size() == 4);
  for (const auto& e : layout.edges) {
    CHECK(e.points.size() >= 4);
    CHECK((e.points.size() - 1) % 3 == 0);
    CHECK(e.has_arrow_tip);
  }
  // y grows upwards and dot ranks top-down: alpha is above delta.
  CHECK(layout.nodes[0].y > layout.nodes[3].y);
  CHECK(layout.edges[0].tail == "alpha");
}

TEST_CASE("invalid DOT, engine or format throws shoal::Error") {
  try {
    shoal::render_dot("digraph { a -> ; }", "svg");
    FAIL("no exception");
  } catch (const shoal::Error& e) {
    const std::string what = e.what();
    CHECK(what.find("does not parse") != std::string::npos);
    CHECK(what.find("syntax error") != std::string::npos);
  }
  CHECK_THROWS_AS(shoal::layout_dot("not dot at all {{{"), shoal::Error);
  CHECK_THROWS_AS(shoal::render_dot("", "svg"), shoal::Error);
  CHECK_THROWS_AS(shoal::render_dot(kDiamond, "svg", "no-such-engine"), shoal::Error);
  CHECK_THROWS_WITH_AS(shoal::render_dot(kDiamond, "bmp"),
                       doctest::Contains("unknown format \"bmp\""), shoal::Error);
  // The parser recovers: a good graph after a bad one still renders.
  CHECK(looks_like_svg(shoal::render_dot(kDiamond, "svg")));
}

TEST_CASE("write_dot_file: format by extension, atomic write") {
  TempDir dir;
  shoal::write_dot_file(kDiamond, dir.file("g.svg"));
  shoal::write_dot_file(kDiamond, dir.file("g.PNG"));
  shoal::write_dot_file(kDiamond, dir.file("g.dot"));
  shoal::write_dot_file(kDiamond, dir.file("g.gv"));
  CHECK(looks_like_svg(slurp(dir.file("g.svg"))));
  CHECK(slurp(dir.file("g.PNG")).rfind("\x89PNG", 0) == 0);
  CHECK(slurp(dir.file("g.dot")).find("pos=") != std::string::npos);
  CHECK(slurp(dir.file("g.gv")).find("pos=") != std::string::npos);
  // Only the four files: no temporaries left behind.
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 4);
}

TEST_CASE("write_dot_file: unknown extension or bad path throws") {
  TempDir dir;
  CHECK_THROWS_WITH_AS(shoal::write_dot_file(kDiamond, dir.file("g.jpg")),
                       doctest::Contains(".jpg"), shoal::Error);
  CHECK_THROWS_WITH_AS(shoal::write_dot_file(kDiamond, dir.file("g")), doctest::Contains(".svg"),
                       shoal::Error);
  CHECK_THROWS_AS(shoal::write_dot_file(kDiamond, dir.file("missing/g.svg")), shoal::Error);
  CHECK_THROWS_AS(shoal::write_dot_file("digraph {", dir.file("bad.svg")), shoal::Error);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("visualize: a Delayed value and its Graph") {
  TempDir dir;
  auto one = shoal::delayed([](std::int64_t x) { return x + 1; })(1);
  auto two = shoal::delayed([](std::int64_t x, std::int64_t y) { return x * y; })(one, 10);
  shoal::visualize(two, dir.file("two.svg"));
  const std::string svg = slurp(dir.file("two.svg"));
  CHECK(looks_like_svg(svg));
  // SVG escapes '-' as "&#45;": look for the keys' tokens.
  for (const std::string& key : {two.key().str(), one.key().str()}) {
    CHECK_MESSAGE(svg.find(key.substr(key.rfind('-') + 1)) != std::string::npos, key);
  }

  shoal::visualize(two.graph(), dir.file("two.png"));
  CHECK(slurp(dir.file("two.png")).rfind("\x89PNG", 0) == 0);

  const shoal::Layout layout = shoal::layout_dot(two.graph().to_dot());
  CHECK(layout.nodes.size() == 2);
  CHECK(layout.edges.size() == 1);
}

TEST_CASE("concurrent calls from 4 threads are safe") {
  TempDir dir;
  std::atomic<int> ok{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        if (looks_like_svg(shoal::render_dot(kDiamond, "svg"))) ++ok;
        if (shoal::layout_dot(kDiamond).nodes.size() == 4) ++ok;
        shoal::write_dot_file(kDiamond, dir.file("t" + std::to_string(t) + ".png"));
        try {
          shoal::render_dot("digraph { -> }", "svg");
        } catch (const shoal::Error&) {
          ++errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 40);
  CHECK(errors == 20);
}
