// shoal-studio [--plugin PATH]... [FILE] [--screenshot OUT.png [--run] [--tasks]]
//
// Opens FILE (a *.shoal.json pipeline) in the studio. With --screenshot it
// lays the window out, optionally runs the pipeline (--run) and shows the
// task graph (--tasks), saves a PNG of the window and exits, printing what
// the scene holds; without a display it uses Qt's offscreen platform. Exit status: 0, 1 when the
// file cannot be opened or the PNG written, 2 when the run failed (the PNG is written).
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "main_window.h"
#include "shoal/error.h"
#include "shoal/plugin_loader.h"

namespace {

// Runs the pipeline and waits (processing events) until it ends; false on
// failure or after 60 seconds.
bool run_and_wait(shoal::studio::MainWindow& w) {
  bool done = false, ok = false;
  QObject::connect(w.runner(), &shoal::studio::RunController::finished,
                   [&](bool success, const QString&) {
                     done = true;
                     ok = success;
                   });
  w.run();
  QElapsedTimer clock;
  clock.start();
  while (!done && clock.elapsed() < 60000) QApplication::processEvents(QEventLoop::AllEvents, 50);
  return ok;
}

int screenshot(shoal::studio::MainWindow& w, const QString& file, const QString& out, bool run,
               bool tasks) {
  w.set_interactive(false);
  w.show();
  if (!file.isEmpty() && !w.open_file(file)) {
    std::fprintf(stderr, "shoal-studio: %s\n", qPrintable(w.last_error()));
    return 1;
  }
  // A failed run is still worth a picture (the error shows on its node).
  bool run_failed = run && !run_and_wait(w);
  if (run_failed)
    std::fprintf(stderr, "shoal-studio: the run failed: %s\n",
                 qPrintable(w.run_panel()->message()));
  if (tasks) w.findChild<QDockWidget*>(QStringLiteral("Tasks"))->raise();
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
  w.view()->zoom_fit();
  QApplication::processEvents();
  // 256 colours: a quarter of the bytes, and a window looks the same.
  if (!w.grab().toImage().convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither).save(out)) {
    std::fprintf(stderr, "shoal-studio: cannot write %s\n", qPrintable(out));
    return 1;
  }
  const auto& p = w.document()->pipeline();
  std::printf("nodes %zu items %zu edges %zu edge-items %zu problems %d\n", p.nodes.size(),
              w.scene()->node_items().size(), p.edges.size(), w.scene()->edge_items().size(),
              w.validation()->problem_count());
  return run_failed ? 2 : 0;
}

// Takes `--plugin PATH` and `--plugin=PATH` out of argv: QApplication would
// read `-plugin` as its own option (Qt's generic input plugins).
std::vector<std::string> take_plugins(int& argc, char** argv) {
  std::vector<std::string> plugins;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--plugin" || a == "-plugin") && i + 1 < argc) {
      plugins.emplace_back(argv[++i]);
    } else if (a.rfind("--plugin=", 0) == 0) {
      plugins.push_back(a.substr(9));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  return plugins;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> plugins = take_plugins(argc, argv);
  bool wants_screenshot = false;
  for (int i = 1; i < argc; ++i)
    wants_screenshot = wants_screenshot || std::string(argv[i]) == "--screenshot";
  if (wants_screenshot && !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY") &&
      !std::getenv("QT_QPA_PLATFORM")) {
    setenv("QT_QPA_PLATFORM", "offscreen", 1);
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Shoal"));
  QApplication::setApplicationName(QStringLiteral("Shoal Studio"));
  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Shoal Studio: build, lay out, run and watch pipelines."));
  parser.addHelpOption();
  QCommandLineOption shot(QStringLiteral("screenshot"),
                          QStringLiteral("Save a PNG of the window to <out> and exit."),
                          QStringLiteral("out"));
  QCommandLineOption run(QStringLiteral("run"),
                         QStringLiteral("With --screenshot: run the pipeline first."));
  QCommandLineOption tasks(QStringLiteral("tasks"),
                           QStringLiteral("With --screenshot: show the Tasks panel."));
  parser.addOption(shot);
  parser.addOption(tasks);
  parser.addOption(run);
  // Listed for --help; take_plugins() has already read the values.
  QCommandLineOption plugin(
      QStringLiteral("plugin"),
      QStringLiteral("Load a plugin's ops (a path, or a name on SHOAL_PLUGIN_PATH); repeatable."),
      QStringLiteral("path"));
  parser.addOption(plugin);
  parser.addPositionalArgument(QStringLiteral("file"),
                               QStringLiteral("A *.shoal.json pipeline to open."));
  parser.process(app);
  QString file = parser.positionalArguments().value(0);
  // Before the window exists, so that the palette lists the plugins' ops.
  for (const std::string& path : plugins) {
    try {
      shoal::load_plugin(path);
    } catch (const shoal::Error& e) {
      std::fprintf(stderr, "shoal-studio: %s\n", e.what());
      return 1;
    }
  }

  shoal::studio::MainWindow window;
  if (parser.isSet(shot))
    return screenshot(window, file, parser.value(shot), parser.isSet(run), parser.isSet(tasks));
  window.show();
  if (!file.isEmpty()) window.open_file(file);
  return app.exec();
}
