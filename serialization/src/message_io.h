// Internal: building flat Cap'n Proto messages straight into a byte vector,
// and reading untrusted ones with limits, turning every failure into
// DecodeError. Includes Cap'n Proto: for serialization/src only.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/decode_error.h"

namespace shoal::detail {

/// A MessageBuilder whose first segment lives inside the output vector, just
/// after room for a one-segment table: when the message fits that segment
/// (the size estimate is right), finish() returns the vector as it is — no
/// copy of the message. Otherwise the segments are flattened once.
class VectorMessageBuilder : public capnp::MessageBuilder {
 public:
  explicit VectorMessageBuilder(std::size_t estimated_bytes);
  kj::ArrayPtr<capnp::word> allocateSegment(unsigned minimum_words) override;
  /// The message in the standard flat format. Call once, after building.
  std::vector<std::byte> finish();

 private:
  std::size_t first_words_;
  std::vector<std::byte> out_;
  bool first_given_ = false;
  std::vector<kj::Array<capnp::word>> more_;
};

/// Reader options for a message of `words` words under `limits`; capnp's
/// nesting limit is `nesting_per_level` pointer hops per level of
/// limits.max_nesting, plus headroom.
capnp::ReaderOptions reader_options(std::size_t words, const DecodeLimits& limits,
                                    int nesting_per_level);

/// Checks the size of bytes against limits, aligns them if needed (one copy)
/// and calls read(capnp::MessageReader&) inside a guard that turns every
/// exception (Cap'n Proto's, core's invariant checks, bad_alloc) into a
/// DecodeError starting with `what`.
template <class F>
auto read_message(std::span<const std::byte> bytes, const DecodeLimits& limits,
                  std::string_view what, int nesting_per_level, F&& read);

[[noreturn]] void rethrow_as_decode_error(std::string_view what);
kj::ArrayPtr<const capnp::word> aligned_words(std::span<const std::byte> bytes,
                                              kj::Array<capnp::word>& storage,
                                              const DecodeLimits& limits);
void check_consumed(const capnp::FlatArrayMessageReader& reader,
                    kj::ArrayPtr<const capnp::word> words);

template <class F>
auto read_message(std::span<const std::byte> bytes, const DecodeLimits& limits,
                  std::string_view what, int nesting_per_level, F&& read) {
  try {
    kj::Array<capnp::word> storage;
    auto words = aligned_words(bytes, storage, limits);
    capnp::FlatArrayMessageReader reader(words,
                                         reader_options(words.size(), limits, nesting_per_level));
    check_consumed(reader, words);
    return read(reader);
  } catch (...) {
    rethrow_as_decode_error(what);
  }
}

/// Asks the kernel to back [p, p + n) with transparent huge pages when the
/// range is large (>= 4 MiB). Faulting in fresh memory 4 KiB at a time costs
/// more than copying into it (on this project's VMs ~20x more); big buffers
/// are reserved, advised, then filled. Harmless where THP is off.
void advise_huge_pages(const void* p, std::size_t n) noexcept;

/// A vector of n bytes (or elements) filled by fill(T*), without a zero fill
/// and with big buffers advised as huge pages. T must be trivially copyable.
template <class V, class Fill>
void fill_large(V& out, std::size_t n, Fill&& fill) {
  out.reserve(n);
  advise_huge_pages(out.data(), n * sizeof(typename V::value_type));
  fill(out);
}

/// Throws DecodeError(message).
[[noreturn]] void fail(std::string message);

}  // namespace shoal::detail
