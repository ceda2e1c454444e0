// Pipeline files (`*.shoal.json`): a Pipeline as JSON, through Cap'n Proto's
// JSON codec and serialization/schema/pipeline.capnp.
//
//   {"format": 1, "name": "arithmetic",
//    "nodes": [{"id": "a", "op": "value", "x": 0, "y": 0, "params": {"value": 20}}, ...],
//    "edges": [{"from": "a", "fromPort": "out", "to": "b", "toPort": "x"}, ...]}
//
// Fields are written in schema order, nodes and edges in the pipeline's
// order and parameters sorted by name, so that a small edit is a small diff.
//
// Parameter values are JSON: null, booleans, numbers, strings and arrays of
// them (Value's null, bool, int64, float64, string and list). JSON has one
// number type: a number without a fractional part is read back as int64
// (2.0 is saved as 2 and read as the int64 2), any other as float64.
// Integers beyond +-2^53, NaN and infinities, bytes, tables, tensors and
// custom values cannot be saved (EncodeError naming the node and parameter).
//
// Readers trust nothing: a file over kMaxPipelineFileBytes, malformed JSON,
// fields of the wrong type, JSON objects as parameter values, nesting beyond
// kMaxNesting throw DecodeError naming the file (and, for malformed JSON, the
// line and column); a file written by a newer format version is refused with
// a message that says so. A file that reads is not necessarily valid: run
// Pipeline::problems() on it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/decode_error.h"
#include "shoal/pipeline.h"

namespace shoal {

/// The largest pipeline file (or string) a reader accepts: 64 MiB.
inline constexpr std::size_t kMaxPipelineFileBytes = std::size_t{64} << 20;

/// The pipeline as pretty-printed JSON (ending with a newline). Throws
/// EncodeError for a parameter value JSON cannot hold.
std::string encode_pipeline_json(const Pipeline& pipeline);

/// Reads what encode_pipeline_json wrote; `name` (a file name) starts every
/// error message. Throws DecodeError as described above. A file of an older
/// format is migrated to this one; `notes`, when given, receives a sentence
/// saying so and what changed (format 1: nodes ran on whole values; a
/// table.head now reads every partition, and readers of a table.to_csv read
/// its input, which format 1's to_csv passed on).
Pipeline decode_pipeline_json(std::string_view json, std::string_view name = "<memory>",
                              std::vector<std::string>* notes = nullptr);

/// Writes the pipeline to path: to a temporary file beside it, renamed into
/// place, so readers never see half a file. Throws EncodeError (see above) or
/// shoal::Error naming the path when it cannot be written.
void save_pipeline(const std::filesystem::path& path, const Pipeline& pipeline);

/// Reads a pipeline file. Throws shoal::Error naming the path when it cannot
/// be read, DecodeError when its contents are not a pipeline of a format
/// this build reads.
Pipeline load_pipeline(const std::filesystem::path& path,
                       std::vector<std::string>* notes = nullptr);

}  // namespace shoal
