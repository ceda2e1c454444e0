// The record splitter of csv_split.h, in two stages as in simdjson.
//
// Stage 1 flattens: window after window, it writes the offset (from p) of
// every delimiter or '\n' outside quotes into one array and of every such
// '\n' into another, up to the first byte that breaks the rules of
// csv_split.h on quotes and '\r' (csv_split_quotes.h). The writes are
// unconditional, several offsets at a time, so a window costs the same few
// branches however its fields fall; a bit walk that branches on each
// delimiter mispredicts on every record.
//
// Stage 2 assigns the offsets to records: since every record taken has
// exactly `columns` fields, record i owns offsets i*columns onwards, and
// it is well formed when its last one is the i-th newline (so the ones
// before it are delimiters). A record that is not stops the batch. Only
// when stage 1 met a '\r' does stage 2 look at the bytes again, to drop
// the '\r' of CRLF; the quoted fields come from stage 1 as bits.
//
// The windows' masks and stage 1 are compiled once per instruction set
// (SSE2 for every x86-64, AVX2 + BMI, AVX-512 with byte compress) through
// target attributes, chosen once at run time.
#include "io/csv/split.h"

#include <algorithm>
#include <atomic>

#include "io/csv/split_quotes.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace shoal::detail {
namespace {

// Stage 1 stops once it has all the offsets a batch can use, so a window
// writes at most 64 offsets past kMaxRecords * kMaxColumns (fields) or
// kMaxRecords (newlines), plus up to 16 unconditional ones past its count.
constexpr std::size_t kSlack = 64 + 16;
constexpr std::size_t kMaxFieldOffsets =
    RecordBatch::kMaxRecords * RecordBatch::kMaxColumns + kSlack;
constexpr std::size_t kMaxNewlineOffsets = RecordBatch::kMaxRecords + kSlack;
// Bits for every field offset, and for a window's field starts past them.
constexpr std::size_t kQuotedWords = kMaxFieldOffsets / 64 + 3;
// Offsets are 32-bit: a longer run is left to the byte-wise scanner.
constexpr std::size_t kMaxOffset = (std::size_t{1} << 32) - 128;

/// What stage 1 needs to know of the call.
struct Plan {
  SplitDialect d;
  std::size_t readable;  // end - p
  std::size_t stop;      // stop - p: no record starts at or after it
  std::size_t fields;    // the most offsets the batch can take
  std::size_t records;   // the most records it can take
};

/// Stage 1's output.
struct Flat {
  std::uint32_t fields[kMaxFieldOffsets];
  std::uint32_t newlines[kMaxNewlineOffsets];
  std::size_t nfields = 0;
  std::size_t nnewlines = 0;
  bool cr = false;  // a '\r' in the windows flattened
  // Bit g: the field that offset g ends opens with a quote, and so is quoted
  // whole. Cleared (and set) only once a window holds an opening quote.
  bool any_quoted = false;
  std::uint64_t quoted[kQuotedWords];
};

// Sets the bits of `opening` from bit `at` of f.quoted on.
inline void mark_quoted(Flat& f, std::size_t at, std::uint64_t opening) {
  if (!f.any_quoted) std::fill(f.quoted, f.quoted + kQuotedWords, 0), f.any_quoted = true;
  const std::size_t word = at / 64, shift = at % 64;
  f.quoted[word] |= opening << shift;
  f.quoted[word + 1] |= opening >> 1 >> (63 - shift);
}

// Bits [at, at + n) of f.quoted, 0 < n <= 64.
inline std::uint64_t quoted_bits(const Flat& f, std::size_t at, std::size_t n) {
  const std::size_t word = at / 64, shift = at % 64;
  const std::uint64_t bits = f.quoted[word] >> shift | f.quoted[word + 1] << 1 << (63 - shift);
  return bits & (~std::uint64_t{0} >> (64 - n));
}

// The quote and '\r' rules applied to a window that needs them (see
// flatten): returns the bytes that break them, and marks the window's
// quoted fields in f, nf being the field offsets written before it. PX is
// the prefix XOR, CX packs the opening quotes among the field starts.
// Inlined: a call per window costs CRLF and quoted files a fifth of their
// time (and moving it out of line did not speed up plain files).
template <PrefixXorFn PX, CompactFn CX>
[[gnu::always_inline]] inline std::uint64_t judge(Masks& m, QuoteState& s, Flat& f,
                                                  std::size_t nf) {
  const QuoteVerdict v = apply_quote_rules<PX>(m, s);
  if (v.opening) mark_quoted(f, nf + (~v.starts & 1), CX(v.opening, v.starts));
  f.cr |= m.cr != 0;
  return v.bad;
}

// The windows from p, flattened with masks M and writer W, until one holds
// a byte that breaks the quote and '\r' rules (cut there: the record
// holding it is declined), is not fully readable, or the offsets cover
// every record the batch can take. Fields are written with WF, newlines
// (fewer) with WN; windows with a quote or '\r', or after one, are judged
// with PX and CX. Always inlined into the per-ISA entry points below, so
// M, W and judge inline.
using WriteFn = std::uint32_t* (*)(std::uint64_t bits, std::uint32_t base, std::uint32_t* out);
template <Masks (*M)(const char*, SplitDialect), WriteFn WF, WriteFn WN, PrefixXorFn PX,
          CompactFn CX>
[[gnu::always_inline]] inline void flatten(const char* p, const Plan& plan, Flat& f) {
  std::uint32_t* fields = f.fields;
  std::uint32_t* newlines = f.newlines;
  QuoteState quotes;
  std::uint64_t pending = 0;                               // the last window left quotes some state
  std::uint64_t last_structural = std::uint64_t{1} << 63;  // a field starts at p
  for (std::size_t off = 0; plan.readable - off >= 64 && off < kMaxOffset; off += 64) {
    Masks m = M(p + off, plan.d);
    const auto base = static_cast<std::uint32_t>(off);
    std::uint64_t bad = 0;
    // Most windows of most files hold no quote or '\r' and start outside
    // quotes: they cost this test and nothing else here (with two threads
    // on one core, every instruction of this loop shows).
    if ((m.quote | m.cr | pending) != 0) {
      quotes.field_start = last_structural >> 63;
      bad = judge<PX, CX>(m, quotes, f, static_cast<std::size_t>(fields - f.fields));
      pending = quotes.in_quote | quotes.after_close | quotes.after_cr;
    }
    last_structural = m.structural;
    const std::uint64_t before_bad = (bad - 1) & ~bad;  // all bits when there is none
    fields = WF(m.structural & before_bad, base, fields);
    newlines = WN(m.newline & before_bad, base, newlines);
    const auto nf = static_cast<std::size_t>(fields - f.fields),
               nn = static_cast<std::size_t>(newlines - f.newlines);
    if (bad || nf >= plan.fields || nn >= plan.records) break;
    // Past stop once a record ends there (the last newline is only read
    // near stop: reading it every window costs a store-to-load round trip).
    if (off + 64 >= plan.stop && nn && newlines[-1] + std::size_t{1} >= plan.stop) break;
  }
  f.nfields = static_cast<std::size_t>(fields - f.fields);
  f.nnewlines = static_cast<std::size_t>(newlines - f.newlines);
}

// Writes base + the index of each set bit, kGroup at a time whatever the
// count (the array has room): one branch per kGroup bits, not one per bit.
// The top bit keeps ctz defined once the bits run out; the offsets it
// writes are past the count. The entry points that inline this turn off
// SLP vectorization, which would pack the offsets into a vector a lane at
// a time.
template <std::size_t kGroup>
[[gnu::always_inline]] inline std::uint32_t* write_bits(std::uint64_t bits, std::uint32_t base,
                                                        std::uint32_t* out) {
  const auto count = static_cast<std::size_t>(__builtin_popcountll(bits));
  constexpr std::uint64_t kTop = std::uint64_t{1} << 63;
  for (std::size_t i = 0; i < count || i == 0; i += kGroup) {
    for (std::size_t j = 0; j < kGroup; ++j) {
      out[i + j] = base + static_cast<std::uint32_t>(__builtin_ctzll(bits | kTop));
      bits &= bits - 1;
    }
  }
  return out + count;
}

using FlattenFn = void (*)(const char* p, const Plan& plan, Flat& f);

#if defined(__x86_64__)
Masks masks_sse2(const char* q, SplitDialect d) {
  const __m128i dl = _mm_set1_epi8(d.delimiter), nl = _mm_set1_epi8('\n'),
                qt = _mm_set1_epi8(d.quote), cr = _mm_set1_epi8('\r');
  Masks m{0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16 * i));
    auto bits = [&](__m128i v) {
      return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(v))) << (16 * i);
    };
    __m128i n = _mm_cmpeq_epi8(x, nl);
    m.structural |= bits(_mm_or_si128(_mm_cmpeq_epi8(x, dl), n));
    m.newline |= bits(n);
    m.quote |= bits(_mm_cmpeq_epi8(x, qt));
    m.cr |= bits(_mm_cmpeq_epi8(x, cr));
  }
  return m;
}

__attribute__((target("avx2"))) inline std::uint64_t movemask64(__m256i lo, __m256i hi) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(lo))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32;
}

__attribute__((target("avx2"))) inline Masks masks_avx2(const char* q, SplitDialect d) {
  const __m256i dl = _mm256_set1_epi8(d.delimiter), nl = _mm256_set1_epi8('\n'),
                qt = _mm256_set1_epi8(d.quote), cr = _mm256_set1_epi8('\r');
  __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32));
  __m256i na = _mm256_cmpeq_epi8(a, nl), nb = _mm256_cmpeq_epi8(b, nl);
  return Masks{movemask64(_mm256_or_si256(_mm256_cmpeq_epi8(a, dl), na),
                          _mm256_or_si256(_mm256_cmpeq_epi8(b, dl), nb)),
               movemask64(na, nb), movemask64(_mm256_cmpeq_epi8(a, qt), _mm256_cmpeq_epi8(b, qt)),
               movemask64(_mm256_cmpeq_epi8(a, cr), _mm256_cmpeq_epi8(b, cr))};
}

// GCC 12 takes the undefined vectors inside the AVX-512 intrinsics for
// uninitialized variables.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define SHOAL_AVX512 "avx512f,avx512bw,avx512vbmi2,bmi,bmi2,popcnt,pclmul"

__attribute__((target(SHOAL_AVX512))) inline Masks masks_avx512(const char* q, SplitDialect d) {
  const __m512i x = _mm512_loadu_si512(q);
  const std::uint64_t nl = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\n'));
  return Masks{_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(d.delimiter)) | nl, nl,
               _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(d.quote)),
               _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\r'))};
}

__attribute__((target(SHOAL_AVX512))) inline void put16(std::uint32_t* at, __m512i base,
                                                        __m128i bytes) {
  _mm512_storeu_si512(at, _mm512_add_epi32(base, _mm512_cvtepu8_epi32(bytes)));
}

// The set bits' indices compressed into bytes, widened 16 at a time.
__attribute__((target(SHOAL_AVX512))) inline std::uint32_t* write_bits_avx512(std::uint64_t bits,
                                                                              std::uint32_t base,
                                                                              std::uint32_t* out) {
  const __m512i iota = _mm512_set_epi8(
      63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
      40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,
      17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i idx = _mm512_maskz_compress_epi8(bits, iota);
  const __m512i b = _mm512_set1_epi32(static_cast<int>(base));
  const auto count = static_cast<std::size_t>(_mm_popcnt_u64(bits));
  put16(out, b, _mm512_castsi512_si128(idx));
  if (count > 16) {
    put16(out + 16, b, _mm512_extracti32x4_epi32(idx, 1));
    if (count > 32) {
      put16(out + 32, b, _mm512_extracti32x4_epi32(idx, 2));
      put16(out + 48, b, _mm512_extracti32x4_epi32(idx, 3));
    }
  }
  return out + count;
}

#pragma GCC diagnostic pop

__attribute__((optimize("no-tree-slp-vectorize"))) void flatten_sse2(const char* p,
                                                                     const Plan& plan, Flat& f) {
  flatten<masks_sse2, write_bits<8>, write_bits<4>, prefix_xor_shifts, compact_bits>(p, plan, f);
}

__attribute__((target("avx2,bmi,bmi2,popcnt,pclmul"), optimize("no-tree-slp-vectorize"))) void
flatten_avx2(const char* p, const Plan& plan, Flat& f) {
  flatten<masks_avx2, write_bits<8>, write_bits<4>, prefix_xor_clmul, compact_pext>(p, plan, f);
}

__attribute__((target(SHOAL_AVX512), optimize("no-tree-slp-vectorize"))) void flatten_avx512(
    const char* p, const Plan& plan, Flat& f) {
  flatten<masks_avx512, write_bits_avx512, write_bits_avx512, prefix_xor_clmul, compact_pext>(
      p, plan, f);
}

bool supports(SplitIsa isa) noexcept {
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
                    __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("pclmul");
  switch (isa) {
    case SplitIsa::kPortable:
      return true;
    case SplitIsa::kAvx2:
      return avx2;
    case SplitIsa::kAvx512:
      return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vbmi2");
    case SplitIsa::kBest:
      return true;
  }
  return false;
}

FlattenFn flatten_for(SplitIsa isa) noexcept {
  switch (isa) {
    case SplitIsa::kPortable:
      return flatten_sse2;
    case SplitIsa::kAvx2:
      return flatten_avx2;
    case SplitIsa::kAvx512:
      return flatten_avx512;
    case SplitIsa::kBest:
      break;
  }
  return supports(SplitIsa::kAvx512) ? flatten_avx512
         : supports(SplitIsa::kAvx2) ? flatten_avx2
                                     : flatten_sse2;
}
#else
// Without x86 vectors: the same bits, a byte at a time.
Masks masks_bytes(const char* q, SplitDialect d) {
  Masks m{0, 0, 0, 0};
  for (int i = 0; i < 64; ++i) {
    std::uint64_t bit = std::uint64_t{1} << i;
    if (q[i] == d.delimiter || q[i] == '\n') m.structural |= bit;
    if (q[i] == '\n') m.newline |= bit;
    if (q[i] == d.quote) m.quote |= bit;
    if (q[i] == '\r') m.cr |= bit;
  }
  return m;
}
void flatten_bytes(const char* p, const Plan& plan, Flat& f) {
  flatten<masks_bytes, write_bits<8>, write_bits<4>, prefix_xor_shifts, compact_bits>(p, plan, f);
}
bool supports(SplitIsa isa) noexcept {
  return isa == SplitIsa::kPortable || isa == SplitIsa::kBest;
}
FlattenFn flatten_for(SplitIsa) noexcept {
  return flatten_bytes;
}
#endif

// The stage 1 in use: the best the CPU has unless use_split_isa chose.
std::atomic<FlattenFn> chosen{nullptr};

FlattenFn flatten_fn() noexcept {
  FlattenFn fn = chosen.load(std::memory_order_relaxed);
  if (!fn) chosen.store(fn = flatten_for(SplitIsa::kBest), std::memory_order_relaxed);
  return fn;
}

// Stage 2 for a record of a batch that met a '\r' (which stage 1 saw
// precedes a '\n'): ends the last field before it. A record that starts
// with '\r' is a blank CRLF line: false.
bool drop_cr(const char* record, std::uint32_t nl, std::uint32_t& last_end) {
  if (record[0] == '\r') return false;
  last_end -= record[nl - 1] == '\r';
  return true;
}

// Stage 2: record i is offsets [k, k + columns) with k = i * columns,
// taken into the batch from `start` on; returns how many. kMarks: the batch
// keeps quoted bits, or the records may end in CRLF (most batches of most
// files do neither, and skip both).
template <bool kMarks>
std::size_t assign(const char* p, const Flat& f, const Plan& plan, std::size_t columns,
                   RecordBatch& batch, std::int64_t line, std::uint32_t& start) {
  // Locals, not batch.size and line: stores through the batch would
  // make the compiler reload them each record.
  std::size_t taken = 0;
  for (std::size_t k = 0; taken < f.nnewlines && taken < plan.records; ++taken, k += columns) {
    const std::uint32_t nl = f.newlines[taken];
    // Not past stop, not a blank line, and exactly `columns` fields (and
    // thus within the quote rules: stage 1 cut the offsets where they broke).
    if (start >= plan.stop || nl == start || k + columns > f.nfields ||
        f.fields[k + columns - 1] != nl)
      break;
    const std::size_t r = batch.size + taken;
    for (std::size_t c = 0; c < columns; ++c) batch.ends[r][c] = f.fields[k + c] - start;
    if constexpr (kMarks) {
      batch.quoted[r] = f.any_quoted ? quoted_bits(f, k, columns) : 0;
      if (f.cr && !drop_cr(p + start, nl - start, batch.ends[r][columns - 1])) break;
    }
    batch.starts[r] = p + start;
    batch.lines[r] = line + static_cast<std::int64_t>(taken);
    start = nl + 1;
  }
  return taken;
}

}  // namespace

bool use_split_isa(SplitIsa isa) noexcept {
  if (!supports(isa)) return false;
  chosen.store(flatten_for(isa), std::memory_order_relaxed);
  return true;
}

const char* split_records(const char* p, const char* end, const char* stop, SplitDialect d,
                          std::size_t columns, RecordBatch& batch, std::int64_t& line) {
  if (end - p < 64 || stop <= p || batch.size >= RecordBatch::kMaxRecords) return p;
  if (batch.size == 0) batch.any_quoted = false;  // a batch begun anew
  // The masks assume the quote, delimiter and line ends are distinct bytes.
  if (d.quote == d.delimiter || d.quote == '\n' || d.quote == '\r' || d.delimiter == '\r') return p;
  const std::size_t room = RecordBatch::kMaxRecords - batch.size;
  const Plan plan{d, static_cast<std::size_t>(end - p),
                  static_cast<std::size_t>(std::min(stop, end) - p), room * columns, room};
  // Page-aligned, so that where the offsets are stored relative to the input
  // being loaded no longer moves with the caller's stack depth: an unrelated
  // change to the task actor's frame made stage 1 take 40% more samples (a
  // filter over 1 GiB went from 0.20 to 0.25 s on a Zen 4 EPYC), most likely
  // as the stores of offsets and the loads of the next window came to alias
  // (4 KiB apart). Aligned, the same build measured 0.21 s.
  alignas(4096) Flat f;
  flatten_fn()(p, plan, f);
  if (f.any_quoted && !batch.any_quoted) {  // the records before have bits now
    std::fill(batch.quoted, batch.quoted + batch.size, 0);
    batch.any_quoted = true;
  }
  std::uint32_t start = 0;
  const std::size_t taken = batch.any_quoted || f.cr
                                ? assign<true>(p, f, plan, columns, batch, line, start)
                                : assign<false>(p, f, plan, columns, batch, line, start);
  batch.size += taken;
  line += static_cast<std::int64_t>(taken);
  return p + start;
}

}  // namespace shoal::detail
