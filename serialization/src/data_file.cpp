// .shoal data files: a 16-byte header, then one length-prefixed Table
// message per table (see shoal/data_file.h).
#include "shoal/data_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "message_io.h"
#include "shoal/atomic_file.h"
#include "shoal/value_codec.h"

namespace shoal {

namespace {

constexpr char kMagic[8] = {'S', 'H', 'O', 'A', 'L', '1', '\0', '\0'};
constexpr std::size_t kHeaderBytes = 16;

template <class T>
void put(std::vector<std::byte>& out, T v) {
  auto at = out.size();
  out.resize(at + sizeof v);
  std::memcpy(out.data() + at, &v, sizeof v);
}

template <class T>
T get(std::span<const std::byte> bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

[[noreturn]] void bad(std::string_view name, const std::string& what) {
  throw DecodeError(std::string(name) + ": " + what);
}

std::string io_error(const std::filesystem::path& path, std::string_view doing) {
  return "cannot " + std::string(doing) + " '" + path.string() + "': " + std::strerror(errno);
}

}  // namespace

std::vector<std::byte> encode_data_file(const std::vector<Table>& tables) {
  std::vector<std::vector<std::byte>> messages;
  std::size_t total = kHeaderBytes;
  for (const Table& t : tables) {
    messages.push_back(encode_table(t));
    total += 8 + messages.back().size();
  }
  std::vector<std::byte> out;
  out.reserve(total);
  out.resize(sizeof kMagic);
  std::memcpy(out.data(), kMagic, sizeof kMagic);
  put<std::uint32_t>(out, kDataFileVersion);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(tables.size()));
  for (const auto& m : messages) {
    put<std::uint64_t>(out, m.size());
    out.insert(out.end(), m.begin(), m.end());
  }
  return out;
}

std::vector<Table> decode_data_file(std::span<const std::byte> bytes, std::string_view name,
                                    const DecodeLimits& limits) {
  if (bytes.size() < kHeaderBytes)
    bad(name, "not a .shoal data file (only " + std::to_string(bytes.size()) + " bytes)");
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    bad(name, "not a .shoal data file (wrong magic)");
  auto version = get<std::uint32_t>(bytes, 8);
  if (version > kDataFileVersion) {
    bad(name, "written in .shoal format version " + std::to_string(version) +
                  ", newer than this Shoal reads (" + std::to_string(kDataFileVersion) +
                  "): upgrade Shoal");
  }
  if (version == 0) bad(name, "invalid .shoal format version 0");
  auto count = get<std::uint32_t>(bytes, 12);
  if (count > (bytes.size() - kHeaderBytes) / 8)
    bad(name, "truncated: header promises " + std::to_string(count) + " tables");
  std::vector<Table> tables;
  tables.reserve(count);
  std::size_t at = kHeaderBytes;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string which = "table " + std::to_string(i) + " of " + std::to_string(count);
    if (bytes.size() - at < 8) bad(name, "truncated before " + which);
    auto length = get<std::uint64_t>(bytes, at);
    at += 8;
    if (length > bytes.size() - at) bad(name, "truncated in " + which);
    try {
      tables.push_back(decode_table(bytes.subspan(at, length), limits));
    } catch (const DecodeError& e) {
      bad(name, which + ": " + e.what());
    }
    at += length;
  }
  if (at != bytes.size())
    bad(name, std::to_string(bytes.size() - at) + " trailing bytes after the last table");
  return tables;
}

void write_tables(const std::filesystem::path& path, const std::vector<Table>& tables) {
  auto bytes = encode_data_file(tables);
  write_file_atomically(path, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

void write_table(const std::filesystem::path& path, const Table& table) {
  write_tables(path, {table});
}

std::vector<Table> read_tables(const std::filesystem::path& path, const DecodeLimits& limits) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error(io_error(path, "open"));
  std::vector<std::uint64_t> words;  // 8-byte aligned, so table messages decode in place
  std::size_t size = 0;
  try {
    std::error_code ec;
    auto file_size = std::filesystem::file_size(path, ec);
    if (ec) throw Error("cannot stat '" + path.string() + "': " + ec.message());
    detail::fill_large(words, file_size / 8 + 1, [&](auto& w) { w.resize(file_size / 8 + 1); });
    size = std::fread(words.data(), 1, file_size, f);
    bool more = std::fgetc(f) != EOF;
    if (size != file_size || more) throw Error("'" + path.string() + "' changed while being read");
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
  return decode_data_file({reinterpret_cast<const std::byte*>(words.data()), size}, path.string(),
                          limits);
}

Table read_table(const std::filesystem::path& path, const DecodeLimits& limits) {
  auto tables = read_tables(path, limits);
  if (tables.size() != 1) {
    throw DecodeError(path.string() + ": holds " + std::to_string(tables.size()) +
                      " tables, expected one (use read_tables)");
  }
  return std::move(tables.front());
}

}  // namespace shoal
