// DecodeError and DecodeLimits: how Shoal's readers fail, and the caps that
// bound what a malformed or hostile input can cost.
//
// Every reader in serialization/ (decode_value, decode_graph, read_table, ...)
// either returns a fully validated object or throws DecodeError; it never
// crashes, never loops without bound, and allocates in all at most
// 64 x the input's bytes + 1 MiB (Cap'n Proto's traversal limit bounds the
// work even where pointers alias; tests/serialization/test_robustness.cpp
// checks the bound on every hostile input). Inputs over max_message_bytes are
// refused before anything is allocated.
#pragma once

#include <cstddef>
#include <cstdint>

#include "shoal/error.h"

namespace shoal {

/// Bytes that are not a valid encoding: bad framing, a field out of range,
/// offsets that leave their buffer, too deep a nesting, a wrong file magic.
/// The message says what was wrong and where (the file, the field).
class DecodeError : public Error {
 public:
  using Error::Error;
};

/// A value that cannot be encoded: a custom value without a codec, an op that
/// exists only in this process (a lambda), a blob over the format's limit.
class EncodeError : public Error {
 public:
  using Error::Error;
};

/// Lists (and task argument lists) may nest this deep: a list is depth 1, a
/// list inside it depth 2. Deeper values encode, but every reader refuses
/// them with DecodeError.
inline constexpr int kMaxNesting = 64;

/// Each Data blob (one column's values, one tensor, one string) holds at most
/// this many bytes (Cap'n Proto's list limit, 2^29 - 1); encoding a larger
/// one throws EncodeError.
inline constexpr std::size_t kMaxBlobBytes = (std::size_t{1} << 29) - 1;

struct DecodeLimits {
  /// The largest message accepted, in bytes; larger inputs are refused before
  /// anything is allocated. Default 2 GiB.
  std::size_t max_message_bytes = std::size_t{1} << 31;
  /// Cap'n Proto's traversal limit, in 8-byte words read. 0 = four times the
  /// message's size, which bounds the work and the memory of a decode by the
  /// input's size even when pointers alias.
  std::uint64_t traversal_limit_words = 0;
  /// The deepest nesting of lists (see kMaxNesting) accepted.
  int max_nesting = kMaxNesting;
};

}  // namespace shoal
