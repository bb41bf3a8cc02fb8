// Report export for selected runs: one HTML file with each run's spec, status and metric table
// plus bar charts of the shared metrics as inline SVG, and the same content as a paginated PDF
// (QTextDocument printed to QPdfWriter, charts as embedded images).
#pragma once

#include <QImage>
#include <QList>
#include <QPair>
#include <QString>
#include <vector>

#include "core/store/records.h"

namespace slmq::ui {

class StoreAdapter;

/// The runs of a report, read once from the store.
struct ReportData {
  QString title;  ///< e.g. "SLMQuant Workbench report — ws.sqlite"
  struct Run {
    core::RunRecord run;
    std::vector<core::MetricRecord> metrics;
  };
  std::vector<Run> runs;  ///< in the order selected
};

/// Reads `runIds` from `store`. Unknown ids are skipped; returns nullopt-like empty data and sets
/// `error` when none of them exists or the store is not open.
ReportData collectReport(StoreAdapter& store, const QList<qint64>& runIds, QString* error);

/// How a chart is embedded: inline SVG markup (HTML) or an <img> naming a document resource
/// "chart<N>.png" (PDF through QTextDocument, which cannot draw SVG).
enum class ReportCharts { InlineSvg, ImageResources };

/// The report as HTML. With ImageResources, `images` receives one rendered PNG-ready image per
/// chart, named chart0.png, chart1.png, ... in the HTML.
QString reportHtml(const ReportData& data, ReportCharts charts,
                   QList<QPair<QString, QImage>>* images = nullptr);

/// Writes the HTML report (UTF-8, self-contained). False + `error` naming the file on failure.
bool exportReportHtml(const ReportData& data, const QString& path, QString* error);

/// Writes the PDF report (A4, paginated). False + `error` naming the file on failure.
bool exportReportPdf(const ReportData& data, const QString& path, QString* error);

}  // namespace slmq::ui
