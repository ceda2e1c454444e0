// The QApplication the studio tests share (created on first use; doctest's
// main knows nothing of Qt), and helpers to wait for queued events and runs.
#pragma once

#include <doctest/doctest.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <functional>

#include "main_window.h"

namespace shoal::studio::testing {

inline QApplication& app() {
  static int argc = 1;
  static char name[] = "studio_tests";
  static char* argv[] = {name, nullptr};
  static QApplication* instance = [] {
    QStandardPaths::setTestModeEnabled(true);  // QSettings away from the user's
    auto* a = new QApplication(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ShoalTests"));
    QApplication::setApplicationName(QStringLiteral("Shoal Studio Tests"));
    return a;
  }();
  return *instance;
}

/// Processes events until `done()` or `ms` milliseconds; returns done().
inline bool wait_until(const std::function<bool()>& done, int ms = 20000) {
  app();
  QElapsedTimer clock;
  clock.start();
  while (!done() && clock.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

/// Runs the window's pipeline and waits for the end; returns whether it
/// succeeded.
inline bool run_to_end(MainWindow& w) {
  bool done = false, ok = false;
  auto c =
      QObject::connect(w.runner(), &RunController::finished, [&](bool success, const QString&) {
        done = true;
        ok = success;
      });
  w.run();
  REQUIRE(wait_until([&] { return done; }));  // a run that never ends fails the test
  QObject::disconnect(c);
  return ok;
}

}  // namespace shoal::studio::testing
