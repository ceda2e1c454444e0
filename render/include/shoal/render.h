// Render: lays out and draws graphs with Graphviz.
//
//   std::string svg = shoal::render_dot(graph.to_dot(), "svg");
//   shoal::write_graph_file(graph, "pipeline.png");
//   shoal::Layout layout = shoal::layout_dot(graph.to_dot());   // for the studio
//
// Every function takes DOT text (https://graphviz.org/doc/info/lang.html) and
// a Graphviz layout engine ("dot", "neato", "fdp", "sfdp", "circo", "twopi",
// ...; "dot" suits task graphs). Errors are reported as shoal::Error whose
// message names the problem and, where Graphviz gives one, quotes its own
// message (e.g. "syntax error in line 1 near '->'"). Graphviz's warnings are
// never printed to stderr.
//
// Thread-safety: every function may be called from any thread. Graphviz
// itself is not thread-safe, so all calls into it are serialized by one
// process-wide mutex: concurrent calls are safe but do not run in parallel.
//
// Cost: the "dot" engine is roughly quadratic in the number of nodes; graphs
// of a few thousand tasks take seconds. Cull or fuse large graphs first.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shoal/graph.h"

namespace shoal {

/// Lays out `dot` with `engine` and renders it in `format`:
///  - "svg": an SVG document (UTF-8 text);
///  - "png": a PNG image (binary bytes, 96 dpi);
///  - "dot": the input in DOT with the layout added: `pos`, `width`,
///    `height` on nodes, `pos` (spline control points) on edges, `bb` on
///    the graph, as `dot -Tdot` prints it.
/// Throws shoal::Error when the DOT text does not parse, the engine or the
/// format is unknown, or Graphviz fails to render.
std::string render_dot(std::string_view dot, std::string_view format,
                       std::string_view engine = "dot");

/// Renders `dot` with the "dot" engine into the file at `path`, in the format
/// its extension names (case-insensitive): ".svg", ".png", or ".dot" / ".gv"
/// (laid-out DOT, see render_dot()). Any other extension throws shoal::Error
/// before any work. The bytes are written to a temporary file beside `path`
/// that is then renamed over it, so readers never see a partial file; on
/// failure `path` is left untouched and shoal::Error names the path and the
/// system's reason.
void write_dot_file(std::string_view dot, const std::string& path);

/// write_dot_file(graph.to_dot(), path): a picture of a task graph, one box
/// per task labelled with its key and op.
void write_graph_file(const Graph& graph, const std::string& path);

/// A node placed by Graphviz. Coordinates are in points (1/72 inch) in
/// Graphviz's convention: the origin is the bottom-left corner of the
/// drawing and y grows upwards (a Qt scene, y down, uses height - y).
struct LayoutNode {
  std::string name;   ///< the node's DOT name (Graph::to_dot() uses "t<i>", i the task's position)
  double x = 0;       ///< centre
  double y = 0;       ///< centre
  double width = 0;   ///< of the node's box
  double height = 0;  ///< of the node's box
};

/// An edge routed by Graphviz, in the coordinates of LayoutNode.
struct LayoutEdge {
  std::string tail;  ///< name of the node the edge leaves
  std::string head;  ///< name of the node the edge enters
  /// Cubic Bézier control points: p0, then three points per segment
  /// (c1, c2, end), so 3n+1 points for n segments. Empty when the engine
  /// did not route the edge (e.g. `splines=false` with some engines).
  std::vector<std::pair<double, double>> points;
  /// Where the arrowhead's tip is, when the edge has one at its head: the
  /// spline then stops short of the node and the arrow spans from
  /// points.back() to this point.
  bool has_arrow_tip = false;
  std::pair<double, double> arrow_tip{0, 0};
};

/// A whole drawing: its bounding box is (0, 0) to (width, height), points.
struct Layout {
  double width = 0;
  double height = 0;
  std::vector<LayoutNode> nodes;  ///< in the order of the DOT text
  std::vector<LayoutEdge> edges;  ///< grouped by tail, in DOT order
};

/// Lays out `dot` with `engine` and returns where every node and edge went,
/// without rendering anything. Throws shoal::Error as render_dot() does.
Layout layout_dot(std::string_view dot, std::string_view engine = "dot");

}  // namespace shoal
