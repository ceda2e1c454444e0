#include "panels.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMimeData>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "pipeline_scene.h"
#include "run_controller.h"
#include "shoal/error.h"

namespace shoal::studio {
namespace {

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

// A tree whose items drag as op names.
class OpTree : public QTreeWidget {
 public:
  using QTreeWidget::QTreeWidget;

 protected:
  QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override {
    if (items.isEmpty() || items[0]->data(0, Qt::UserRole).toString().isEmpty()) return nullptr;
    auto* data = new QMimeData;
    data->setData(kOpMimeType, items[0]->data(0, Qt::UserRole).toString().toUtf8());
    return data;
  }
  QStringList mimeTypes() const override { return {kOpMimeType}; }
};

QJsonValue to_json(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return QJsonValue::Null;
    case ValueKind::kBool:
      return v.as_bool();
    case ValueKind::kInt:
      return static_cast<qint64>(v.as_int());
    case ValueKind::kFloat:
      return v.as_float();
    case ValueKind::kString:
      return q(v.as_string());
    case ValueKind::kList: {
      QJsonArray a;
      for (const Value& item : v.as_list()) a.append(to_json(item));
      return a;
    }
    default:
      return q(v.repr());
  }
}

Value from_json(const QJsonValue& j) {
  switch (j.type()) {
    case QJsonValue::Null:
      return Value();
    case QJsonValue::Bool:
      return Value(j.toBool());
    case QJsonValue::Double: {
      double d = j.toDouble();
      if (std::floor(d) == d && std::abs(d) <= 9007199254740992.0)
        return Value(static_cast<std::int64_t>(d));
      return Value(d);
    }
    case QJsonValue::String:
      return Value(j.toString().toStdString());
    case QJsonValue::Array: {
      List items;
      for (const QJsonValue& item : j.toArray()) items.push_back(from_json(item));
      return Value(std::move(items));
    }
    default:
      throw Error(
          "a parameter cannot be a JSON object; use a list, number, string, true, false or null");
  }
}

}  // namespace

QString value_to_json(const Value& value) {
  QByteArray text = QJsonDocument(QJsonArray{to_json(value)}).toJson(QJsonDocument::Compact);
  return QString::fromUtf8(text.mid(1, text.size() - 2));
}

Value parse_json_value(const QString& text) {
  QJsonParseError err;
  QJsonDocument doc = QJsonDocument::fromJson(("[" + text + "]").toUtf8(), &err);
  if (err.error != QJsonParseError::NoError || doc.array().size() != 1) {
    throw Error("'" + text.toStdString() +
                "' is not a JSON value (e.g. 3, 2.5, \"text\", [1, 2], true)");
  }
  return from_json(doc.array().at(0));
}

// ---------------------------------------------------------------- OpPalette

OpPalette::OpPalette(QWidget* parent) : QWidget(parent), search_(new QLineEdit), tree_(new OpTree) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  search_->setPlaceholderText(tr("Search ops…"));
  search_->setClearButtonEnabled(true);
  tree_->setHeaderHidden(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  layout->addWidget(search_);
  layout->addWidget(tree_);
  connect(search_, &QLineEdit::textChanged, this, &OpPalette::set_filter);
  connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    QString op = item->data(0, Qt::UserRole).toString();
    if (!op.isEmpty()) emit op_activated(op);
  });
  reload();
}

void OpPalette::reload() {
  tree_->clear();
  std::map<std::string, QTreeWidgetItem*> groups;
  for (const OpPtr& op : OpRegistry::global().list()) {
    if (op->local_only) continue;  // lambdas cannot be saved in a pipeline file
    if (op->internal) continue;    // task plumbing (csv blocks, partial reductions): not a node
    QTreeWidgetItem*& group = groups[op->group];
    if (!group) {
      group = new QTreeWidgetItem(tree_, {q(op->group)});
      group->setFlags(Qt::ItemIsEnabled);
    }
    auto* item = new QTreeWidgetItem(group, {q(op->name)});
    item->setData(0, Qt::UserRole, q(op->name));
    item->setToolTip(0, q(op->doc));
  }
  tree_->sortItems(0, Qt::AscendingOrder);
  tree_->expandAll();
  set_filter(search_->text());
}

void OpPalette::set_filter(const QString& text) {
  if (search_->text() != text) search_->setText(text);
  for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
    QTreeWidgetItem* group = tree_->topLevelItem(g);
    bool any = false;
    for (int i = 0; i < group->childCount(); ++i) {
      QTreeWidgetItem* item = group->child(i);
      bool match = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive) ||
                   item->toolTip(0).contains(text, Qt::CaseInsensitive) ||
                   group->text(0).contains(text, Qt::CaseInsensitive);
      item->setHidden(!match);
      any = any || match;
    }
    group->setHidden(!any);
  }
}

QStringList OpPalette::visible_ops() const {
  QStringList ops;
  for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
    QTreeWidgetItem* group = tree_->topLevelItem(g);
    for (int i = 0; i < group->childCount(); ++i) {
      if (!group->isHidden() && !group->child(i)->isHidden()) ops << group->child(i)->text(0);
    }
  }
  return ops;
}

// ---------------------------------------------------------------- PropertyEditor

PropertyEditor::PropertyEditor(PipelineDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  connect(doc_, &PipelineDocument::changed, this, &PropertyEditor::schedule_rebuild);
  rebuild();
}

void PropertyEditor::set_node(const std::string& id) {
  if (id == id_ && form_) return;
  id_ = id;
  rebuild();
}

QWidget* PropertyEditor::editor(const std::string& param) const {
  auto it = editors_.find(param);
  return it == editors_.end() ? nullptr : it->second;
}

// A widget's signal may be what changed the document: rebuild later, not
// under its feet.
void PropertyEditor::schedule_rebuild() {
  if (rebuild_pending_) return;
  rebuild_pending_ = true;
  QTimer::singleShot(0, this, [this] {
    rebuild_pending_ = false;
    rebuild();
  });
}

void PropertyEditor::rebuild() {
  if (form_) {
    form_->hide();
    form_->deleteLater();
  }
  editors_.clear();
  form_ = new QWidget(this);
  layout()->addWidget(form_);
  auto* form = new QFormLayout(form_);
  const PipelineNode* node = doc_->pipeline().find_node(id_);
  if (!node) {
    form->addRow(new QLabel(tr("Select a node to edit its parameters.")));
    return;
  }
  auto* id = new QLabel(q(node->id));
  id->setTextInteractionFlags(Qt::TextSelectableByMouse);
  form->addRow(tr("Id"), id);
  auto* label = new QLineEdit(q(node->label));
  label->setPlaceholderText(q(node->id));
  connect(label, &QLineEdit::editingFinished, this,
          [this, label, nid = node->id] { doc_->set_label(nid, label->text().toStdString()); });
  form->addRow(tr("Label"), label);
  editors_["label"] = label;
  OpPtr op = OpRegistry::global().find(node->op);
  if (!op) {
    form->addRow(new QLabel(tr("Unknown op '%1': no parameters to edit.").arg(q(node->op))));
    return;
  }
  auto* doc = new QLabel(q(op->name + " — " + op->doc));
  doc->setWordWrap(true);
  form->addRow(doc);
  std::vector<ParamSpec> specs = op->params;
  for (const auto& [name, value] : node->params) {  // set, but not declared: edit as JSON
    if (std::none_of(specs.begin(), specs.end(),
                     [&](const ParamSpec& s) { return s.name == name; })) {
      specs.push_back(ParamSpec{.name = name});
    }
  }
  for (const ParamSpec& spec : specs) {
    QWidget* w = make_editor(spec, node->params.find(spec.name));
    w->setToolTip(q(spec.doc));
    editors_[spec.name] = w;
    form->addRow(q(spec.name) + (spec.required ? " *" : ""), w);
  }
}

QWidget* PropertyEditor::make_editor(const ParamSpec& spec, const Value* current) {
  const std::string nid = id_, name = spec.name;
  const Value& value = current ? *current : spec.default_value;
  auto set = [this, nid, name](const Value& v) { doc_->set_param(nid, name, v); };
  constexpr double kBig = 1e15;
  switch (spec.type) {
    case ParamSpec::Type::kBool: {
      auto* box = new QCheckBox;
      box->setChecked(value.is_bool() && value.as_bool());
      connect(box, &QCheckBox::toggled, this, [set](bool on) { set(Value(on)); });
      return box;
    }
    case ParamSpec::Type::kInt: {
      auto* spin = new QSpinBox;
      spin->setRange(static_cast<int>(std::max(spec.min.value_or(-2e9), -2e9)),
                     static_cast<int>(std::min(spec.max.value_or(2e9), 2e9)));
      spin->setKeyboardTracking(false);  // one edit when done typing, not per key
      if (value.is_int()) spin->setValue(static_cast<int>(value.as_int()));
      connect(spin, &QSpinBox::valueChanged, this, [set](int v) { set(Value(std::int64_t{v})); });
      return spin;
    }
    case ParamSpec::Type::kFloat: {
      auto* spin = new QDoubleSpinBox;
      spin->setDecimals(6);
      spin->setRange(std::max(spec.min.value_or(-kBig), -kBig),
                     std::min(spec.max.value_or(kBig), kBig));
      spin->setKeyboardTracking(false);
      if (value.is_number())
        spin->setValue(value.is_int() ? static_cast<double>(value.as_int()) : value.as_float());
      connect(spin, &QDoubleSpinBox::valueChanged, this, [set](double v) { set(Value(v)); });
      return spin;
    }
    case ParamSpec::Type::kChoice: {
      auto* combo = new QComboBox;
      for (const std::string& c : spec.choices) combo->addItem(q(c));
      if (value.is_string()) combo->setCurrentText(q(value.as_string()));
      connect(combo, &QComboBox::currentTextChanged, this,
              [set](const QString& t) { set(Value(t.toStdString())); });
      return combo;
    }
    case ParamSpec::Type::kString:
    case ParamSpec::Type::kPath: {
      auto* edit = new QLineEdit(value.is_string() ? q(value.as_string()) : QString());
      connect(edit, &QLineEdit::editingFinished, this, [set, edit] {
        set(edit->text().isEmpty() ? Value() : Value(edit->text().toStdString()));
      });
      if (spec.type == ParamSpec::Type::kString) return edit;
      auto* row = new QWidget;
      auto* h = new QHBoxLayout(row);
      h->setContentsMargins(0, 0, 0, 0);
      auto* browse = new QToolButton;
      browse->setText(QStringLiteral("…"));
      browse->setToolTip(tr("Choose a file"));
      connect(browse, &QToolButton::clicked, this, [set, edit] {
        QString path = QFileDialog::getOpenFileName(edit, tr("Choose a file"), edit->text());
        if (!path.isEmpty()) set(Value(path.toStdString()));
      });
      h->addWidget(edit);
      h->addWidget(browse);
      row->setFocusProxy(edit);
      return row;
    }
    case ParamSpec::Type::kList:
    case ParamSpec::Type::kAny: {
      auto* edit = new QLineEdit(value.is_null() ? QString() : value_to_json(value));
      edit->setPlaceholderText(tr("JSON: 3, 2.5, \"text\", [1, 2]"));
      connect(edit, &QLineEdit::editingFinished, this, [set, edit] {
        try {
          set(edit->text().trimmed().isEmpty() ? Value() : parse_json_value(edit->text()));
          edit->setStyleSheet({});
        } catch (const Error& e) {
          edit->setStyleSheet(QStringLiteral("border: 1px solid red"));
          edit->setToolTip(QString::fromUtf8(e.what()));
        }
      });
      return edit;
    }
  }
  return new QLabel(tr("(unsupported)"));
}

// ---------------------------------------------------------------- ValidationPanel

ValidationPanel::ValidationPanel(PipelineDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), list_(new QListWidget) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(list_);
  timer_.setSingleShot(true);
  timer_.setInterval(250);  // revalidate once typing pauses
  connect(&timer_, &QTimer::timeout, this, &ValidationPanel::refresh);
  connect(doc_, &PipelineDocument::changed, &timer_, qOverload<>(&QTimer::start));
  connect(list_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    QString id = item->data(Qt::UserRole).toString();
    if (!id.isEmpty()) emit node_activated(id);
  });
  refresh();
}

void ValidationPanel::refresh() {
  list_->clear();
  std::vector<PipelineProblem> problems = doc_->pipeline().problems();
  count_ = static_cast<int>(problems.size());
  for (const PipelineProblem& p : problems) {
    auto* item = new QListWidgetItem(
        QStringLiteral("[%1] %2").arg(q(std::string(problem_kind_name(p.kind))), q(p.message)));
    item->setData(Qt::UserRole, q(p.node));
    item->setForeground(QColor(160, 0, 0));
    list_->addItem(item);
  }
  if (problems.empty()) {
    auto* ok = new QListWidgetItem(doc_->pipeline().nodes.empty()
                                       ? tr("Empty pipeline: drag ops from the palette.")
                                       : tr("No problems: the pipeline can run."));
    ok->setForeground(QColor(0, 110, 0));
    list_->addItem(ok);
  }
  emit validated(count_);
}

// ---------------------------------------------------------------- RunPanel

RunPanel::RunPanel(QWidget* parent)
    : QWidget(parent),
      run_(new QPushButton(tr("Run"))),
      stop_(new QPushButton(tr("Stop"))),
      scheduler_(new QLineEdit),
      memory_(new QSpinBox),
      progress_(new QProgressBar),
      message_(new QLabel),
      preview_title_(new QLabel(tr("Preview"))),
      preview_(new QPlainTextEdit),
      table_(new QTableWidget),
      clear_(new QPushButton(tr("Clear results"))),
      reuse_(new QLabel) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(stop_);
  stop_->setEnabled(false);
  layout->addLayout(buttons);
  auto* where = new QFormLayout;
  scheduler_->setPlaceholderText(tr("embedded LocalCluster"));
  scheduler_->setToolTip(
      tr("HOST:PORT of a remote cluster's scheduler (`shoal scheduler`); "
         "empty runs on the embedded LocalCluster."));
  where->addRow(tr("Scheduler"), scheduler_);
  memory_->setRange(0, 16 * 1024 * 1024);
  memory_->setSingleStep(256);
  memory_->setSuffix(tr(" MiB"));
  memory_->setSpecialValueText(tr("default (80% of memory)"));
  memory_->setToolTip(
      tr("Results the embedded LocalCluster holds in memory: past 70% of this they are "
         "spilled to disk, past 85% one task runs at a time."));
  where->addRow(tr("Memory limit"), memory_);
  layout->addLayout(where);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(QStringLiteral("%v / %m tasks"));
  layout->addWidget(progress_);
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(message_);
  auto* reuse = new QHBoxLayout;
  reuse_->setToolTip(
      tr("Results of unchanged nodes are kept between runs and reused (least recently used "
         "first out, within a memory budget)."));
  reuse->addWidget(reuse_, 1);
  clear_->setToolTip(tr("Forget every kept result: the next run computes everything."));
  reuse->addWidget(clear_);
  layout->addLayout(reuse);
  layout->addWidget(preview_title_);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setVisible(false);
  layout->addWidget(table_, 2);
  preview_->setReadOnly(true);
  preview_->setFont(QFont(QStringLiteral("monospace")));
  preview_->setLineWrapMode(QPlainTextEdit::NoWrap);
  layout->addWidget(preview_, 1);
}

std::optional<std::uint64_t> RunPanel::memory_limit() const {
  if (memory_->value() == 0) return std::nullopt;
  return static_cast<std::uint64_t>(memory_->value()) << 20;
}

void RunPanel::set_message(const QString& text, bool error) {
  message_->setText(text);
  message_->setStyleSheet(error ? QStringLiteral("color: #a00000") : QString());
}

void RunPanel::set_preview(const QString& title, const QString& text, const Table* table,
                           std::size_t max_rows) {
  preview_title_->setText(title);
  preview_->setPlainText(text);
  table_->setVisible(table != nullptr);
  table_->clear();
  if (!table) return table_->setRowCount(0), table_->setColumnCount(0);
  const std::size_t rows = std::min(max_rows, table->num_rows());
  table_->setRowCount(static_cast<int>(rows));
  table_->setColumnCount(static_cast<int>(table->num_columns()));
  QStringList headers;
  for (std::size_t c = 0; c < table->num_columns(); ++c) {
    headers << QStringLiteral("%1 (%2)")
                   .arg(QString::fromStdString(table->names()[c]))
                   .arg(QString::fromStdString(std::string(type_name(table->column(c).type()))));
    for (std::size_t r = 0; r < rows; ++r) {
      auto* item = new QTableWidgetItem(QString::fromStdString(cell_text(table->column(c), r)));
      table_->setItem(static_cast<int>(r), static_cast<int>(c), item);
    }
  }
  table_->setHorizontalHeaderLabels(headers);
}

}  // namespace shoal::studio
