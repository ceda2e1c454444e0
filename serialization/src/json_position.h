// Internal: where a JSON text stops being JSON, for error messages (Cap'n
// Proto's JSON parser says what it expected, not where).
#pragma once

#include <string>
#include <string_view>

namespace shoal::detail {

/// " at line L, column C" for the first place json is not valid JSON (RFC
/// 8259), or "" when no error is found. Lines and columns count from 1;
/// columns count bytes.
std::string json_error_position(std::string_view json);

}  // namespace shoal::detail
