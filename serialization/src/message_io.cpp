#include "message_io.h"

#include <kj/exception.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace shoal::detail {

namespace {
constexpr std::size_t kWord = sizeof(capnp::word);
constexpr std::size_t kMinSegmentWords = 1024;
constexpr std::size_t kMaxSegmentWords = (std::size_t{1} << 29) - 1;  // Cap'n Proto's segment limit
}  // namespace

VectorMessageBuilder::VectorMessageBuilder(std::size_t estimated_bytes)
    : first_words_(
          std::min(kMaxSegmentWords, std::max(kMinSegmentWords, estimated_bytes / kWord + 64))) {}

kj::ArrayPtr<capnp::word> VectorMessageBuilder::allocateSegment(unsigned minimum_words) {
  if (!first_given_) {
    first_given_ = true;
    std::size_t words = std::max<std::size_t>(first_words_, minimum_words);
    out_.reserve(kWord + words * kWord);
    advise_huge_pages(out_.data(), out_.capacity());
    out_.assign(kWord + words * kWord, std::byte{0});
    return {reinterpret_cast<capnp::word*>(out_.data() + kWord), words};
  }
  std::size_t words = std::max<std::size_t>(minimum_words, first_words_);
  more_.push_back(kj::heapArray<capnp::word>(words));
  std::memset(more_.back().begin(), 0, words * kWord);
  return more_.back();
}

std::vector<std::byte> VectorMessageBuilder::finish() {
  auto segments = getSegmentsForOutput();
  if (segments.size() == 1 &&
      reinterpret_cast<const std::byte*>(segments[0].begin()) == out_.data() + kWord) {
    std::uint32_t header[2] = {0, static_cast<std::uint32_t>(segments[0].size())};
    std::memcpy(out_.data(), header, sizeof header);
    out_.resize(kWord + segments[0].size() * kWord);
    return std::move(out_);
  }
  auto flat = capnp::messageToFlatArray(segments);
  auto bytes = flat.asBytes();
  std::vector<std::byte> result(bytes.size());
  std::memcpy(result.data(), bytes.begin(), bytes.size());
  return result;
}

capnp::ReaderOptions reader_options(std::size_t words, const DecodeLimits& limits,
                                    int nesting_per_level) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords =
      limits.traversal_limit_words != 0 ? limits.traversal_limit_words : 4 * words + 1024;
  options.nestingLimit = std::max(1, limits.max_nesting) * nesting_per_level + 16;
  return options;
}

kj::ArrayPtr<const capnp::word> aligned_words(std::span<const std::byte> bytes,
                                              kj::Array<capnp::word>& storage,
                                              const DecodeLimits& limits) {
  if (bytes.size() > limits.max_message_bytes) {
    fail("message of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
         std::to_string(limits.max_message_bytes) + " bytes (DecodeLimits::max_message_bytes)");
  }
  if (bytes.size() < kWord || bytes.size() % kWord != 0) {
    fail("message of " + std::to_string(bytes.size()) +
         " bytes is not a whole number of 8-byte words (truncated?)");
  }
  std::size_t n = bytes.size() / kWord;
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    return {reinterpret_cast<const capnp::word*>(bytes.data()), n};
  }
  storage = kj::heapArray<capnp::word>(n);
  std::memcpy(storage.begin(), bytes.data(), bytes.size());
  return {storage.begin(), storage.size()};
}

void check_consumed(const capnp::FlatArrayMessageReader& reader,
                    kj::ArrayPtr<const capnp::word> words) {
  if (reader.getEnd() != words.end()) {
    fail(std::to_string((words.end() - reader.getEnd()) * kWord) +
         " trailing bytes after the message");
  }
}

void advise_huge_pages(const void* p, std::size_t n) noexcept {
  constexpr std::size_t kMin = std::size_t{4} << 20, kPage = 4096;
  if (n < kMin) return;
  auto begin = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  auto end = (reinterpret_cast<std::uintptr_t>(p) + n) & ~(kPage - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

void fail(std::string message) {
  throw DecodeError(std::move(message));
}

void rethrow_as_decode_error(std::string_view what) {
  std::string prefix(what);
  prefix += ": ";
  try {
    throw;
  } catch (const kj::Exception& e) {
    throw DecodeError(prefix + "invalid Cap'n Proto message: " + e.getDescription().cStr());
  } catch (const std::bad_alloc&) {
    throw DecodeError(prefix + "out of memory while decoding");
  } catch (const std::exception& e) {
    throw DecodeError(prefix + e.what());
  } catch (...) {
    throw DecodeError(prefix + "unknown error");
  }
}

}  // namespace shoal::detail
