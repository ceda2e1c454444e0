// visualize: draws the task graph behind a lazy value, like Dask's
// `x.visualize(filename="graph.svg")`.
//
//   auto total = shoal::delayed(add)(shoal::delayed(inc)(1), 10);
//   shoal::visualize(total, "total.svg");      // nothing is computed
//
// Works for any object with a `graph()` method returning shoal::Graph
// (Delayed, collections) and for a Graph itself. The format follows the
// file's extension; see write_dot_file() in shoal/render.h for the formats,
// the errors and the thread-safety.
#pragma once

#include <concepts>
#include <string>

#include "shoal/graph.h"
#include "shoal/render.h"

namespace shoal {

/// An object that can show the graph it would compute.
template <class T>
concept HasGraph = requires(const T& obj) {
  { obj.graph() } -> std::convertible_to<Graph>;
};

/// Writes a picture of graph to path (.svg, .png, .dot or .gv).
inline void visualize(const Graph& graph, const std::string& path) {
  write_graph_file(graph, path);
}

/// Writes a picture of obj.graph() to path (.svg, .png, .dot or .gv).
template <HasGraph T>
void visualize(const T& obj, const std::string& path) {
  write_graph_file(obj.graph(), path);
}

}  // namespace shoal
