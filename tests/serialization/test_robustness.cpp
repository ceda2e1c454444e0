// Hostile input: random, truncated and mutated bytes fed to every decoder.
// Each input either decodes or throws DecodeError with a message; anything
// else (another exception, a crash, a hang) fails. Also run under ASan and
// UBSan by scripts/test-sanitizers.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <new>
#include <random>

#include "random_values.h"
#include "shoal/data_file.h"
#include "shoal/graph_codec.h"
#include "shoal/pipeline_file.h"
#include "shoal/value_codec.h"
#include "shoal/wire.h"

using namespace shoal;

namespace {
extern thread_local bool counting;
extern thread_local std::size_t allocated;
}  // namespace

// Counting replacements of the global allocation functions (this test binary
// only): the robustness test checks what each decode allocates.
void* operator new(std::size_t n) {
  if (counting) allocated += n;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return ::operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using Decoder = std::function<void(std::span<const std::byte>)>;

struct Outcome {
  std::size_t decoded = 0, refused = 0;
  double max_ratio = 0;  ///< Most bytes allocated per input byte.
};

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::vector<std::byte> mutate(const std::vector<std::byte>& good) {
    std::vector<std::byte> b = good;
    switch (rng_() % 6) {
      case 0:  // random bytes
        b.assign(rng_() % 256, std::byte{0});
        for (auto& x : b) x = static_cast<std::byte>(rng_());
        break;
      case 1:  // truncated
        b.resize(good.empty() ? 0 : rng_() % good.size());
        break;
      case 2:  // a few bit flips
        for (int i = 0, n = 1 + static_cast<int>(rng_() % 8); i < n && !b.empty(); ++i) {
          b[rng_() % b.size()] ^= static_cast<std::byte>(1u << (rng_() % 8));
        }
        break;
      case 3:  // a random 32-bit word overwritten (sizes, counts, pointer offsets)
        if (b.size() >= 4) {
          std::uint32_t v = pick_interesting();
          std::memcpy(b.data() + (rng_() % (b.size() / 4)) * 4, &v, 4);
        }
        break;
      case 4:  // a random 64-bit word overwritten (whole capnp pointers)
        if (b.size() >= 8) {
          std::uint64_t v = rng_();
          std::memcpy(b.data() + (rng_() % (b.size() / 8)) * 8, &v, 8);
        }
        break;
      default:  // bit flips, then truncation to a whole word
        if (!b.empty()) b[rng_() % b.size()] ^= static_cast<std::byte>(rng_());
        b.resize(b.size() / 8 * 8);
        break;
    }
    return b;
  }

 private:
  std::uint32_t pick_interesting() {
    static constexpr std::uint32_t kInteresting[] = {
        0, 1, 2, 7, 8, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 1u << 29};
    return rng_() % 2 ? kInteresting[rng_() % std::size(kInteresting)]
                      : static_cast<std::uint32_t>(rng_());
  }
  std::mt19937_64 rng_;
};

// Allocation accounting: while `counting`, every operator new adds to `allocated`.
thread_local bool counting = false;
thread_local std::size_t allocated = 0;

/// What a decode may allocate: the documented bound (a small multiple of the
/// input, see shoal/decode_error.h) with room for fixed overheads.
constexpr std::size_t kAllocationFactor = 64;
constexpr std::size_t kAllocationSlack = std::size_t{1} << 20;

Outcome hammer(const std::vector<std::vector<std::byte>>& corpus, const Decoder& decode, int inputs,
               std::uint64_t seed) {
  Mutator m(seed);
  Outcome out;
  for (int i = 0; i < inputs; ++i) {
    auto mutated = m.mutate(corpus[static_cast<std::size_t>(i) % corpus.size()]);
    std::span<const std::byte> bytes(mutated);
    std::vector<std::byte> shifted;
    if (i % 4 == 3) {  // unaligned input: the readers copy it once
      shifted.resize(mutated.size() + 3);
      if (!mutated.empty()) std::memcpy(shifted.data() + 3, mutated.data(), mutated.size());
      bytes = std::span<const std::byte>(shifted).subspan(3);
    }
    allocated = 0;
    counting = true;
    try {
      decode(bytes);
      counting = false;
      ++out.decoded;
    } catch (const DecodeError& e) {
      counting = false;
      REQUIRE(std::strlen(e.what()) > 0);
      ++out.refused;
    } catch (const std::exception& e) {
      counting = false;
      FAIL("input #" << i << " threw something other than DecodeError: " << e.what());
    }
    REQUIRE_MESSAGE(allocated <= kAllocationFactor * bytes.size() + kAllocationSlack,
                    "input #" << i << " of " << bytes.size() << " bytes allocated " << allocated);
    out.max_ratio = std::max(
        out.max_ratio, static_cast<double>(allocated) / static_cast<double>(bytes.size() + 1));
  }
  return out;
}

Graph sample_graph(shoal::testing::RandomValues& r) {
  Graph g;
  for (int i = 0; i < 5; ++i) {
    Task t;
    t.key = Key("t-" + std::to_string(i), {i, 2});
    t.op = OpRegistry::global().get(i % 2 ? "identity" : "list");
    if (i > 0) t.args.push_back(Key("t-" + std::to_string(i - 1), {i - 1, 2}));
    t.args.push_back(std::vector<Arg>{Arg(r.value(2)), Arg(Key("t-0", {0, 2}))});
    if (i % 2) t.params = std::make_shared<const Params>(Params{{"p", r.value(1)}});
    g.add(std::move(t));
  }
  return g;
}

std::vector<std::vector<std::byte>> wire_corpus(shoal::testing::RandomValues& r) {
  std::vector<std::vector<std::byte>> out;
  for (int i = 0; i < 4; ++i) {
    Graph g = sample_graph(r);
    out.push_back(encode_wire(wire::RunGraph{1, g, {Key("t-4", {4, 2})}}));
    out.push_back(
        encode_wire(wire::AssignTask{2, g.tasks().back(), 3, {{Key("t-3", {3, 2}), "w1"}}}));
    out.push_back(encode_wire(wire::TaskDone{3, Key("t-1", {1}), "w1", 100, 5, true, r.value(3)}));
    out.push_back(encode_wire(wire::TaskFailed{4, Key("t-1", {1}), "inc", "boom", "w2"}));
    out.push_back(encode_wire(wire::FetchRequest{5, {Key("a", {1}), Key("b")}}));
    out.push_back(encode_wire(wire::FetchReply{
        5, {{Key("a", {1}), r.value(2)}, {Key("t"), Value(r.table(8))}}, {Key("b")}}));
    out.push_back(encode_wire(wire::Heartbeat{"w1", 1, 2, 3, 4, 5, 6}));
    out.push_back(
        encode_wire(wire::RegisterWorker{"w1", "127.0.0.1", 80, 2, 0, {"add", "inc", "sum"}}));
  }
  return out;
}

std::vector<std::byte> as_bytes(const std::string& s) {
  std::vector<std::byte> out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

std::vector<std::vector<std::byte>> pipeline_corpus(shoal::testing::RandomValues& r) {
  std::vector<std::vector<std::byte>> out;
  for (int n = 1; n <= 8; ++n) {
    Pipeline p;
    p.metadata = {"fuzz " + std::to_string(n), "a pipeline to mutate"};
    for (int i = 0; i < n; ++i) {
      Value v = i % 2 ? Value(List{Value(i), Value("s"), Value(0.5), Value(true), Value()})
                      : Value(i * 1000);
      p.add_node({"n" + std::to_string(i),
                  i ? "inc" : "value",
                  {{"value", v}},
                  10.0 * i,
                  -2.5 * i,
                  i % 3 ? "" : "L"});
      if (i) p.connect({"n" + std::to_string(i - 1), "out"}, {"n" + std::to_string(i), "x"});
    }
    (void)r;
    out.push_back(as_bytes(encode_pipeline_json(p)));
  }
  return out;
}

}  // namespace

TEST_CASE("100,000+ hostile inputs to the wire decoder and the pipeline JSON reader") {
  auto start = std::chrono::steady_clock::now();
  shoal::testing::RandomValues r(171717);
  auto wires = wire_corpus(r);
  auto pipelines = pipeline_corpus(r);
  DecodeLimits limits;
  auto w = hammer(
      wires, [&](auto b) { (void)decode_wire(b, limits); }, 60000, 5);
  auto p = hammer(
      pipelines,
      [&](auto b) {
        (void)decode_pipeline_json(
            std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), "fuzz.shoal.json");
      },
      50000, 6);
  MESSAGE(
      "wire: " << w.decoded << " decoded, " << w.refused << " refused; pipeline JSON: " << p.decoded
               << "/" << p.refused << " in "
               << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
               << " s; most allocated per input byte: " << std::max(w.max_ratio, p.max_ratio));
  CHECK(w.refused > 0);
  CHECK(p.refused > 0);
  CHECK(p.decoded > 0);
}

TEST_CASE("100,000+ random, truncated and mutated inputs: decode or DecodeError, nothing else") {
  auto start = std::chrono::steady_clock::now();
  shoal::testing::RandomValues r(424242);
  std::vector<std::vector<std::byte>> values, graphs, files;
  for (int i = 0; i < 64; ++i) values.push_back(encode_value(r.value(3)));
  values.push_back(encode_value(Value(r.table(30))));
  values.push_back(encode_value(Value(r.tensor())));
  for (int i = 0; i < 16; ++i) graphs.push_back(encode_graph(sample_graph(r)));
  for (int i = 0; i < 16; ++i) files.push_back(encode_data_file({r.table(20), r.table(5)}));

  DecodeLimits limits;  // the defaults, as production readers use them
  auto v = hammer(
      values, [&](auto b) { (void)decode_value(b, limits); }, 40000, 1);
  auto t = hammer(
      values, [&](auto b) { (void)decode_table(b, limits); }, 10000, 2);
  auto g = hammer(
      graphs, [&](auto b) { (void)decode_graph(b, limits); }, 30000, 3);
  auto f = hammer(
      files, [&](auto b) { (void)decode_data_file(b, "fuzz.shoal", limits); }, 30000, 4);
  MESSAGE(
      "value: " << v.decoded << " decoded, " << v.refused << " refused; table: " << t.decoded << "/"
                << t.refused << "; graph: " << g.decoded << "/" << g.refused
                << "; file: " << f.decoded << "/" << f.refused << " in "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                << " s; "
                << "most allocated per input byte: "
                << std::max({v.max_ratio, t.max_ratio, g.max_ratio, f.max_ratio}));
  CHECK(v.refused > 0);
  CHECK(g.refused > 0);
  CHECK(f.refused > 0);
}

TEST_CASE("the .shoal file reader refuses mutated files on disk") {
  shoal::testing::RandomValues r(77);
  auto path = std::filesystem::temp_directory_path() /
              ("shoal-fuzz-" + std::to_string(::getpid()) + ".shoal");
  auto good = encode_data_file({r.table(20)});
  Mutator m(9);
  for (int i = 0; i < 500; ++i) {
    auto bytes = m.mutate(good);
    {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      REQUIRE(f);
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
    }
    try {
      (void)read_tables(path);
    } catch (const DecodeError& e) {
      CHECK(std::string(e.what()).find(path.string()) != std::string::npos);
    }
  }
  std::filesystem::remove(path);
}

TEST_CASE("crafted framing: huge segment counts and sizes, oversized claims") {
  auto words = [](std::initializer_list<std::uint32_t> halves) {
    std::vector<std::byte> b(halves.size() * 4);
    std::size_t i = 0;
    for (std::uint32_t h : halves) std::memcpy(b.data() + 4 * i++, &h, 4);
    return b;
  };
  // Segment count 0xFFFFFFFF + 1 wraps to 0.
  CHECK_THROWS_AS(decode_value(words({0xFFFFFFFF, 0, 0, 0})), DecodeError);
  // One segment claiming 2^32 - 1 words.
  CHECK_THROWS_AS(decode_value(words({0, 0xFFFFFFFF, 0, 0})), DecodeError);
  // 512 segments in a 16-byte message.
  CHECK_THROWS_AS(decode_graph(words({511, 1, 0, 0})), DecodeError);
  // A valid value whose root pointer is overwritten with a far pointer to a
  // segment that does not exist, and with a list of 2^29 - 1 zero-size structs.
  auto good = encode_value(Value(List{Value(1), Value(2)}));
  auto far = good;
  std::uint64_t far_ptr = 2 | (std::uint64_t{7} << 32);
  std::memcpy(far.data() + 8, &far_ptr, 8);
  CHECK_THROWS_AS(decode_value(far), DecodeError);
  auto inflated = good;
  std::uint64_t list_ptr = 1 | (std::uint64_t{((1u << 29) - 1) << 3 | 7} << 32);  // composite list
  std::memcpy(inflated.data() + 8, &list_ptr, 8);
  CHECK_THROWS_AS(decode_value(inflated), DecodeError);
  // Limits below the message size refuse before reading.
  DecodeLimits tiny;
  tiny.traversal_limit_words = 1;
  CHECK_THROWS_AS(decode_value(encode_value(Value(List{Value("a"), Value("b")})), tiny),
                  DecodeError);
}
