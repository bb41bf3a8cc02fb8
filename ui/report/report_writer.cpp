// HTML and PDF reports of selected runs; see report_writer.h.
#include "ui/report/report_writer.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextDocument>
#include <cmath>
#include <map>
#include <qcustomplot.h>

#include "ui/charts/chart_export.h"
#include "ui/charts/grouped_bar_chart.h"
#include "ui/store/store_adapter.h"

namespace slmq::ui {

namespace {

/// Metrics charted when at least one selected run has them, with their axis titles.
struct ChartedMetric {
  const char* name;
  const char* title;
};
const ChartedMetric kCharted[] = {
    {"ppl", QT_TRANSLATE_NOOP("QObject", "perplexity")},
    {"acc", QT_TRANSLATE_NOOP("QObject", "accuracy")},
    {"acc_norm", QT_TRANSLATE_NOOP("QObject", "normalised accuracy")},
    {"kld_mean", QT_TRANSLATE_NOOP("QObject", "mean KL divergence vs FP")}};

QString esc(const std::string& s) {
  return QString::fromStdString(s).toHtmlEscaped();
}

QString number(double v) {
  if (!std::isfinite(v)) return QStringLiteral("—");
  return QString::number(v, 'g', 6);
}

/// One bar chart: groups = datasets of `metric`, series = runs (NaN where a run lacks it).
/// Returns nullptr when no run has the metric. The chart is laid out off-screen.
std::unique_ptr<GroupedBarChart> buildChart(const ReportData& data, const ChartedMetric& m) {
  std::map<std::string, std::vector<double>> byDataset;
  for (std::size_t r = 0; r < data.runs.size(); ++r)
    for (const auto& x : data.runs[r].metrics)
      if (x.name == m.name) {
        auto& v = byDataset[x.dataset];
        v.resize(data.runs.size(), std::nan(""));
        v[r] = x.value;
      }
  if (byDataset.empty()) return nullptr;
  auto chart = std::make_unique<GroupedBarChart>();
  QStringList groups;
  for (const auto& [dataset, values] : byDataset)
    groups << (dataset.empty() ? QStringLiteral("—") : QString::fromStdString(dataset));
  chart->setGroups(groups);
  for (std::size_t r = 0; r < data.runs.size(); ++r) {
    QVector<double> values;
    for (const auto& [dataset, v] : byDataset) values << (r < v.size() ? v[r] : std::nan(""));
    chart->addSeries(QStringLiteral("#%1 %2")
                         .arg(data.runs[r].run.id)
                         .arg(QString::fromStdString(data.runs[r].run.name)),
                     values);
  }
  chart->setTitle(QObject::tr("%1 by dataset").arg(QObject::tr(m.title)));
  chart->setValueTitle(QObject::tr(m.title), std::string(m.name) != "ppl");
  chart->resize(800, 420);
  return chart;
}

QString svgMarkup(QCustomPlot& plot, QSize size) {
  QBuffer buffer;
  buffer.open(QIODevice::WriteOnly);
  QSvgGenerator generator;
  generator.setOutputDevice(&buffer);
  generator.setSize(size);
  generator.setViewBox(QRect(QPoint(0, 0), size));
  QCPPainter painter;
  if (!painter.begin(&generator)) return {};
  painter.setMode(QCPPainter::pmVectorized);
  painter.setMode(QCPPainter::pmNoCaching);
  plot.toPainter(&painter, size.width(), size.height());
  painter.end();
  QString svg = QString::fromUtf8(buffer.data());
  const int start = svg.indexOf(QStringLiteral("<svg"));  // drop the XML prolog for inline use
  return start >= 0 ? svg.mid(start) : QString();
}

QString statusName(core::RunStatus s) {
  return QString::fromLatin1(core::runStatusName(s));
}

}  // namespace

ReportData collectReport(StoreAdapter& store, const QList<qint64>& runIds, QString* error) {
  ReportData data;
  data.title =
      QObject::tr("SLMQuant Workbench report — %1").arg(QFileInfo(store.path()).fileName());
  if (!store.isOpen()) {
    if (error) *error = QObject::tr("No workspace is open");
    return data;
  }
  for (const qint64 id : runIds) {
    const auto run = store.run(id);
    if (!run) continue;
    data.runs.push_back({*run, store.metrics(id)});
  }
  if (data.runs.empty() && error)
    *error = QObject::tr("None of the selected runs exists in %1").arg(store.path());
  return data;
}

QString reportHtml(const ReportData& data, ReportCharts charts,
                   QList<QPair<QString, QImage>>* images) {
  QString h;
  h += QStringLiteral(
           "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>\n"
           "<style>body{font-family:sans-serif;margin:2em;} table{border-collapse:collapse;}"
           " td,th{border:1px solid #999;padding:3px 8px;} th{background:#eee;}"
           " td.num{text-align:right;} pre{background:#f6f6f6;padding:6px;font-size:85%;}"
           "</style></head><body>\n<h1>%1</h1>\n")
           .arg(data.title.toHtmlEscaped());
  // Overview table.
  h += QStringLiteral(
           "<h2>%1</h2>\n<table><tr><th>%2</th><th>%3</th><th>%4</th><th>%5</th>"
           "<th>%6</th><th>%7</th></tr>\n")
           .arg(QObject::tr("Runs"), QObject::tr("Id"), QObject::tr("Name"), QObject::tr("Method"),
                QObject::tr("Bits (W/A)"), QObject::tr("Status"), QObject::tr("Finished"));
  for (const auto& r : data.runs)
    h += QStringLiteral(
             "<tr><td class=\"num\">%1</td><td>%2</td><td>%3</td><td>W%4A%5</td>"
             "<td>%6</td><td>%7</td></tr>\n")
             .arg(r.run.id)
             .arg(esc(r.run.name), esc(r.run.method))
             .arg(r.run.w_bits)
             .arg(r.run.a_bits)
             .arg(statusName(r.run.status), esc(r.run.finished_at));
  h += QStringLiteral("</table>\n");
  // Charts.
  int n = 0;
  for (const ChartedMetric& m : kCharted) {
    auto chart = buildChart(data, m);
    if (!chart) continue;
    const QSize size(800, 420);
    if (n == 0) h += QStringLiteral("<h2>%1</h2>\n").arg(QObject::tr("Charts"));
    if (charts == ReportCharts::InlineSvg) {
      h += QStringLiteral("<div class=\"chart\">%1</div>\n").arg(svgMarkup(*chart->plot(), size));
    } else {
      ChartExportOptions o;
      o.sizePx = QSize(1600, 840);
      o.dpi = 192.0;
      const QString name = QStringLiteral("chart%1.png").arg(n);
      if (images) images->append({name, renderChartImage(*chart->plot(), o)});
      h += QStringLiteral("<p><img src=\"%1\" width=\"640\"></p>\n").arg(name);
    }
    ++n;
  }
  // Per run: metrics and spec.
  for (const auto& r : data.runs) {
    h += QStringLiteral("<h2>#%1 %2</h2>\n").arg(r.run.id).arg(esc(r.run.name));
    if (!r.run.error.empty())
      h += QStringLiteral("<p><b>%1</b> %2</p>\n").arg(QObject::tr("Error:"), esc(r.run.error));
    if (r.metrics.empty()) {
      h += QStringLiteral("<p>%1</p>\n").arg(QObject::tr("No metrics stored."));
    } else {
      h += QStringLiteral("<table><tr><th>%1</th><th>%2</th><th>%3</th><th>%4</th></tr>\n")
               .arg(QObject::tr("Metric"), QObject::tr("Dataset"), QObject::tr("Value"),
                    QObject::tr("Std. error"));
      for (const auto& m : r.metrics)
        h += QStringLiteral(
                 "<tr><td>%1</td><td>%2</td><td class=\"num\">%3</td>"
                 "<td class=\"num\">%4</td></tr>\n")
                 .arg(esc(m.name), esc(m.dataset), number(m.value),
                      m.stderr_value ? number(*m.stderr_value) : QString());
      h += QStringLiteral("</table>\n");
    }
    h += QStringLiteral("<h3>%1</h3>\n<pre>%2</pre>\n")
             .arg(QObject::tr("Experiment spec"), esc(r.run.spec_json));
  }
  h += QStringLiteral("</body></html>\n");
  return h;
}

bool exportReportHtml(const ReportData& data, const QString& path, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) ||
      file.write(reportHtml(data, ReportCharts::InlineSvg).toUtf8()) < 0 || !file.commit()) {
    if (error) *error = QObject::tr("Cannot write report %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

bool exportReportPdf(const ReportData& data, const QString& path, QString* error) {
  {
    // QPdfWriter reports an unwritable file only through a failing painter; probe first.
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly)) {
      if (error) *error = QObject::tr("Cannot write report %1: %2").arg(path, probe.errorString());
      return false;
    }
  }
  QList<QPair<QString, QImage>> images;
  QTextDocument doc;
  const QString html = reportHtml(data, ReportCharts::ImageResources, &images);
  for (const auto& [name, image] : images)
    doc.addResource(QTextDocument::ImageResource, QUrl(name), image);
  doc.setHtml(html);
  QPdfWriter writer(path);
  writer.setTitle(data.title);
  writer.setCreator(QStringLiteral("SLMQuant Workbench"));
  writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                   QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
  doc.print(&writer);
  if (QFileInfo(path).size() < 100) {
    if (error) *error = QObject::tr("Cannot write report %1").arg(path);
    return false;
  }
  return true;
}

}  // namespace slmq::ui
