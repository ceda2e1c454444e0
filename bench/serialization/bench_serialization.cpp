// Encode and decode of a 100 MB numeric Table (int64 + float64 columns),
// best of 5, through encode_table/decode_table and encode_value/decode_value.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

#include "shoal/table.h"
#include "shoal/value_codec.h"

using namespace shoal;

namespace {

struct Timing {
  double first = 0, best = 1e30;
};

Timing best_seconds(int runs, const std::function<void()>& f) {
  Timing t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (i == 0) t.first = s;
    t.best = std::min(t.best, s);
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  std::size_t rows = mb * 1000 * 1000 / 16;
  std::vector<std::int64_t> ints(rows);
  std::vector<double> floats(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    ints[i] = static_cast<std::int64_t>(i * 2654435761u);
    floats[i] = static_cast<double>(i) * 0.5;
  }
  Table table({"id", "x"},
              {std::make_shared<const Column>(Column::from_int64(std::move(ints))),
               std::make_shared<const Column>(Column::from_float64(std::move(floats)))});
  double bytes = static_cast<double>(rows * 16);
  Value value(table);

  // References: the floor (memcpy into a buffer already faulted in) and what
  // a naive copy into a fresh std::vector costs on this machine (page faults).
  std::vector<std::byte> target(rows * 16);
  const auto* src = reinterpret_cast<const std::byte*>(table.column(0).int64s().data());
  const auto* src2 = reinterpret_cast<const std::byte*>(table.column(1).float64s().data());
  Timing memcpy_warm = best_seconds(5, [&] {
    std::memcpy(target.data(), src, rows * 8);
    std::memcpy(target.data() + rows * 8, src2, rows * 8);
  });
  Timing fresh_vector = best_seconds(5, [&] {
    std::vector<std::byte> a(src, src + rows * 8), b(src2, src2 + rows * 8);
    target[0] = a[1] ^ b[1];
  });

  std::vector<std::byte> encoded;
  Timing enc = best_seconds(5, [&] { encoded = encode_table(table); });
  Table decoded;
  Timing dec = best_seconds(5, [&] { decoded = decode_table(encoded); });
  if (!(decoded == table)) {
    std::fprintf(stderr, "round trip differs\n");
    return 1;
  }
  std::vector<std::byte> encoded_value;
  Timing enc_v = best_seconds(5, [&] { encoded_value = encode_value(value); });
  Value decoded_value;
  Timing dec_v = best_seconds(5, [&] { decoded_value = decode_value(encoded_value); });

  std::printf("%-30s %12s %10s %10s %10s\n", "operation (best of 5)", "bytes", "first ms",
              "best ms", "GB/s");
  auto row = [&](const char* name, Timing t) {
    std::printf("%-30s %12.0f %10.2f %10.2f %10.2f\n", name, bytes, t.first * 1e3, t.best * 1e3,
                bytes / t.best / 1e9);
  };
  row("reference: memcpy (warm)", memcpy_warm);
  row("reference: fresh std::vector", fresh_vector);
  row("encode_table", enc);
  row("decode_table", dec);
  row("encode_value(table)", enc_v);
  row("decode_value(table)", dec_v);
  std::printf("message_bytes: %zu\n", encoded.size());
  std::printf("encode_table_gbps: %.2f\n", bytes / enc.best / 1e9);
  std::printf("decode_table_gbps: %.2f\n", bytes / dec.best / 1e9);
  return 0;
}
