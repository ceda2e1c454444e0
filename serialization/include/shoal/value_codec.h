// Values to bytes and back, through serialization/schema/value.capnp.
//
// The bytes are one Cap'n Proto message in the standard flat format (segment
// table, then segments). Numeric columns and tensors are single contiguous
// little-endian blobs: encoding and decoding each copy them once.
//
// Thread-safe: these functions share no state.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "shoal/decode_error.h"
#include "shoal/table.h"
#include "shoal/value.h"

namespace shoal {

/// Encodes a value of any kind but custom. Throws EncodeError for a custom
/// value or a blob over kMaxBlobBytes.
std::vector<std::byte> encode_value(const Value& value);

/// Decodes what encode_value wrote. Throws DecodeError, naming the problem,
/// when the bytes are not a valid value within `limits`. The bytes need no
/// particular alignment (unaligned input is copied once first).
Value decode_value(std::span<const std::byte> bytes, const DecodeLimits& limits = {});

/// A Table alone (the root of the message is a schema::Table): the encoding
/// of spilled partitions and of .shoal data files.
std::vector<std::byte> encode_table(const Table& table);
Table decode_table(std::span<const std::byte> bytes, const DecodeLimits& limits = {});

}  // namespace shoal
