// shoal-studio --screenshot under Xvfb (xvfb-run -a), for every example
// pipeline: the PNG is not blank (its pixels vary) and the scene holds every
// node and edge of the file (the app prints what it holds).
#include <doctest/doctest.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <cmath>

namespace {

// The variance of the grey level over a grid of pixels.
double grey_variance(const QImage& image) {
  double sum = 0, sq = 0;
  int n = 0;
  for (int y = 0; y < image.height(); y += 3) {
    for (int x = 0; x < image.width(); x += 3) {
      double g = qGray(image.pixel(x, y));
      sum += g;
      sq += g * g;
      ++n;
    }
  }
  double mean = sum / n;
  return sq / n - mean * mean;
}

}  // namespace

// The example pipelines and their data, copied beside each other as in
// examples/, so that running them writes nothing into the source tree.
QString copy_examples(const QTemporaryDir& dir) {
  QDir root(dir.path());
  for (const char* sub : {"pipelines", "data"}) {
    root.mkdir(sub);
    QDir from(QString(SHOAL_EXAMPLES_DIR "/../") + sub);
    for (const QString& f : from.entryList(QDir::Files))
      QFile::copy(from.filePath(f), root.filePath(sub) + "/" + f);
  }
  return root.filePath("pipelines");
}

TEST_CASE("a screenshot of every example pipeline shows its nodes") {
  QTemporaryDir dir;
  REQUIRE(dir.isValid());
  const QString pipelines = copy_examples(dir);
  const QStringList examples = QDir(pipelines).entryList({"*.shoal.json"}, QDir::Files);
  REQUIRE(examples.size() >= 5);
  const std::map<QString, QString> expected = {
      {"arithmetic.shoal.json", "nodes 5 items 5 edges 5 edge-items 5 problems 0"},
      {"sum_of_squares.shoal.json", "nodes 10 items 10 edges 16 edge-items 16 problems 0"},
      {"trips.shoal.json", "nodes 8 items 8 edges 7 edge-items 7 problems 0"},
      {"word_count.shoal.json", "nodes 5 items 5 edges 4 edge-items 4 problems 0"},
      {"array_stats.shoal.json", "nodes 12 items 12 edges 11 edge-items 11 problems 0"},
  };
  for (const QString& name : examples) {
    CAPTURE(name.toStdString());
    QString out = dir.filePath(name + ".png");
    QProcess p;
    p.start(XVFB_RUN,
            {"-a", SHOAL_STUDIO_EXE, "--screenshot", out, "--run", pipelines + "/" + name});
    REQUIRE(p.waitForFinished(60000));
    QString stdout_text = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    CAPTURE(QString::fromUtf8(p.readAllStandardError()).toStdString());
    CHECK(p.exitCode() == 0);
    if (expected.count(name)) CHECK(stdout_text.toStdString() == expected.at(name).toStdString());
    CHECK(stdout_text.startsWith("nodes "));
    QImage image(out);
    REQUIRE_FALSE(image.isNull());
    CHECK(image.width() >= 800);
    CHECK(image.height() >= 500);
    CHECK(grey_variance(image) > 100);  // a blank image has 0
  }
}

TEST_CASE("--plugin loads a plugin's ops for the palette and runs") {
  QTemporaryDir dir;
  QProcess p;
  p.start(XVFB_RUN, {"-a", SHOAL_STUDIO_EXE, "--plugin", SHOAL_TEXT_PLUGIN, "--screenshot",
                     dir.filePath("t.png"), "--run", SHOAL_CLI_DATA "/text_words.shoal.json"});
  REQUIRE(p.waitForFinished(60000));
  CAPTURE(QString::fromUtf8(p.readAllStandardError()).toStdString());
  CHECK(p.exitCode() == 0);
  CHECK(QString::fromUtf8(p.readAllStandardOutput()).contains("problems 0"));

  QProcess missing;
  missing.start(XVFB_RUN, {"-a", SHOAL_STUDIO_EXE, "--plugin", "/no/such/plugin.so", "--screenshot",
                           dir.filePath("m.png"), SHOAL_CLI_DATA "/text_words.shoal.json"});
  REQUIRE(missing.waitForFinished(60000));
  CHECK(missing.exitCode() == 1);
  CHECK(QString::fromUtf8(missing.readAllStandardError()).contains("/no/such/plugin.so"));
}

TEST_CASE("a corrupt file makes --screenshot fail with the reason") {
  QTemporaryDir dir;
  QString bad = dir.filePath("bad.shoal.json");
  QFile f(bad);
  REQUIRE(f.open(QIODevice::WriteOnly));
  f.write("{ not json");
  f.close();
  QProcess p;
  p.start(XVFB_RUN, {"-a", SHOAL_STUDIO_EXE, "--screenshot", dir.filePath("x.png"), bad});
  REQUIRE(p.waitForFinished(60000));
  CHECK(p.exitCode() != 0);
  CHECK(QString::fromUtf8(p.readAllStandardError()).contains("bad.shoal.json"));
  CHECK_FALSE(QFile::exists(dir.filePath("x.png")));
}

TEST_CASE("a run that fails still gives a screenshot, and exit status 2") {
  QTemporaryDir dir;
  QString file = dir.filePath("fails.shoal.json");
  QFile f(file);
  REQUIRE(f.open(QIODevice::WriteOnly));
  f.write(R"({"format": 1, "name": "fails",
    "nodes": [{"id": "text", "op": "value", "x": 0, "y": 0, "params": {"value": "forty"}},
              {"id": "inc", "op": "inc", "x": 0, "y": 120, "params": {}}],
    "edges": [{"from": "text", "fromPort": "out", "to": "inc", "toPort": "x"}]})");
  f.close();
  QString out = dir.filePath("fails.png");
  QProcess p;
  p.start(XVFB_RUN, {"-a", SHOAL_STUDIO_EXE, "--screenshot", out, "--run", file});
  REQUIRE(p.waitForFinished(60000));
  CHECK(p.exitCode() == 2);
  CHECK(QString::fromUtf8(p.readAllStandardError()).contains("op 'inc'"));
  CHECK(QString::fromUtf8(p.readAllStandardOutput()).startsWith("nodes 2 items 2 edges 1"));
  QImage image(out);
  REQUIRE_FALSE(image.isNull());
  CHECK(grey_variance(image) > 100);
}
