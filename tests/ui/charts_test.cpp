// QtTest of the chart widgets: what they hold (plottables, axis ranges, colour-map cells), their
// interaction (cell clicks, tooltips, log toggles), and every export format (PNG at the requested
// size and DPI, SVG that parses as XML, PDF, CSV). Saves a screenshot of each chart.
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include "tests/ui/ui_test_support.h"
#include "ui/charts/grouped_bar_chart.h"
#include "ui/charts/heatmap_chart.h"
#include "ui/charts/histogram_chart.h"
#include "ui/charts/pareto.h"
#include "ui/charts/scatter_chart.h"

using namespace slmq::ui;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename T>
QList<T*> plottablesOf(QCustomPlot* plot) {
  QList<T*> out;
  for (int i = 0; i < plot->plottableCount(); ++i)
    if (auto* p = qobject_cast<T*>(plot->plottable(i))) out << p;
  return out;
}

/// A 3-layer x 2-module grid with one missing cell.
void fillHeatmap(HeatmapChart& chart) {
  chart.setData({"0", "1", "2"}, {"q_proj", "down_proj"}, {0.5, 1.25, kNaN, 3.0, 0.123456789, 2.0});
  chart.setValueLabel("ΔPPL");
}
}  // namespace

class ChartsTest : public QObject {
  Q_OBJECT
 private slots:
  void heatmapHoldsCellsWithoutInterpolation();
  void heatmapClickAndTooltip();
  void heatmapSharedAndLogScale();
  void heatmapRejectsSizeMismatch();
  void heatmapDivergingForSignedValues();
  void legendNeverCoversData();
  void placeholderWrapsInsideSmallCharts();
  void histogramOverlaysAndLogToggle();
  void groupedBarsWithErrorsAndReference();
  void paretoFrontHandCase();
  void scatterWithFront();
  void exportsEveryFormat();
  void exportReportsBadTargets();
  void contextMenuOffersExports();
};

void ChartsTest::heatmapHoldsCellsWithoutInterpolation() {
  HeatmapChart chart;
  chart.resize(640, 420);
  fillHeatmap(chart);
  QCustomPlot* plot = chart.plot();
  const auto maps = plottablesOf<QCPColorMap>(plot);
  QCOMPARE(maps.size(), 1);
  QCPColorMap* map = maps[0];
  QVERIFY(!map->interpolate());
  QCOMPARE(map->data()->keySize(), 2);    // modules along x
  QCOMPARE(map->data()->valueSize(), 3);  // layers along y
  QCOMPARE(map->data()->cell(1, 0), 1.25);
  QCOMPARE(map->data()->cell(1, 2), 2.0);
  QCOMPARE(map->data()->cell(0, 2), 0.123456789);
  QCOMPARE(map->data()->cell(1, 1), 3.0);
  QVERIFY(std::isnan(map->data()->cell(0, 1)));
  QCOMPARE(plot->xAxis->range().lower, -0.5);
  QCOMPARE(plot->xAxis->range().upper, 1.5);
  QCOMPARE(plot->yAxis->range().lower, -0.5);
  QCOMPARE(plot->yAxis->range().upper, 2.5);
  QVERIFY(plot->yAxis->rangeReversed());  // layer 0 on top
  QCOMPARE(chart.valueRange().first, 0.123456789);
  QCOMPARE(chart.valueRange().second, 3.0);
  QCOMPARE(map->colorScale()->axis()->label(), QString("ΔPPL"));
  // Viridis ends, and missing cells in light grey rather than the lowest colour.
  QCOMPARE(QColor(map->gradient().color(0.0, QCPRange(0, 1))), QColor("#440154"));
  QCOMPARE(QColor(map->gradient().color(1.0, QCPRange(0, 1))), QColor("#fde725"));
  QCOMPARE(map->gradient().nanHandling(), QCPColorGradient::nhNanColor);
  QCOMPARE(chart.toCsv(), QString("layer,q_proj,down_proj\n0,0.5,1.25\n1,,3\n2,0.123456789,2\n"));
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  const QImage shot = slmq::test::saveScreenshot(&chart, "chart_heatmap");
  QVERIFY(slmq::test::distinctColors(shot) > 8);
}

void ChartsTest::heatmapClickAndTooltip() {
  HeatmapChart chart;
  chart.resize(640, 420);
  fillHeatmap(chart);
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  chart.plot()->replot();
  QSignalSpy clicked(&chart, &HeatmapChart::cellClicked);
  const QPointF center = chart.cellCenter(2, 0);
  QCOMPARE(chart.cellAt(center), qMakePair(2, 0));
  QTest::mouseClick(chart.plot(), Qt::LeftButton, {}, center.toPoint());
  QCOMPARE(clicked.count(), 1);
  QCOMPARE(clicked[0][0].toInt(), 2);
  QCOMPARE(clicked[0][1].toInt(), 0);
  QCOMPARE(chart.selectedCell(), qMakePair(2, 0));
  QCOMPARE(chart.toolTipFor(2, 0), QString("layer 2, module q_proj\nΔPPL = 0.123456789"));
  QVERIFY(chart.toolTipFor(1, 0).contains("no measurement"));
  QCOMPARE(chart.cellAt(QPointF(-5, -5)), qMakePair(-1, -1));
  // A click outside the cells emits nothing.
  QTest::mouseClick(chart.plot(), Qt::LeftButton, {}, QPoint(2, 2));
  QCOMPARE(clicked.count(), 1);
}

void ChartsTest::heatmapSharedAndLogScale() {
  HeatmapChart chart;
  fillHeatmap(chart);
  chart.setValueRange(0.0, 10.0);  // shared with a second heatmap
  QCOMPARE(chart.valueRange(), qMakePair(0.0, 10.0));
  chart.setAutoValueRange();
  QCOMPARE(chart.valueRange(), qMakePair(0.123456789, 3.0));
  chart.setValueRange(5.0, 1.0);  // invalid: ignored
  QCOMPARE(chart.valueRange(), qMakePair(0.123456789, 3.0));
  chart.setData({"0"}, {"a", "b"}, {-1.0, 100.0});
  chart.setLogScale(true);
  auto* map = plottablesOf<QCPColorMap>(chart.plot())[0];
  QVERIFY(std::isnan(map->data()->cell(0, 0)));  // non-positive -> missing on a log scale
  QCOMPARE(map->data()->cell(1, 0), 100.0);
  QCOMPARE(map->colorScale()->dataScaleType(), QCPAxis::stLogarithmic);
}

void ChartsTest::heatmapRejectsSizeMismatch() {
  HeatmapChart chart;
  fillHeatmap(chart);
  QTest::ignoreMessage(QtWarningMsg, QRegularExpression("5 values for 3 x 2 cells"));
  chart.setData({"0", "1", "2"}, {"a", "b"}, {1, 2, 3, 4, 5});
  QVERIFY(chart.isEmpty());
  QCOMPARE(chart.rowCount(), 0);
}

void ChartsTest::heatmapDivergingForSignedValues() {
  HeatmapChart chart;
  fillHeatmap(chart);  // all positive: viridis, range = data range
  QVERIFY(!chart.isDiverging());
  // ΔPPL noise around zero: a scale symmetric about 0 with white in the middle, blue for
  // improvements and red for damage, so that -0.5 and +0.5 look equally (un)important.
  chart.setData({"0", "1"}, {"q", "down"}, {-0.5, 0.25, 0.1, 2.0});
  QVERIFY(chart.isDiverging());
  QCOMPARE(chart.valueRange(), qMakePair(-2.0, 2.0));
  auto* map = plottablesOf<QCPColorMap>(chart.plot())[0];
  // (the gradient has 350 levels, so zero falls within a level of the white stop)
  const QColor mid(map->gradient().color(0.0, QCPRange(-1, 1)));
  QVERIFY(std::abs(mid.red() - 0xf7) <= 2 && std::abs(mid.green() - 0xf7) <= 2 &&
          std::abs(mid.blue() - 0xf7) <= 2);
  QCOMPARE(QColor(map->gradient().color(-1.0, QCPRange(-1, 1))), QColor("#053061"));
  QCOMPARE(QColor(map->gradient().color(1.0, QCPRange(-1, 1))), QColor("#67001f"));
  // A shared range across zero is diverging too, and kept as given.
  chart.setValueRange(-1.0, 3.0);
  QVERIFY(chart.isDiverging());
  QCOMPARE(chart.valueRange(), qMakePair(-1.0, 3.0));
  // Back to one sign: viridis again.
  chart.setAutoValueRange();
  chart.setData({"0"}, {"q", "down"}, {0.5, 2.0});
  QVERIFY(!chart.isDiverging());
  QCOMPARE(QColor(map->gradient().color(0.0, QCPRange(0, 1))), QColor("#440154"));
}

void ChartsTest::legendNeverCoversData() {
  // The legend sits in its own row below the axis rect, whatever the data: a point in the
  // bottom-right corner (where an inset legend used to be) stays uncovered.
  ScatterChart scatter;
  scatter.resize(640, 420);
  scatter.addSeries("RTN", {{1, 1}, {10, 0.1}}, {"W8A8", "W4A16"});
  scatter.setReference("FP", {0.5, 1.2});
  GroupedBarChart bars;
  bars.resize(640, 420);
  bars.setGroups({"a", "b"});
  bars.addSeries("long series name one", {10, 50});
  bars.addSeries("long series name two", {20, 49});
  for (ChartWidget* chart :
       {static_cast<ChartWidget*>(&scatter), static_cast<ChartWidget*>(&bars)}) {
    chart->show();
    QVERIFY(QTest::qWaitForWindowExposed(chart));
    QCustomPlot* plot = chart->plot();
    plot->replot();
    QVERIFY(plot->legend->visible());
    QVERIFY(plot->legend->itemCount() >= 2);
    const QRect axis = plot->axisRect()->rect();
    const QRect legend = plot->legend->outerRect();
    QVERIFY2(!axis.intersects(legend), "legend inside the plot area");
    QVERIFY(legend.top() >= axis.bottom());
    // Entries laid out left to right in one row, not stretched across the whole width.
    QCOMPARE(plot->legend->rowCount(), 1);
    QVERIFY(legend.width() < plot->width() * 0.9);
  }
}

void ChartsTest::placeholderWrapsInsideSmallCharts() {
  const QFont font;
  const QFontMetrics metrics(font);
  const QString text = "No weight distribution recorded for this unit";
  const QString wrapped = ChartWidget::wrapText(text, font, 150);
  QVERIFY(wrapped.count('\n') >= 1);
  for (const QString& line : wrapped.split('\n')) QVERIFY(metrics.horizontalAdvance(line) <= 150);
  QCOMPARE(QString(wrapped).replace('\n', ' '), text);  // only spaces became line breaks
  // Text without spaces (Chinese) breaks between characters.
  const QString zh = QString::fromUtf8("此单元没有记录权重分布此单元没有记录权重分布");
  const QString zhWrapped = ChartWidget::wrapText(zh, font, 80);
  QVERIFY(zhWrapped.count('\n') >= 1);
  QCOMPARE(QString(zhWrapped).remove('\n'), zh);
  QCOMPARE(ChartWidget::wrapText(text, font, 0), text);
}

void ChartsTest::histogramOverlaysAndLogToggle() {
  HistogramChart chart;
  chart.resize(640, 420);
  QCOMPARE(chart.addSeries("fp", {-1, -0.5, 0, 0.5, 1}, {10, 40, 38, 12}), 0);
  QCOMPARE(chart.addSeries("quantized", {-1, -0.5, 0, 0.5, 1}, {0, 50, 50, 0}), 1);
  QTest::ignoreMessage(QtWarningMsg, QRegularExpression("series 'bad' ignored"));
  QCOMPARE(chart.addSeries("bad", {0, 1}, {1, 2}), -1);
  QCustomPlot* plot = chart.plot();
  QCOMPARE(plot->graphCount(), 2);
  QCOMPARE(plot->graph(0)->name(), QString("fp"));
  QCOMPARE(plot->graph(0)->data()->size(), 5);  // 4 bins -> 5 step points
  QCOMPARE(plot->graph(0)->lineStyle(), QCPGraph::lsStepLeft);
  QCOMPARE(plot->yAxis->range().lower, 0.0);
  QCOMPARE(plot->yAxis->range().upper, 50 * 1.05);
  QCOMPARE(plot->xAxis->range().lower, -1.04);
  QCOMPARE(plot->xAxis->range().upper, 1.04);
  QSignalSpy toggled(&chart, &HistogramChart::logScaleChanged);
  chart.setLogScale(true);
  QCOMPARE(toggled.count(), 1);
  QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
  QVERIFY(plot->yAxis->ticker().dynamicCast<QCPAxisTickerLog>());
  QCOMPARE(plot->yAxis->range().lower, 5.0);                  // smallest positive count / 2
  QCOMPARE(plot->yAxis->range().upper, 100.0);                // largest * 2
  QVERIFY(std::isnan(plot->graph(1)->data()->at(0)->value));  // empty bin dropped on log axis
  QVERIFY(chart.toCsv().startsWith("series,bin_lower,bin_upper,count\nfp,-1,-0.5,10\n"));
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  slmq::test::saveScreenshot(&chart, "chart_histogram_log");
}

void ChartsTest::groupedBarsWithErrorsAndReference() {
  GroupedBarChart chart;
  chart.resize(700, 420);
  chart.setGroups({"arc_easy", "piqa", "hellaswag"});
  chart.setValueTitle("accuracy (%)");
  QCOMPARE(chart.addSeries("RTN W8A8", {40, 60, 30}, {2, 2.5, 1}), 0);
  QCOMPARE(chart.addSeries("GPTQ W4A16", {38, kNaN, 29}), 1);
  QTest::ignoreMessage(QtWarningMsg, QRegularExpression("series 'x' has 2 values"));
  QCOMPARE(chart.addSeries("x", {1, 2}), -1);
  chart.setReference("FP", {41, 61, 31});
  QCustomPlot* plot = chart.plot();
  const auto bars = plottablesOf<QCPBars>(plot);
  QCOMPARE(bars.size(), 2);
  QCOMPARE(bars[0]->data()->size(), 3);
  QCOMPARE(bars[1]->data()->size(), 2);  // the missing value leaves a gap
  QCOMPARE(plottablesOf<QCPErrorBars>(plot).size(), 1);
  QCOMPARE(plottablesOf<QCPErrorBars>(plot)[0]->dataCount(), 3);
  const auto graphs = plottablesOf<QCPGraph>(plot);
  QCOMPARE(graphs.size(), 1);
  QCOMPARE(graphs[0]->name(), QString("FP"));
  QCOMPARE(plot->yAxis->range().lower, 0.0);
  QCOMPARE(plot->yAxis->range().upper, 62.5 * 1.08);  // top of the tallest error bar + 8%
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  plot->replot();
  // Tooltip of the first series' bar in group 1 (piqa): exact value, error and the FP value.
  const double x = bars[0]->dataPixelPosition(1).x();
  const double y = plot->yAxis->coordToPixel(30);
  QCOMPARE(chart.toolTipAt(QPointF(x, y)), QString("RTN W8A8 · piqa: 60 ± 2.5\nFP: 61"));
  QCOMPARE(chart.toCsv(), QString("group,RTN W8A8,RTN W8A8 error,GPTQ W4A16,FP\n"
                                  "arc_easy,40,2,38,41\npiqa,60,2.5,,61\nhellaswag,30,1,29,31\n"));
  slmq::test::saveScreenshot(&chart, "chart_grouped_bars");
}

void ChartsTest::paretoFrontHandCase() {
  // (size, accuracy): A(1,50) B(2,60) C(3,55) D(4,70) E(2,40) F(4,70 duplicate)
  const QVector<QPointF> pts{{1, 50}, {2, 60}, {3, 55}, {4, 70}, {2, 40}, {4, 70}};
  QCOMPARE(paretoFront(pts), (QVector<int>{0, 1, 3}));
  // Larger x better (throughput) and larger y better: only D survives.
  QCOMPARE(paretoFront(pts, false, true), (QVector<int>{3}));
  QCOMPARE(paretoFront({{kNaN, 1}, {1, 1}}), (QVector<int>{1}));
}

void ChartsTest::scatterWithFront() {
  ScatterChart chart;
  chart.resize(640, 420);
  chart.setAxisTitles("size (MB)", "accuracy (%)");
  chart.addSeries("RTN", {{9.5, 52}, {5.0, 45}}, {"W8A8", "W4A16"});
  chart.addSeries("GPTQ", {{5.0, 50}}, {"W4A16"});
  chart.setReference("FP", {19, 53});
  QCustomPlot* plot = chart.plot();
  QCOMPARE(plot->graphCount(), 4);  // 2 series, reference, front
  QCOMPARE(chart.paretoPoints(), (QVector<QPointF>{{5.0, 50}, {9.5, 52}, {19, 53}}));
  QCOMPARE(plot->graph(3)->data()->size(), 3);
  QVERIFY(plot->xAxis->range().lower < 5.0 && plot->xAxis->range().upper > 19.0);
  QVERIFY(plot->yAxis->range().lower < 45.0 && plot->yAxis->range().upper > 53.0);
  QVERIFY(chart.toCsv().contains("RTN,W4A16,5,45,0\n"));
  QVERIFY(chart.toCsv().contains("GPTQ,W4A16,5,50,1\n"));
  chart.show();
  QVERIFY(QTest::qWaitForWindowExposed(&chart));
  slmq::test::saveScreenshot(&chart, "chart_scatter");
}

void ChartsTest::exportsEveryFormat() {
  HeatmapChart chart;
  chart.setTitle("Sensitivity");
  fillHeatmap(chart);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QString error;
  const ChartExportOptions options{QSize(900, 600), 300.0};

  const QString png = dir.filePath("h.png");
  QVERIFY2(chart.exportPng(png, options, &error), qPrintable(error));
  const QImage image(png);
  QCOMPARE(image.size(), QSize(900, 600));
  QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 300);
  QVERIFY(slmq::test::distinctColors(image) > 8);

  const QString svg = dir.filePath("h.svg");
  QVERIFY2(chart.exportSvg(svg, options, &error), qPrintable(error));
  QFile svgFile(svg);
  QVERIFY(svgFile.open(QIODevice::ReadOnly));
  QXmlStreamReader xml(&svgFile);
  int elements = 0;
  QString rootName, width, viewBox;
  while (!xml.atEnd()) {
    if (xml.readNext() == QXmlStreamReader::StartElement) {
      if (elements++ == 0) {
        rootName = xml.name().toString();
        width = xml.attributes().value("width").toString();
        viewBox = xml.attributes().value("viewBox").toString();
      }
    }
  }
  QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
  QCOMPARE(rootName, QString("svg"));
  QCOMPARE(width, QString("76.2mm"));         // 900 px at 300 DPI = 3 in
  QCOMPARE(viewBox, QString("0 0 288 192"));  // laid out at 96 DPI
  QVERIFY(elements > 50);

  const QString pdf = dir.filePath("h.pdf");
  QVERIFY2(chart.exportPdf(pdf, options, &error), qPrintable(error));
  QFile pdfFile(pdf);
  QVERIFY(pdfFile.open(QIODevice::ReadOnly));
  const QByteArray bytes = pdfFile.readAll();
  QVERIFY(bytes.startsWith("%PDF"));
  // Page of 900 x 600 px at 300 DPI = 3 x 2 in = 216 x 144 pt.
  const QRegularExpressionMatch box = QRegularExpression(R"(/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\])")
                                          .match(QString::fromLatin1(bytes));
  QVERIFY(box.hasMatch());
  QCOMPARE(box.captured(1).toDouble(), 216.0);
  QCOMPARE(box.captured(2).toDouble(), 144.0);
  // The chart is in it: an empty chart's PDF is much smaller.
  HeatmapChart empty;
  QVERIFY(empty.exportPdf(dir.filePath("e.pdf"), options, &error));
  QVERIFY(bytes.size() > QFileInfo(dir.filePath("e.pdf")).size() + 500);

  const QString csv = dir.filePath("h.csv");
  QVERIFY2(chart.exportCsv(csv, &error), qPrintable(error));
  QFile csvFile(csv);
  QVERIFY(csvFile.open(QIODevice::ReadOnly));
  QCOMPARE(QString::fromUtf8(csvFile.readAll()), chart.toCsv());
}

void ChartsTest::exportReportsBadTargets() {
  HeatmapChart chart;
  fillHeatmap(chart);
  QString error;
  QVERIFY(!chart.exportPng("/nonexistent-dir/x.png", {}, &error));
  QVERIFY2(error.contains("/nonexistent-dir"), qPrintable(error));
  QVERIFY(!chart.exportSvg("/tmp/x.svg", {QSize(0, 100), 96}, &error));
  QVERIFY2(error.contains("size 0x100"), qPrintable(error));
  QVERIFY(!chart.exportPdf("/tmp/x.pdf", {QSize(100, 100), 5000}, &error));
  QVERIFY2(error.contains("DPI"), qPrintable(error));
  QVERIFY(!chart.exportCsv("/nonexistent-dir/x.csv", &error));
  QVERIFY2(error.contains("x.csv"), qPrintable(error));
}

void ChartsTest::contextMenuOffersExports() {
  HistogramChart chart;
  QScopedPointer<QMenu> emptyMenu(chart.createContextMenu(nullptr));
  QStringList texts;
  for (QAction* a : emptyMenu->actions())
    if (!a->isSeparator()) texts << a->text();
  QCOMPARE(texts,
           (QStringList{"&Logarithmic counts", "Export as &PNG...", "Export as &SVG...",
                        "Export as P&DF...", "Export data as &CSV...", "&Copy to clipboard"}));
  QVERIFY(!emptyMenu->actions()[2]->isEnabled());  // nothing to export yet
  chart.addSeries("fp", {0, 1}, {3});
  QScopedPointer<QMenu> menu(chart.createContextMenu(nullptr));
  QVERIFY(menu->actions()[2]->isEnabled());
  menu->actions()[0]->trigger();  // the log toggle
  QVERIFY(chart.logScale());
  chart.copyToClipboard();
  QVERIFY(QApplication::clipboard()->mimeData()->hasImage());
  QCOMPARE(QApplication::clipboard()->text(), chart.toCsv());
}

QTEST_MAIN(ChartsTest)
#include "charts_test.moc"
