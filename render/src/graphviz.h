// The only door into Graphviz. Everything behind it lives in graphviz.cpp,
// the one file that includes Graphviz's headers (many macros, no namespaces).
#pragma once

#include <string>
#include <string_view>

#include "shoal/render.h"

namespace shoal::gv {

/// Parses dot, lays it out with engine and renders it with Graphviz's output
/// format `format` ("svg", "png", "dot", ...). Serialized on one mutex.
/// Throws shoal::Error with Graphviz's messages when any step fails.
std::string render(std::string_view dot, std::string_view format, std::string_view engine);

/// Parses dot, lays it out with engine and reads back node positions and
/// edge splines. Serialized on one mutex. Throws as render() does.
Layout layout(std::string_view dot, std::string_view engine);

}  // namespace shoal::gv
