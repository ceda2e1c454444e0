// Encode and decode of a 100 MB numeric Table (int64 + float64 columns),
// best of 5, through encode_table/decode_table and encode_value/decode_value.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

#include "shoal/table.h"
#include "shoal/value_codec.h"

using namespace shoal;

namespace {

double best_seconds(int runs, const std::function<void()>& f) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
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
  Table table({"id", "x"}, {std::make_shared<const Column>(Column::from_int64(std::move(ints))),
                            std::make_shared<const Column>(Column::from_float64(std::move(floats)))});
  double bytes = static_cast<double>(rows * 16);
  Value value(table);

  std::vector<std::byte> encoded;
  double enc = best_seconds(5, [&] { encoded = encode_table(table); });
  Table decoded;
  double dec = best_seconds(5, [&] { decoded = decode_table(encoded); });
  if (!(decoded == table)) {
    std::fprintf(stderr, "round trip differs\n");
    return 1;
  }
  std::vector<std::byte> encoded_value;
  double enc_v = best_seconds(5, [&] { encoded_value = encode_value(value); });
  Value decoded_value;
  double dec_v = best_seconds(5, [&] { decoded_value = decode_value(encoded_value); });

  std::printf("%-28s %12s %10s %10s\n", "operation", "bytes", "best ms", "GB/s");
  auto row = [&](const char* name, double s) { std::printf("%-28s %12.0f %10.2f %10.2f\n", name, bytes, s * 1e3, bytes / s / 1e9); };
  row("encode_table", enc);
  row("decode_table", dec);
  row("encode_value(table)", enc_v);
  row("decode_value(table)", dec_v);
  std::printf("message_bytes: %zu\n", encoded.size());
  std::printf("encode_table_gbps: %.2f\n", bytes / enc / 1e9);
  std::printf("decode_table_gbps: %.2f\n", bytes / dec / 1e9);
  return 0;
}
