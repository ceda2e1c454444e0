#include "pipeline_document.h"

#include <QFileInfo>
#include <algorithm>
#include <functional>
#include <set>

#include "shoal/pipeline_file.h"

namespace shoal::studio {

// One edit: the pipeline before and after. Commands with the same merge id
// (>= 0) and text merge into one undo step.
class PipelineCommand : public QUndoCommand {
 public:
  PipelineCommand(PipelineDocument* doc, Pipeline before, Pipeline after, const QString& text,
                  int merge_id)
      : QUndoCommand(text),
        doc_(doc),
        before_(std::move(before)),
        after_(std::move(after)),
        merge_id_(merge_id) {}
  void undo() override { doc_->set_pipeline(before_); }
  void redo() override { doc_->set_pipeline(after_); }
  int id() const override { return merge_id_; }
  bool mergeWith(const QUndoCommand* other) override {
    auto* o = static_cast<const PipelineCommand*>(other);
    if (o->text() != text()) return false;
    after_ = o->after_;
    return true;
  }

 private:
  PipelineDocument* doc_;
  Pipeline before_, after_;
  int merge_id_;
};

namespace {

const PortSpec* find_port(const std::string& op_name, const std::string& port, bool output) {
  OpPtr op = OpRegistry::global().find(op_name);
  if (!op) return nullptr;
  for (const PortSpec& s : output ? op->outputs : op->inputs) {
    if (s.name == port) return &s;
  }
  return nullptr;
}

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

}  // namespace

PipelineDocument::PipelineDocument(QObject* parent) : QObject(parent) {
  connect(&undo_, &QUndoStack::cleanChanged, this, &PipelineDocument::title_changed);
}

void PipelineDocument::set_pipeline(const Pipeline& p) {
  pipeline_ = p;
  emit changed();
}

void PipelineDocument::apply(const Pipeline& next, const QString& text, int merge_id) {
  if (next == pipeline_) return;
  undo_.push(new PipelineCommand(this, pipeline_, next, text, merge_id));  // redo() applies it
}

// `base` if free, else stem_2, stem_3, ... where "inc_2" has the stem "inc".
std::string PipelineDocument::fresh_id(const Pipeline& p, const std::string& base) const {
  if (!p.find_node(base)) return base;
  std::string stem = base;
  std::size_t cut = base.find_last_of('_');
  if (cut != std::string::npos && cut + 1 < base.size() &&
      base.find_first_not_of("0123456789", cut + 1) == std::string::npos) {
    stem = base.substr(0, cut);
  }
  for (int i = 2;; ++i) {
    std::string id = stem + "_" + std::to_string(i);
    if (!p.find_node(id)) return id;
  }
}

std::string PipelineDocument::add_node(const std::string& op, QPointF pos) {
  Pipeline next = pipeline_;
  std::string id = fresh_id(next, op);
  next.add_node({.id = id, .op = op, .x = pos.x(), .y = pos.y()});
  apply(next, tr("Add %1").arg(q(id)));
  return id;
}

void PipelineDocument::remove_nodes(const std::vector<std::string>& ids) {
  std::set<std::string> gone(ids.begin(), ids.end());
  Pipeline next = pipeline_;
  std::erase_if(next.nodes, [&](const PipelineNode& n) { return gone.count(n.id) > 0; });
  std::erase_if(next.edges, [&](const PipelineEdge& e) {
    return gone.count(e.from.node) || gone.count(e.to.node);
  });
  apply(next,
        ids.size() == 1 ? tr("Delete %1").arg(q(ids[0])) : tr("Delete %1 nodes").arg(ids.size()));
}

void PipelineDocument::move_nodes(const std::map<std::string, QPointF>& positions,
                                  const QString& text) {
  Pipeline next = pipeline_;
  for (PipelineNode& n : next.nodes) {
    auto it = positions.find(n.id);
    if (it == positions.end()) continue;
    n.x = it->second.x();
    n.y = it->second.y();
  }
  apply(next, text);
}

// As Pipeline::problems() judges it: "any" on either side accepts
// anything; "number" accepts int64 and float64.
bool PipelineDocument::types_compatible(const std::string& from, const std::string& to) {
  if (from == "any" || to == "any" || from == to) return true;
  auto numeric = [](const std::string& t) {
    return t == "int64" || t == "float64" || t == "number";
  };
  return (from == "number" || to == "number") && numeric(from) && numeric(to);
}

bool PipelineDocument::would_cycle(const std::string& from, const std::string& to) const {
  // A path from `to` down to `from` plus the new edge from -> to is a cycle.
  std::set<std::string> seen;
  std::function<bool(const std::string&)> reaches = [&](const std::string& n) {
    if (n == from) return true;
    if (!seen.insert(n).second) return false;
    for (const PipelineEdge& e : pipeline_.edges) {
      if (e.from.node == n && reaches(e.to.node)) return true;
    }
    return false;
  };
  return reaches(to);
}

bool PipelineDocument::connect_ports(const PortRef& from, const PortRef& to, QString* why) {
  auto refuse = [&](const QString& reason) {
    if (why) *why = reason;
    return false;
  };
  const PipelineNode* a = pipeline_.find_node(from.node);
  const PipelineNode* b = pipeline_.find_node(to.node);
  if (!a || !b) return refuse(tr("No node '%1'.").arg(q(a ? to.node : from.node)));
  const PortSpec* out = find_port(a->op, from.port, true);
  const PortSpec* in = find_port(b->op, to.port, false);
  if (!out)
    return refuse(
        tr("'%1' is not an output port of %2 (op %3).").arg(q(from.port), q(a->id), q(a->op)));
  if (!in)
    return refuse(
        tr("'%1' is not an input port of %2 (op %3).").arg(q(to.port), q(b->id), q(b->op)));
  if (!types_compatible(out->type, in->type)) {
    return refuse(
        tr("Type mismatch: %1.%2 gives %3 but %4.%5 takes %6.")
            .arg(q(a->id), q(out->name), q(out->type), q(b->id), q(in->name), q(in->type)));
  }
  if (from.node == to.node || would_cycle(from.node, to.node)) {
    return refuse(tr("Connecting %1 to %2 would form a cycle.").arg(q(a->id), q(b->id)));
  }
  for (const PipelineEdge& e : pipeline_.edges) {
    if (e.to == to && !in->variadic) {
      return refuse(tr("%1.%2 is already connected (from %3); delete that edge first.")
                        .arg(q(b->id), q(in->name), q(e.from.node)));
    }
  }
  Pipeline next = pipeline_;
  next.connect(from, to);
  apply(next, tr("Connect %1 to %2").arg(q(from.node), q(to.node)));
  return true;
}

void PipelineDocument::remove_edges(std::vector<std::size_t> indices) {
  std::sort(indices.rbegin(), indices.rend());
  Pipeline next = pipeline_;
  for (std::size_t i : indices) {
    if (i < next.edges.size())
      next.edges.erase(next.edges.begin() + static_cast<std::ptrdiff_t>(i));
  }
  apply(next, tr("Delete edge"));
}

void PipelineDocument::set_param(const std::string& id, const std::string& name,
                                 const Value& value) {
  Pipeline next = pipeline_;
  PipelineNode* n = next.find_node(id);
  if (!n) return;
  Params params;
  for (const auto& [k, v] : n->params) {
    if (k != name) params.set(k, v);
  }
  if (!value.is_null()) params.set(name, value);
  n->params = params;
  apply(next, tr("Set %1.%2").arg(q(id), q(name)));
}

void PipelineDocument::set_label(const std::string& id, const std::string& label) {
  Pipeline next = pipeline_;
  if (PipelineNode* n = next.find_node(id)) n->label = label;
  apply(next, tr("Rename %1").arg(q(id)));
}

Pipeline PipelineDocument::fragment(const std::vector<std::string>& ids) const {
  std::set<std::string> keep(ids.begin(), ids.end());
  Pipeline f;
  for (const PipelineNode& n : pipeline_.nodes) {
    if (keep.count(n.id)) f.nodes.push_back(n);
  }
  for (const PipelineEdge& e : pipeline_.edges) {
    if (keep.count(e.from.node) && keep.count(e.to.node)) f.edges.push_back(e);
  }
  return f;
}

std::vector<std::string> PipelineDocument::paste(const Pipeline& fragment, QPointF offset) {
  Pipeline next = pipeline_;
  std::map<std::string, std::string> renamed;
  std::vector<std::string> ids;
  for (PipelineNode n : fragment.nodes) {
    std::string id = fresh_id(next, n.id);
    renamed[n.id] = id;
    n.id = id;
    n.x += offset.x();
    n.y += offset.y();
    next.nodes.push_back(n);
    ids.push_back(id);
  }
  for (PipelineEdge e : fragment.edges) {
    if (!renamed.count(e.from.node) || !renamed.count(e.to.node)) continue;
    e.from.node = renamed[e.from.node];
    e.to.node = renamed[e.to.node];
    next.edges.push_back(e);
  }
  apply(next, tr("Paste %1 nodes").arg(ids.size()));
  return ids;
}

void PipelineDocument::load(const QString& path, QStringList* notes) {
  std::vector<std::string> said;
  Pipeline p = load_pipeline(path.toStdString(), &said);  // throws before anything changes
  if (notes)
    for (const std::string& n : said) notes->push_back(QString::fromStdString(n));
  undo_.clear();
  path_ = QFileInfo(path).absoluteFilePath();
  set_pipeline(p);
  emit title_changed();
}

void PipelineDocument::save(const QString& path) {
  save_pipeline(path.toStdString(), pipeline_);
  path_ = QFileInfo(path).absoluteFilePath();
  undo_.setClean();
  emit title_changed();
}

void PipelineDocument::reset() {
  undo_.clear();
  path_.clear();
  set_pipeline(Pipeline{});
  emit title_changed();
}

}  // namespace shoal::studio
