// The fused element-wise steps of a Bag partition (map, filter, flat_map,
// flatten) and the text source that feeds them the lines of a file block.
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <functional>
#include <memory>

#include "bag/internal.h"
#include "io/mapped_file.h"
#include "shoal/atomic_file.h"
#include "shoal/error.h"

namespace shoal::detail {
namespace {

class MapStage : public Stage {
 public:
  MapStage(Function f, Stage& next) : f_(std::move(f)), next_(next) {}
  void push(std::string_view text) override {
    if (f_.builtin() && f_.builtin()->text_view)
      next_.push(f_.builtin()->text_view(text, f_.arg()));
    else
      next_.push(f_(Value(text)));
  }
  void push(const Value& v) override { next_.push(f_(v)); }

 private:
  Function f_;
  Stage& next_;
};

class FilterStage : public Stage {
 public:
  FilterStage(Function f, Stage& next) : f_(std::move(f)), next_(next) {}
  void push(std::string_view text) override {
    bool keep = f_.builtin() && f_.builtin()->text_test ? f_.builtin()->text_test(text, f_.arg())
                                                        : truthy(f_(Value(text)));
    if (keep) next_.push(text);
  }
  void push(const Value& v) override {
    if (truthy(f_(v))) next_.push(v);
  }

 private:
  Function f_;
  Stage& next_;
};

void push_items(const Value& list, Stage& next, const char* what) {
  if (!list.is_list()) {
    throw TypeError(std::string(what) + ": expected a list to flatten, got " +
                    std::string(kind_name(list.kind())) + " " + list.repr());
  }
  for (const Value& x : list.as_list()) next.push(x);
}

class FlatMapStage : public Stage {
 public:
  FlatMapStage(Function f, Stage& next)
      : f_(std::move(f)),
        next_(next),
        splits_words_(f_.name() == "str.split" && f_.builtin() && f_.arg().is_null()) {}
  void push(std::string_view text) override {
    if (splits_words_) {
      next_.push_words(text);
    } else if (f_.builtin() && f_.builtin()->text_split) {
      f_.builtin()->text_split(
          text, f_.arg(),
          [](void* ctx, std::string_view part) { static_cast<Stage*>(ctx)->push(part); }, &next_);
    } else {
      push_items(f_(Value(text)), next_, "flat_map");
    }
  }
  void push(const Value& v) override {
    if (v.is_string())
      push(std::string_view(v.as_string()));
    else
      push_items(f_(v), next_, "flat_map");
  }

 private:
  Function f_;
  Stage& next_;
  bool splits_words_;  // str.split on whitespace: the next stage takes the words
};

class FlattenStage : public Stage {
 public:
  explicit FlattenStage(Stage& next) : next_(next) {}
  void push(std::string_view text) override { push_items(Value(text), next_, "flatten"); }
  void push(const Value& v) override { push_items(v, next_, "flatten"); }

 private:
  Stage& next_;
};

// ---- text blocks ----

struct Block {
  std::string path;
  std::size_t begin, end;
  bool gzip;
};

Block block_of(const Value& spec) {
  const List& s = spec.as_list();
  return {s.at(0).as_string(), static_cast<std::size_t>(s.at(1).as_int()),
          static_cast<std::size_t>(s.at(2).as_int()), s.at(3).as_bool()};
}

std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw Error("read_text: cannot open '" + path + "': " + std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      std::string why = gzerror(f, &code);
      gzclose(f);
      throw Error("read_text: '" + path + "' is not valid gzip (" + why +
                  "); check the file or pass compression \"none\"");
    }
    if (n == 0) break;
    if (gzdirect(f)) {  // zlib would pass plain bytes through unchanged
      gzclose(f);
      throw Error(
          "read_text: '" + path +
          "' is not valid gzip (no gzip header); check the file or pass compression \"none\"");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return out;
}

// A line belongs to the block holding its first byte, so each block starts
// after the first newline before its nominal start and ends after the
// first newline at or past its nominal end.
std::pair<std::size_t, std::size_t> line_range(const char* data, std::size_t size,
                                               std::size_t begin, std::size_t end) {
  auto after_newline = [&](std::size_t from) -> std::size_t {
    if (from == 0) return 0;
    const void* nl = std::memchr(data + from - 1, '\n', size - (from - 1));
    return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : size;
  };
  std::size_t b = after_newline(begin);
  std::size_t e = end >= size ? size : after_newline(end);
  return {b, std::max(b, e)};
}

std::int64_t count_lines(const char* data, std::size_t n) {
  std::int64_t lines = 0;
  for (const char* p = data;
       (p = static_cast<const char*>(std::memchr(p, '\n', n - static_cast<std::size_t>(p - data))));
       ++p) {
    ++lines;
  }
  return lines;
}

// Reads [offset, offset + n) of path into a buffer kept per thread: tasks
// that follow reuse its pages instead of faulting in fresh ones.
std::string_view read_range(const std::string& path, std::size_t offset, std::size_t n) {
  thread_local std::unique_ptr<char[]> buffer;
  thread_local std::size_t capacity = 0;
  if (capacity < n || capacity > 4 * n + (64 << 20)) {  // grow, or give back what a huge block took
    capacity = n + n / 8;  // blocks of one blocksize differ by a line or so: no regrowth
    buffer.reset(new char[capacity]);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("read_text: cannot open '" + path + "': " + std::strerror(errno));
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, buffer.get() + got, n - got, static_cast<off_t>(offset + got));
    if (r <= 0) {
      int err = errno;
      ::close(fd);
      throw Error("read_text: cannot read '" + path +
                  "': " + (r == 0 ? std::string("file shrank") : std::strerror(err)));
    }
    got += static_cast<std::size_t>(r);
  }
  ::close(fd);
  return {buffer.get(), n};
}

// `lines_before`: the lines of the file before data (for error messages);
// a function so that it is only counted when a line fails.
void push_lines(const char* data, std::size_t b, std::size_t e, const std::string& path,
                Stage& first, std::function<std::int64_t()> lines_before = {}) {
  std::size_t pos = b;
  std::int64_t line = 0;  // within the block, counted only when an error needs it
  while (pos < e) {
    const void* nl = std::memchr(data + pos, '\n', e - pos);
    std::size_t stop = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : e;
    std::size_t len = stop - pos;
    if (len > 0 && data[pos + len - 1] == '\r') --len;
    try {
      first.push(std::string_view(data + pos, len));
    } catch (const std::exception& ex) {
      line = count_lines(data, pos) + 1 + (lines_before ? lines_before() : 0);
      throw Error(path + ":" + std::to_string(line) + ": " + ex.what());
    }
    pos = stop + 1;
  }
}

}  // namespace

Stage* build_chain(const List& steps, Sink& sink, std::vector<std::unique_ptr<Stage>>& owned) {
  Stage* next = &sink;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    const List& s = it->as_list();
    const std::string& kind = s.at(0).as_string();
    if (kind == "flatten") {
      owned.push_back(std::make_unique<FlattenStage>(*next));
    } else {
      Function f(s.at(1).as_string(), s.at(2), Function::Arity::kUnary, "bag." + kind);
      if (kind == "map")
        owned.push_back(std::make_unique<MapStage>(std::move(f), *next));
      else if (kind == "filter")
        owned.push_back(std::make_unique<FilterStage>(std::move(f), *next));
      else if (kind == "flat_map")
        owned.push_back(std::make_unique<FlatMapStage>(std::move(f), *next));
      else
        throw Error("bag: unknown step '" + kind + "'");
    }
    next = owned.back().get();
  }
  return next;
}

void push_text_block(const Value& spec, Stage& first, bool whole) {
  Block blk = block_of(spec);
  if (blk.gzip) {
    std::string text = gunzip(blk.path);
    if (whole)
      first.push(std::string_view(text));
    else
      push_lines(text.data(), 0, text.size(), blk.path, first);
    return;
  }
  MappedFile file(blk.path);
  if (blk.begin >= file.size() && blk.begin > 0) return;
  auto [b, e] = line_range(file.data(), file.size(), blk.begin, std::min(blk.end, file.size()));
  // The block's lines are read with one pread rather than through the map:
  // a copy from the page cache costs less than a page fault per few pages.
  std::string_view bytes = read_range(blk.path, b, e - b);
  if (whole) return first.push(bytes);
  push_lines(bytes.data(), 0, bytes.size(), blk.path, first,
             [&] { return count_lines(file.data(), b); });
}

void write_text_file(const std::string& path, const std::string& text) {
  if (path.size() < 3 || path.compare(path.size() - 3, 3, ".gz") != 0) {
    write_file_atomically(path, text);
    return;
  }
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error("to_textfiles: zlib could not start compressing " + path);
  }
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("to_textfiles: zlib failed compressing " + path);
  write_file_atomically(path, out);
}

}  // namespace shoal::detail
