// render_dot, layout_dot and the file writers: argument checks and files
// here, Graphviz in graphviz.cpp.
#include "shoal/render.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "graphviz.h"
#include "shoal/atomic_file.h"
#include "shoal/error.h"

namespace shoal {
namespace {

constexpr std::string_view kFormats[] = {"svg", "png", "dot"};
constexpr std::string_view kSupported = "svg, png, dot";
constexpr std::string_view kSupportedExtensions = ".svg, .png, .dot, .gv";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The render_dot() format for the extension of path; throws when there is none.
std::string format_for(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".svg" || ext == ".png" || ext == ".dot") return ext.substr(1);
  if (ext == ".gv") return "dot";
  throw Error("render: cannot write \"" + path + "\": " +
              (ext.empty() ? std::string("the file name has no extension")
                           : "unsupported extension \"" + ext + "\"") +
              "; use one of " + std::string(kSupportedExtensions));
}

}  // namespace

std::string render_dot(std::string_view dot, std::string_view format, std::string_view engine) {
  const std::string name = lower(format);
  if (std::find(std::begin(kFormats), std::end(kFormats), name) == std::end(kFormats)) {
    throw Error("render: unknown format \"" + std::string(format) + "\"; use one of " +
                std::string(kSupported));
  }
  return gv::render(dot, name, engine);
}

void write_dot_file(std::string_view dot, const std::string& path) {
  const std::string format = format_for(path);
  write_file_atomically(path, render_dot(dot, format));
}

void write_graph_file(const Graph& graph, const std::string& path) {
  const std::string format = format_for(path);  // before the graph is converted
  const std::string title = std::filesystem::path(path).stem().string();
  write_file_atomically(path, render_dot(graph.to_dot(title), format));
}

Layout layout_dot(std::string_view dot, std::string_view engine) {
  return gv::layout(dot, engine);
}

}  // namespace shoal
