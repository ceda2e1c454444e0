// Array: chunked N-d arrays on InlineExecutor, checked against references
// computed here and against NumPy (Debian's /usr/bin/python3) for randomized
// shapes, chunkings and axes, through files in a temporary directory.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "shoal/array.h"
#include "shoal/error.h"
#include "shoal/inline_executor.h"

using namespace shoal;

namespace {

InlineExecutor inline_executor;

std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> out;
  std::visit(
      [&](const auto& v) {
        for (auto x : v) out.push_back(static_cast<double>(x));
      },
      t.storage());
  return out;
}

bool close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::abs(a - b) <= 1e-9 + 1e-9 * std::abs(b);
}

void check_equal(const Tensor& got, const Shape& shape, const std::vector<double>& want,
                 const std::string& what) {
  INFO(what);
  REQUIRE(got.shape() == shape);
  auto g = as_doubles(got);
  REQUIRE(g.size() == want.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!close(g[i], want[i])) FAIL_CHECK("element " << i << ": " << g[i] << " != " << want[i]);
  }
}

Tensor random_tensor(const Shape& shape, std::mt19937_64& rng) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  std::vector<double> v(n);
  std::uniform_real_distribution<double> u(-3, 3);
  for (double& x : v) x = std::round(u(rng) * 8) / 8;  // ties exercise argmin order
  return Tensor(shape, std::move(v));
}

Chunks random_chunks(const Shape& shape, std::mt19937_64& rng) {
  Chunks c;
  for (auto d : shape) {
    std::vector<std::int64_t> sizes;
    for (std::int64_t left = d; left > 0;) {
      std::int64_t s = std::uniform_int_distribution<std::int64_t>(1, left)(rng);
      sizes.push_back(s), left -= s;
    }
    c.push_back(sizes);
  }
  return c;
}

// ---- NumPy driver ---------------------------------------------------------

const char* kDriver = R"PY(
import sys, numpy as np
np.seterr(all='ignore')
d = sys.argv[1]
def load(name, shape):
    return np.fromfile(f"{d}/{name}", dtype=np.float64).reshape(shape)
def parse_slice(s):
    if ':' not in s: return int(s)
    a, b, c = [None if p == 'n' else int(p) for p in s.split(':')]
    return slice(a, b, c)
for line in open(f"{d}/cases.txt"):
    f = line.split()
    kind, cid, shape = f[0][0], f[1], tuple(int(x) for x in f[2].split(',') if x)
    x = load(cid + ".a", shape)
    if f[0].endswith('i'): x = (x * 4).astype(np.int64)
    if kind == 'R':
        func, axes, keep, ddof = f[3], f[4], f[5] == '1', int(f[6])
        ax = None if axes == 'none' else tuple(int(a) for a in axes.split(','))
        if func in ('argmin', 'argmax'):
            ax = None if ax is None else ax[0]
            r = getattr(np, func)(x, axis=ax)
            if keep:
                r = np.expand_dims(r, ax) if ax is not None else np.reshape(r, (1,) * x.ndim)
        elif func in ('var', 'std'):
            r = getattr(np, func)(x, axis=ax, keepdims=keep, ddof=ddof)
        else:
            r = getattr(np, func)(x, axis=ax, keepdims=keep)
    elif kind == 'E':
        fn, bshape = f[3], tuple(int(v) for v in f[4].split(',') if v and v != '_')
        y = load(cid + ".b", bshape)
        ops = {'add': np.add, 'sub': np.subtract, 'mul': np.multiply, 'div': np.divide,
               'lt': np.less, 'ge': np.greater_equal, 'eq': np.equal}
        if fn in ops: r = ops[fn](x, y)
        elif fn == 'pow': r = np.power(np.abs(x) + 1, y)
        elif fn == 'where': r = np.where(x > 0, x, y)
        elif fn == 'log': r = np.log(np.abs(x) + 1)
        elif fn == 'sqrt': r = np.sqrt(np.abs(x))
        else: r = getattr(np, fn)(x)
    elif kind == 'S':
        r = x[tuple(parse_slice(s) for s in f[3].split(';'))]
    elif kind == 'T':
        r = x.T
    elif kind == 'Q':
        ax = None if f[4] == 'none' else tuple(int(a) for a in f[4].split(','))
        r = getattr(np, f[3])(x + x.T, axis=ax)
    dtype = np.asarray(r).dtype.name
    r = np.asarray(r, dtype=np.float64)
    with open(f"{d}/{cid}.shape", "w") as out:
        out.write(",".join(str(v) for v in r.shape) + "\n" + dtype + "\n")
    r.tofile(f"{d}/{cid}.out")
)PY";

struct Case {
  std::string line;  ///< The driver's instructions.
  Array result;
  std::string id;
};

std::filesystem::path temp_dir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("shoal-array-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

void write_tensor(const std::filesystem::path& p, const Tensor& t) {
  auto v = as_doubles(t);
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 8));
}

std::string join(const Shape& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out;
}

/// Runs the driver over the cases and compares each result with NumPy's.
void compare_with_numpy(const std::filesystem::path& dir, std::vector<Case>& cases) {
  {
    std::ofstream(dir / "driver.py") << kDriver;
    std::ofstream list(dir / "cases.txt");
    for (const Case& c : cases) list << c.line << "\n";
  }
  std::string cmd = "/usr/bin/python3 " + (dir / "driver.py").string() + " " + dir.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  for (Case& c : cases) {
    std::ifstream sf(dir / (c.id + ".shape"));
    std::string text;
    std::getline(sf, text);
    Shape shape;
    std::stringstream ss(text);
    for (std::string part; std::getline(ss, part, ',');) shape.push_back(std::stoll(part));
    std::string dtype;
    std::getline(sf, dtype);
    Tensor got = c.result.compute(inline_executor);
    CHECK_MESSAGE(dtype_name(got.dtype()) == dtype, c.line);
    std::ifstream df(dir / (c.id + ".out"), std::ios::binary);
    std::vector<double> want(std::filesystem::file_size(dir / (c.id + ".out")) / 8);
    df.read(reinterpret_cast<char*>(want.data()), static_cast<std::streamsize>(want.size() * 8));
    check_equal(got, shape, want, c.line);
  }
}

}  // namespace

TEST_CASE("array: creation and assembly") {
  Array z = zeros({5, 3}, {2, 2});
  CHECK(z.chunks() == Chunks{{2, 2, 1}, {2, 1}});
  CHECK(z.keys().size() == 6);
  check_equal(z.compute(inline_executor), {5, 3}, std::vector<double>(15, 0.0), "zeros");
  check_equal(full({2, 2}, {1, 1}, Value(7), DType::kInt64).compute(inline_executor), {2, 2},
              {7, 7, 7, 7}, "full");
  CHECK(ones({3}, {2}, DType::kBool).compute(inline_executor).dtype() == DType::kBool);
  check_equal(arange(0, 10, 3, 2).compute(inline_executor), {4}, {0, 3, 6, 9}, "arange");
  check_equal(linspace(0, 1, 5, 2).compute(inline_executor), {5}, {0, 0.25, 0.5, 0.75, 1.0},
              "linspace");
  std::mt19937_64 rng(1);
  Tensor t = random_tensor({4, 5}, rng);
  CHECK(from_tensor(t, {3, 2}).compute(inline_executor) == t);
}

TEST_CASE("array: random numbers do not depend on the chunking") {
  Tensor a = random::uniform({37, 23}, {37, 23}, 7).compute(inline_executor);
  Tensor b = random::uniform({37, 23}, {5, 4}, 7).compute(inline_executor);
  CHECK(a == b);
  CHECK(!(a == random::uniform({37, 23}, {5, 4}, 8).compute(inline_executor)));
  auto v = a.values<double>();
  CHECK(*std::min_element(v.begin(), v.end()) >= 0.0);
  CHECK(*std::max_element(v.begin(), v.end()) < 1.0);
  Tensor n1 = random::normal({100, 100}, {100, 100}, 3).compute(inline_executor);
  CHECK(n1 == random::normal({100, 100}, {7, 13}, 3).compute(inline_executor));
  // A random array's transpose is generated transposed: same numbers.
  Array r = random::uniform({7, 5, 3}, {3, 2, 2}, 1);
  Array whole = from_tensor(r.compute(inline_executor), {7, 5, 3});
  CHECK(r.T().compute(inline_executor) == whole.T().compute(inline_executor));
  CHECK(r.transpose({1, 2, 0}).T().compute(inline_executor) ==
        whole.transpose({1, 2, 0}).T().compute(inline_executor));
  Tensor stats = Array(random::normal({200, 200}, {50, 50}, 3)).std().compute(inline_executor);
  CHECK(std::abs(stats.values<double>()[0] - 1.0) < 0.02);
}

TEST_CASE("array: reductions against a reference computed here") {
  std::mt19937_64 rng(5);
  Tensor t = random_tensor({6, 7}, rng);
  auto v = t.values<double>();
  Array x = from_tensor(t, Chunks{{2, 3, 1}, {4, 3}});
  std::vector<double> col(7, 0.0), row_max(6, -INFINITY);
  double total = 0;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 7; ++j)
      col[j] += v[i * 7 + j], row_max[i] = std::max(row_max[i], v[i * 7 + j]),
                              total += v[i * 7 + j];
  check_equal(x.sum().compute(inline_executor), {}, {total}, "sum");
  check_equal(x.sum(0).compute(inline_executor), {7}, col, "sum(0)");
  check_equal(x.max(Reduce{{1}, true}).compute(inline_executor), {6, 1}, row_max,
              "max(1, keepdims)");
  for (double& c : col) c /= 6;
  check_equal(x.mean(Reduce{{-2}, false, 0, 2}).compute(inline_executor), {7}, col,
              "mean(-2, split_every=2)");
}

TEST_CASE("array: randomized results equal NumPy's") {
  std::mt19937_64 rng(20261124);
  auto dir = temp_dir();
  std::vector<Case> cases;
  const char* funcs[] = {"sum", "mean", "min", "max", "var", "std", "argmin", "argmax"};
  const char* fns[] = {"add",   "sub", "mul", "div",  "pow", "lt",  "ge", "eq",
                       "where", "exp", "log", "sqrt", "abs", "sin", "cos"};
  for (int i = 0; i < 120; ++i) {
    std::size_t nd = std::uniform_int_distribution<std::size_t>(1, 3)(rng);
    Shape shape;
    for (std::size_t d = 0; d < nd; ++d)
      shape.push_back(std::uniform_int_distribution<std::int64_t>(1, 9)(rng));
    Tensor t = random_tensor(shape, rng);
    Array x = from_tensor(t, random_chunks(shape, rng));
    if (i % 5 == 0) {
      // A generated array: its reductions and elementwise results run fused
      // (array.fused), the chunks made a tile at a time.
      Shape cs;
      for (std::int64_t d : shape)
        cs.push_back(std::uniform_int_distribution<std::int64_t>(1, d)(rng));
      x = random::uniform(shape, cs, static_cast<std::uint64_t>(i), -3, 3);
      t = x.compute(inline_executor);
    }
    std::string id = "c" + std::to_string(i);
    write_tensor(dir / (id + ".a"), t);
    int kind = i % 4;
    // Every other reduction, slice and transpose is of int64 elements.
    std::string as_int;
    if (kind != 2 && rng() % 2) x = (x * 4.0).astype(DType::kInt64), as_int = "i";
    if (kind == 0 || kind == 1) {
      std::string func = funcs[std::uniform_int_distribution<int>(0, 7)(rng)];
      Reduce r;
      r.keepdims = rng() % 2;
      r.ddof = func == "var" || func == "std" ? static_cast<std::int64_t>(rng() % 2) : 0;
      r.split_every = 2 + static_cast<int>(rng() % 3);
      std::string axes = "none";
      if (rng() % 4 != 0) {
        axes.clear();
        for (std::size_t d = 0; d < nd; ++d) {
          if (rng() % 2 || (func[0] == 'a' && r.axis.empty() && d + 1 == nd)) {
            if (func[0] == 'a' && !r.axis.empty()) break;
            r.axis.push_back(static_cast<int>(d));
            axes += (axes.empty() ? "" : ",") + std::to_string(d);
          }
        }
        if (r.axis.empty()) axes = "none";
      }
      if ((func == "var" || func == "std") && r.ddof == 1) {
        // NumPy warns and gives inf/nan for n - ddof <= 0: keep n > 1.
        std::int64_t n = 1;
        for (std::size_t d = 0; d < nd; ++d)
          if (r.axis.empty() || std::count(r.axis.begin(), r.axis.end(), d)) n *= shape[d];
        if (n < 2) r.ddof = 0;
      }
      cases.push_back({"R" + as_int + " " + id + " " + join(shape) + " " + func + " " + axes + " " +
                           (r.keepdims ? "1" : "0") + " " + std::to_string(r.ddof),
                       x.reduce(func, r), id});
    } else if (kind == 2) {
      std::string fn = fns[std::uniform_int_distribution<int>(0, 14)(rng)];
      Shape bshape = shape;
      if (rng() % 2) bshape[rng() % nd] = 1;             // broadcast a size-1 axis
      if (rng() % 4 == 0) bshape.erase(bshape.begin());  // and fewer dimensions
      Tensor tb = random_tensor(bshape, rng);
      write_tensor(dir / (id + ".b"), tb);
      Chunks bc;
      for (std::size_t d = 0; d < bshape.size(); ++d) {
        std::size_t od = d + (nd - bshape.size());
        bc.push_back(bshape[d] == shape[od] ? x.chunks()[od]
                                            : std::vector<std::int64_t>{bshape[d]});
      }
      // Sometimes chunked otherwise: elementwise rechunks it to x's chunks.
      Array y = rng() % 3 == 0 ? from_tensor(tb, random_chunks(bshape, rng)) : from_tensor(tb, bc);
      Array r = fn == "pow"     ? pow(abs(x) + 1, y)
                : fn == "where" ? where(x > 0.0, x, y)
                : fn == "log"   ? log(abs(x) + 1)
                : fn == "sqrt"  ? sqrt(abs(x))
                : (fn == "exp" || fn == "abs" || fn == "sin" || fn == "cos")
                    ? x.elementwise(fn)
                    : elementwise(fn, {x, y});
      cases.push_back(
          {"E " + id + " " + join(shape) + " " + fn + " " + (bshape.empty() ? "_" : join(bshape)),
           r, id});
    } else {
      std::vector<Index> index;
      std::string spec;
      for (std::size_t d = 0; d < nd; ++d) {
        std::int64_t n = shape[d];
        if (rng() % 5 == 0) {
          std::int64_t k = std::uniform_int_distribution<std::int64_t>(-n, n - 1)(rng);
          index.emplace_back(k);
          spec += (d ? ";" : "") + std::to_string(k);
          continue;
        }
        auto bound = [&]() -> std::optional<std::int64_t> {
          if (rng() % 3 == 0) return std::nullopt;
          return std::uniform_int_distribution<std::int64_t>(-n - 2, n + 2)(rng);
        };
        Slice s{bound(), bound(), std::uniform_int_distribution<std::int64_t>(-3, 3)(rng)};
        if (s.step == 0) s.step = 1;
        index.emplace_back(s);
        auto str = [](std::optional<std::int64_t> v) {
          return v ? std::to_string(*v) : std::string("n");
        };
        spec += (d ? ";" : "") + str(s.start) + ":" + str(s.stop) + ":" + std::to_string(s.step);
      }
      if (rng() % 3 == 0) {
        cases.push_back({"T" + as_int + " " + id + " " + join(shape), x.T(), id});
      } else {
        cases.push_back({"S" + as_int + " " + id + " " + join(shape) + " " + spec, x[index], id});
      }
    }
  }
  // (x + x.T) reduced, x generated: the benchmark's shape of query, fused.
  for (int i = 0; i < 24; ++i) {
    std::int64_t a = std::uniform_int_distribution<std::int64_t>(1, 9)(rng),
                 b = std::uniform_int_distribution<std::int64_t>(1, 5)(rng);
    Shape shape = i % 3 == 0 ? Shape{a} : i % 3 == 1 ? Shape{a, a} : Shape{a, b, a};
    if (i == 23) shape = {300, 300};  // rows longer than a tile
    Shape cs;
    for (std::int64_t d : shape)
      cs.push_back(std::uniform_int_distribution<std::int64_t>(1, d)(rng));
    Array x = random::uniform(shape, cs, 100 + static_cast<std::uint64_t>(i));
    std::string id = "q" + std::to_string(i);
    write_tensor(dir / (id + ".a"), x.compute(inline_executor));
    const char* qfuncs[] = {"sum",  "mean", "sum",
                            "mean", "max",  "var"};  // max and var: node by node
    std::string func = qfuncs[std::uniform_int_distribution<int>(0, 5)(rng)];
    Reduce r;
    r.split_every = 2 + static_cast<int>(rng() % 3);
    std::string axes;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      if (rng() % 2)
        r.axis.push_back(static_cast<int>(d)),
            axes += (axes.empty() ? "" : ",") + std::to_string(d);
    }
    if (r.axis.empty()) axes = "none";
    cases.push_back(
        {"Q " + id + " " + join(shape) + " " + func + " " + axes, (x + x.T()).reduce(func, r), id});
  }
  compare_with_numpy(dir, cases);
  std::filesystem::remove_all(dir);
}

TEST_CASE("array: rechunk, concatenate, stack, matmul, astype") {
  std::mt19937_64 rng(9);
  Tensor t = random_tensor({7, 5}, rng);
  Array x = from_tensor(t, {3, 2});
  CHECK(x.rechunk(Chunks{{1, 6}, {5}}).compute(inline_executor) == t);
  CHECK(x.rechunk(Shape{4, 4}).chunks() == Chunks{{4, 3}, {4, 1}});
  Tensor c = concatenate({x, x[{Slice{0, 2}}]}, 0).compute(inline_executor);
  CHECK(c.shape() == Shape{9, 5});
  Tensor s = stack({x, x}, 1).compute(inline_executor);
  CHECK(s.shape() == Shape{7, 2, 5});
  auto sv = s.values<double>(), tv = t.values<double>();
  CHECK(sv[5] == tv[0]);
  Tensor b = random_tensor({5, 3}, rng);
  Tensor m = matmul(x, from_tensor(b, {3, 3})).compute(inline_executor);
  std::vector<double> want(21, 0.0);
  auto bv = b.values<double>();
  for (int i = 0; i < 7; ++i)
    for (int k = 0; k < 5; ++k)
      for (int j = 0; j < 3; ++j) want[i * 3 + j] += tv[i * 5 + k] * bv[k * 3 + j];
  check_equal(m, {7, 3}, want, "matmul");
  CHECK(x.astype(DType::kInt64).compute(inline_executor).dtype() == DType::kInt64);
  // reshape keeps row-major order, whatever the chunks.
  Tensor r = random_tensor({6, 4, 5}, rng);
  Array z = from_tensor(r, {4, 3, 2});
  for (const Shape& s :
       {Shape{120}, Shape{10, 12}, Shape{3, -1, 5}, Shape{24, 5}, Shape{2, 3, 4, 5}}) {
    Tensor got = z.reshape(s).compute(inline_executor);
    CHECK(got.values<double>().size() == 120);
    CHECK(std::equal(got.values<double>().begin(), got.values<double>().end(),
                     r.values<double>().begin()));
  }
  CHECK(z.reshape({-1}).shape() == Shape{120});
  CHECK_THROWS_WITH_AS(z.reshape({7, 7}), doctest::Contains("Array.reshape: cannot reshape"),
                       Error);
  CHECK(x.map_blocks("array.astype", Params{{"dtype", Value("int64")}}, DType::kInt64)
            .compute(inline_executor) == x.astype(DType::kInt64).compute(inline_executor));
  // Differently chunked operands are rechunked to the first one's chunks.
  Array y = from_tensor(t, {2, 5});
  Array sum = x + y;
  CHECK(sum.chunks() == x.chunks());
  CHECK(sum.compute(inline_executor) == (x * 2.0).compute(inline_executor));
  CHECK((x > 0.0).dtype() == DType::kBool);
  CHECK((x > 0.0).sum().dtype() == DType::kInt64);
}

TEST_CASE("array: errors name the place") {
  Array x = zeros({4, 4}, {2, 2}), y = zeros({3}, {3});
  CHECK_THROWS_WITH_AS(x + y, doctest::Contains("do not broadcast"), Error);
  CHECK_THROWS_WITH_AS(x.sum(2), doctest::Contains("Array.sum: axis 2 is out of range"), Error);
  CHECK_THROWS_WITH_AS(x.argmin(Reduce{{0, 1}}), doctest::Contains("argmin"), Error);
  CHECK_THROWS_WITH_AS(x[{7}], doctest::Contains("out of bounds for axis 0"), Error);
  CHECK_THROWS_WITH_AS(matmul(x, zeros({3, 2}, {3, 2})), doctest::Contains("do not align"), Error);
  CHECK_THROWS_WITH_AS(x.transpose({0, 0}), doctest::Contains("repeated"), Error);
}
