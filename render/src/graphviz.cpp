// Graphviz behind a mutex. The one file that includes Graphviz's headers.
//
// Graphviz keeps global state (the error handler, the DOT parser, the
// layout engines' statics), so every call runs inside a Session that holds
// one process-wide mutex. Graphviz's messages go to a handler that collects
// them for the Session instead of printing them; errors quote them.
#include "graphviz.h"

#include <gvc.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "shoal/error.h"

namespace shoal::gv {
namespace {

std::mutex& graphviz_mutex() {
  static std::mutex mutex;
  return mutex;
}

// What Graphviz said during the current Session; guarded by graphviz_mutex().
std::string& messages() {
  static std::string text;
  return text;
}

int collect_message(char* message) {
  messages() += message;
  return 0;
}

// The context, created once and kept for the life of the process: creating
// one loads Graphviz's plugins, which costs milliseconds. Call with the
// mutex held.
GVC_t* context() {
  static GVC_t* gvc = [] {
    agseterrf(collect_message);
    agseterr(AGWARN);  // warnings and errors both go to collect_message
    return gvContext();
  }();
  return gvc;
}

// Graphviz's messages on one line, without its trailing newlines.
std::string said() {
  std::string text = messages();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {  // one message a line; errors lose their "Error: "
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line(text.data() + start, end - start);
    if (line.rfind("Error: ", 0) == 0) line.remove_prefix(7);
    if (!out.empty()) out += "; ";
    out += line;
    start = end + 1;
  }
  return out;
}

/// Exclusive use of Graphviz for one call.
class Session {
 public:
  Session() : lock_(graphviz_mutex()), gvc_(context()) {
    messages().clear();
    agreseterrors();
  }
  GVC_t* gvc() const noexcept { return gvc_; }

  [[noreturn]] void fail(const std::string& what, const std::string& advice) const {
    std::string text = said();
    std::string message = "render: " + what;
    if (!text.empty()) message += " (Graphviz: " + text + ")";
    throw Error(message + "; " + advice);
  }

 private:
  std::unique_lock<std::mutex> lock_;
  GVC_t* gvc_;
};

struct GraphCloser {
  void operator()(Agraph_t* graph) const noexcept { agclose(graph); }
};

/// A parsed and laid-out graph; frees its layout and itself.
class LaidOutGraph {
 public:
  LaidOutGraph(const Session& session, std::string_view dot, std::string_view engine)
      : gvc_(session.gvc()) {
    std::string text(dot);  // NUL-terminated copy owned by us
    graph_.reset(agmemread(text.c_str()));
    if (!graph_ || agerrors() >= AGERR) {
      if (!graph_ && messages().empty()) messages() = "no graph in the input";
      session.fail("the DOT text does not parse",
                   "fix the DOT syntax (https://graphviz.org/doc/info/lang.html)");
    }
    // gvLayout fails only before it binds any layout data, so a failed
    // layout needs no gvFreeLayout (which would crash on such a graph).
    std::string engine_name(engine);
    if (gvLayout(gvc_, graph_.get(), engine_name.c_str()) != 0) {
      session.fail("layout with engine \"" + engine_name + "\" failed",
                   "use a Graphviz engine such as dot, neato, fdp, sfdp, circo or twopi");
    }
  }
  ~LaidOutGraph() { gvFreeLayout(gvc_, graph_.get()); }  // then graph_ closes
  LaidOutGraph(const LaidOutGraph&) = delete;
  LaidOutGraph& operator=(const LaidOutGraph&) = delete;

  Agraph_t* get() const noexcept { return graph_.get(); }

 private:
  GVC_t* gvc_;
  std::unique_ptr<Agraph_t, GraphCloser> graph_;
};

struct RenderDataDeleter {
  void operator()(char* data) const noexcept { gvFreeRenderData(data); }
};

std::pair<double, double> shifted(pointf p, pointf origin) {
  return {p.x - origin.x, p.y - origin.y};
}

LayoutNode node_of(Agnode_t* node, pointf origin) {
  LayoutNode out;
  out.name = agnameof(node);
  std::tie(out.x, out.y) = shifted(ND_coord(node), origin);
  out.width = ND_width(node) * 72.0;  // Graphviz keeps node sizes in inches
  out.height = ND_height(node) * 72.0;
  return out;
}

LayoutEdge edge_of(Agedge_t* edge, pointf origin) {
  LayoutEdge out;
  out.tail = agnameof(agtail(edge));
  out.head = agnameof(aghead(edge));
  const splines* spl = ED_spl(edge);
  if (spl == nullptr) return out;
  for (int b = 0; b < spl->size; ++b) {
    const bezier& bz = spl->list[b];
    for (int i = 0; i < bz.size; ++i) out.points.push_back(shifted(bz.list[i], origin));
    if (bz.eflag) {
      out.has_arrow_tip = true;
      out.arrow_tip = shifted(bz.ep, origin);
    }
  }
  return out;
}

}  // namespace

std::string render(std::string_view dot, std::string_view format, std::string_view engine) {
  Session session;
  LaidOutGraph graph(session, dot, engine);
  std::string format_name(format);
  char* data = nullptr;
  unsigned int length = 0;
  int rc = gvRenderData(session.gvc(), graph.get(), format_name.c_str(), &data, &length);
  std::unique_ptr<char, RenderDataDeleter> owned(data);
  if (rc != 0 || data == nullptr) {
    session.fail("rendering as \"" + format_name + "\" failed",
                 "use svg, png or dot, and check that Graphviz's plugins are installed");
  }
  return std::string(data, length);
}

Layout layout(std::string_view dot, std::string_view engine) {
  Session session;
  LaidOutGraph graph(session, dot, engine);
  Agraph_t* g = graph.get();
  const boxf bb = GD_bb(g);
  Layout out;
  out.width = bb.UR.x - bb.LL.x;
  out.height = bb.UR.y - bb.LL.y;
  out.nodes.reserve(static_cast<std::size_t>(agnnodes(g)));
  out.edges.reserve(static_cast<std::size_t>(agnedges(g)));
  for (Agnode_t* n = agfstnode(g); n != nullptr; n = agnxtnode(g, n)) {
    out.nodes.push_back(node_of(n, bb.LL));
    for (Agedge_t* e = agfstout(g, n); e != nullptr; e = agnxtout(g, e)) {
      out.edges.push_back(edge_of(e, bb.LL));
    }
  }
  return out;
}

}  // namespace shoal::gv
