// CSV text at the level of one table: pandas' null markers, a table written
// as CSV text, and ISO timestamps. read_csv (shoal/csv.h) builds on these.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shoal/table.h"

namespace shoal {

/// pandas' default null markers.
const std::vector<std::string>& default_na_values();

/// The table as CSV text, as pandas' `to_csv(index=False)` writes it: a
/// header, then one record a row ending in '\n'; a field holding the
/// delimiter, a quote, '\r' or '\n' is quoted (quotes doubled); nulls are
/// empty; floats in Python's repr (shortest round-trip: 0.1, 1.0, 1e-05);
/// bools True/False; timestamps "YYYY-MM-DD HH:MM:SS[.fraction]". Without
/// `header`, the records alone (a part of a file whose first part has it).
std::string format_csv(const Table& table, char delimiter = ',', bool header = true);

/// Nanoseconds since 1970 for an ISO date or date-time; false when `s` is
/// not one.
bool parse_iso_timestamp(std::string_view s, std::int64_t& nanos);

}  // namespace shoal
