// PipelineDocument: the studio's model — one shoal::Pipeline, the file it
// came from, and a QUndoStack through which every edit goes.
//
// Each edit is a QUndoCommand holding the pipeline before and after it (a
// memento: pipelines are small values), so undo and redo restore exactly
// what was there, whatever the edit. Views never change the pipeline
// themselves: they call the methods below and redraw on changed().
//
// Lives on the GUI thread; not thread-safe.
#pragma once

#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QUndoStack>
#include <map>
#include <string>
#include <vector>

#include "shoal/pipeline.h"

namespace shoal::studio {

class PipelineDocument : public QObject {
  Q_OBJECT

 public:
  explicit PipelineDocument(QObject* parent = nullptr);

  const Pipeline& pipeline() const { return pipeline_; }
  QUndoStack* undo_stack() { return &undo_; }
  /// The file the document was loaded from or saved to; empty for a new one.
  const QString& file_path() const { return path_; }
  bool is_modified() const { return !undo_.isClean(); }

  // --- edits (each one undoable) ---

  /// Adds a node of `op` at `pos` with a fresh id ("inc", "inc_2", ...);
  /// returns the id.
  std::string add_node(const std::string& op, QPointF pos);
  /// Removes the nodes and every edge touching them.
  void remove_nodes(const std::vector<std::string>& ids);
  /// Moves nodes (scene positions of their top-left corners), one undo step.
  void move_nodes(const std::map<std::string, QPointF>& positions,
                  const QString& text = tr("Move"));
  /// Connects an output port to an input port. Returns false, with the
  /// reason in *why, when the ports are unknown, of the wrong direction or
  /// of incompatible types, when the input is taken (and not variadic), or
  /// when the edge would close a cycle; nothing changes then.
  bool connect_ports(const PortRef& from, const PortRef& to, QString* why);
  /// Removes the edges given by their index in pipeline().edges.
  void remove_edges(std::vector<std::size_t> indices);
  /// Sets (or, when `value` is null, clears) a parameter of a node.
  void set_param(const std::string& id, const std::string& name, const Value& value);
  void set_label(const std::string& id, const std::string& label);
  /// Adds a copy of `fragment`'s nodes (fresh ids, moved by `offset`) and
  /// the edges among them; returns the new ids.
  std::vector<std::string> paste(const Pipeline& fragment, QPointF offset);
  /// The selected nodes and the edges among them, for the clipboard.
  Pipeline fragment(const std::vector<std::string>& ids) const;

  // --- files ---

  /// Replaces the document with the file's pipeline and clears the undo
  /// stack. Throws shoal::Error (DecodeError for a corrupt file or one of a
  /// newer format) and leaves the document untouched when it cannot read it.
  /// `notes`, when given, receives what migrating an older format changed.
  void load(const QString& path, QStringList* notes = nullptr);
  /// Writes the pipeline; marks the document clean. Throws shoal::Error.
  void save(const QString& path);
  /// An empty, unnamed document.
  void reset();

  /// Replaces the whole pipeline as one undoable step (used by commands).
  void apply(const Pipeline& next, const QString& text, int merge_id = -1);

  /// Types an output of type `from` may feed an input of type `to`.
  static bool types_compatible(const std::string& from, const std::string& to);
  /// Whether an edge from node `from` to node `to` would close a cycle.
  bool would_cycle(const std::string& from, const std::string& to) const;

 signals:
  /// The pipeline changed (an edit, undo, redo, load).
  void changed();
  /// The file path or the clean state changed.
  void title_changed();

 private:
  friend class PipelineCommand;
  void set_pipeline(const Pipeline& p);
  std::string fresh_id(const Pipeline& p, const std::string& base) const;

  Pipeline pipeline_;
  QUndoStack undo_;
  QString path_;
};

}  // namespace shoal::studio
