// QtTest of the three views on a store filled from real computations on smol-ref by the core:
// FP / RTN W8 / RTN W4 perplexities on two texts (core::evaluatePerplexity with
// core::fakeQuantWeightInPlace), a per-unit RTN sensitivity scan by core/analysis
// (core::measureSensitivity: ΔPPL of quantizing one linear layer at a time at 4 and 3 bits, stored
// as SensitivityResult::toLayerMetrics rows) and weight statistics by core/analysis
// (ActivationStatsCollector: histograms, moments and per-channel absmax rows at stages fp and
// quantized). Asserts that the charts hold exactly what the store holds, checks a few of those
// numbers against plain Eigen (element counts, absmax), and saves a screenshot of each view
// inside the main window.
#include <QComboBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <map>
#include <qcustomplot.h>
#include <sstream>

#include "core/common/assets.h"
#include "core/analysis/activation_stats.h"
#include "core/analysis/mixed_precision.h"
#include "core/analysis/sensitivity.h"
#include "core/eval/perplexity.h"
#include "core/eval/tasks/task_eval.h"
#include "core/eval/tasks/task_loaders.h"
#include "core/quant/kernels/pack_model.h"
#include "core/quant/quant_spec.h"
#include "core/model/model.h"
#include "core/quant/quantizer.h"
#include "core/tokenizer/tokenizer.h"
#include "core/store/store.h"
#include "tests/ui/ui_test_support.h"
#include "ui/charts/channel_chart.h"
#include "ui/charts/grouped_bar_chart.h"
#include "ui/charts/heatmap_chart.h"
#include "ui/charts/histogram_chart.h"
#include "ui/charts/scatter_chart.h"
#include "ui/docks/runs_dock.h"
#include "ui/main_window.h"
#include "ui/models/metrics_table_model.h"
#include "ui/views/comparison_view.h"
#include "ui/views/distribution_view.h"
#include "ui/views/sensitivity_view.h"

using namespace slmq;

namespace {
constexpr int kSeqLen = 256;     // perplexity runs: 2 chunks per text
constexpr int kSensSeqLen = 64;  // sensitivity scan: one short chunk per unit (2 cores)
constexpr int kTaskLimit = 20;   // ARC-Easy items scored per run

/// The first `n` tokens of an assets text.
std::vector<int> firstTokens(const core::Model& m, const char* text, std::size_t n) {
  std::ifstream in(core::assetPath(std::string("text/") + text), std::ios::binary);
  std::string s(60000, '\0');
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<std::size_t>(in.gcount()));
  std::vector<int> ids = m.tokenizer()->encode(s, false);
  ids.resize(std::min(ids.size(), n));
  return ids;
}

double ppl(const core::Model& m, const std::vector<int>& tokens, int seqLen = kSeqLen) {
  core::PerplexityOptions o;
  o.seq_len = seqLen;
  return core::evaluatePerplexity(m, tokens, o).perplexity();
}

struct Filled {
  std::int64_t fp = 0, w8 = 0, w4 = 0, sens = 0, sensPtb = 0, alloc = 0;
  std::map<std::pair<int, int>, double> dpplW4Ptb;  // the same scan on PTB text
  core::Allocation allocation;                      // the allocator's choice stored in run `alloc`
  std::map<std::pair<int, int>, double> dpplW4;     // (layer, module index) -> ΔPPL at 4 bits
  double downAbsmaxL3 = 0;                          // max |W| of block 3's down_proj (Eigen)
  long downElements = 0;                            // elements of a down_proj weight
  std::map<std::int64_t, double> storage;           // run -> storage_bytes as stored
};

Filled fillStore(const QString& path) {
  Filled f;
  auto model = core::Model::load(core::assetPath("models/smol-ref"));
  const std::vector<int> wiki = firstTokens(*model, "wikitext2_test.txt", 2 * kSeqLen);
  const std::vector<int> ptb = firstTokens(*model, "ptb_test.txt", 2 * kSeqLen);
  core::Store store = core::Store::open(path.toStdString());
  core::ModelRecord mr;
  mr.name = "smol-ref";
  mr.path = core::assetPath("models/smol-ref").string();
  mr.format = "safetensors";
  const auto modelId = store.upsertModel(mr);
  auto create = [&](const char* name, const char* method, int w, std::optional<std::int64_t> parent,
                    const char* spec) {
    core::RunRecord r;
    r.model_id = modelId;
    r.parent_run_id = parent;
    r.name = name;
    r.method = method;
    r.w_bits = w;
    r.spec_json = spec;
    const auto id = store.createRun(r);
    store.markRunning(id);
    return id;
  };
  const core::ModelWeights original = model->weights();
  auto quantizeAll = [&](const core::WeightQuant& q) {
    for (auto& block : model->weights().blocks)
      for (int m = 0; m < core::kModuleCount; ++m)
        core::fakeQuantWeightInPlace(block.linear(static_cast<core::Module>(m)).weight, q);
  };
  const core::Task arc = core::loadTaskByName("arc_easy");
  core::TaskEvalOptions taskOptions;
  taskOptions.limit = kTaskLimit;
  // Perplexities and ARC-Easy accuracy of the model as it is, and its storage size packed by
  // `spec` (the real int8/int4 kernels' bytes; none for FP).
  auto finish = [&](std::int64_t id, const core::QuantSpec* spec) {
    core::RunResults res;
    res.metrics = {{"ppl", "wikitext2_test", ppl(*model, wiki), std::nullopt},
                   {"ppl", "ptb_test", ppl(*model, ptb), std::nullopt}};
    const core::MetricValue acc =
        core::evaluateTask(*model, arc, taskOptions).metrics.metrics.at("acc");
    res.metrics.push_back({"acc", "arc_easy", acc.value, acc.stderr_});
    core::ModelWeights packed = model->weights();
    if (spec) core::packModel(packed, *spec);
    res.metrics.push_back(
        {"storage_bytes", "", double(core::modelStorageBytes(packed)), std::nullopt});
    f.storage[id] = res.metrics.back().value;
    store.finishRun(id, res);
    model->weights() = original;
  };
  f.fp = create("FP smol-ref", "fp", 16, std::nullopt, R"({"model":"smol-ref"})");
  finish(f.fp, nullptr);
  f.w8 = create("RTN W8 smol-ref", "rtn", 8, f.fp, R"({"model":"smol-ref"})");
  quantizeAll({8, core::WeightGranularity::PerChannel, 128, true, 1.f});
  const core::QuantSpec w8 = core::QuantSpec::parse("w8");
  finish(f.w8, &w8);
  f.w4 = create("RTN W4 g128 smol-ref", "rtn", 4, f.fp, R"({"model":"smol-ref"})");
  quantizeAll({4, core::WeightGranularity::PerGroup, 128, false, 1.f});
  const core::QuantSpec w4 = core::QuantSpec::parse("w4 g128 asym");
  finish(f.w4, &w4);

  // Sensitivity by the core: only this unit quantized (RTN, per group of 128, asymmetric).
  f.sens = create("RTN sensitivity smol-ref", "rtn", 4, f.fp,
                  R"({"model":"smol-ref","analyses":{"sensitivity":{"mode":"only_this"}}})");
  core::SensitivityOptions so;
  so.settings = core::parseSensitivitySettings("w4,w3");
  so.seq_len = kSensSeqLen;
  so.chunks = 1;
  const core::SensitivityResult scan = core::measureSensitivity(*model, wiki, so);
  // (layer, module index) -> the scan's ΔPPL at its first setting (W4).
  auto w4Grid = [&](const core::SensitivityResult& r) {
    std::map<std::pair<int, int>, double> grid;
    for (std::size_t layer = 0; layer < model->weights().blocks.size(); ++layer)
      for (int m = 0; m < core::kModuleCount; ++m)
        grid[{static_cast<int>(layer), m}] =
            r.value(static_cast<int>(layer), static_cast<core::Module>(m), 0);
    return grid;
  };
  core::RunResults res;
  res.layer_metrics = scan.toLayerMetrics();
  f.dpplW4 = w4Grid(scan);
  // Weight statistics by the core at stages fp and quantized (RTN W4 g128) for q and down.
  core::ActivationStatsOptions ao;
  ao.histogram_bins = 48;
  core::ActivationStatsCollector fpStats(ao), qStats(ao);
  for (std::size_t layer = 0; layer < model->weights().blocks.size(); ++layer)
    for (core::Module m : {core::Module::Q, core::Module::Down}) {
      const std::string name = core::storeModuleName(m);
      const core::MatrixRM& w = model->weights().blocks[layer].linear(m).weight;
      fpStats.add(static_cast<int>(layer), name, "weight", w);
      qStats.add(static_cast<int>(layer), name, "weight",
                 core::fakeQuantWeight(w, {4, core::WeightGranularity::PerGroup, 128, false, 1.f}));
      if (layer == 3 && m == core::Module::Down) {
        f.downAbsmaxL3 = w.cwiseAbs().maxCoeff();
        f.downElements = static_cast<long>(w.size());
      }
    }
  res.distributions = fpStats.distributionRecords("fp");
  for (auto& d : qStats.distributionRecords("quantized")) res.distributions.push_back(d);
  res.channel_stats = fpStats.channelStatRecords();
  store.finishRun(f.sens, res);

  // The same scan measured on PTB text, to be drawn beside the first.
  f.sensPtb = create("RTN sensitivity smol-ref (ptb)", "rtn", 4, f.fp,
                     R"({"model":"smol-ref","analyses":{"sensitivity":{"mode":"only_this"}}})");
  const core::SensitivityResult scanPtb = core::measureSensitivity(*model, ptb, so);
  core::RunResults pr;
  pr.layer_metrics = scanPtb.toLayerMetrics();
  f.dpplW4Ptb = w4Grid(scanPtb);
  store.finishRun(f.sensPtb, pr);

  // A mixed-precision allocation at 3.5 bits from that scan (W3/W4), stored as `slmq allocate`
  // stores it.
  core::AllocationOptions alloc;
  alloc.avg_bits = 3.5;
  alloc.bits = {3, 4};
  f.allocation = core::allocateBits(core::allocationUnits(*model, scan, alloc.bits), alloc);
  f.alloc = create("allocate 3.5 bits smol-ref", "allocate", 4, f.fp, R"({"model":"smol-ref"})");
  core::RunResults ar;
  ar.layer_metrics = f.allocation.toLayerMetrics("dppl");
  store.finishRun(f.alloc, ar);
  return f;
}
}  // namespace

class ViewsModelTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase();
  void sensitivityView();
  void distributionView();
  void comparisonView();

 private:
  QTemporaryDir m_dir;
  Filled m_filled;
  std::unique_ptr<ui::MainWindow> m_window;
};

void ViewsModelTest::initTestCase() {
  QStandardPaths::setTestModeEnabled(true);
  QVERIFY(m_dir.isValid());
  const QString path = m_dir.filePath("ws.sqlite");
  QElapsedTimer t;
  t.start();
  m_filled = fillStore(path);
  qInfo("store filled from smol-ref in %.1f s", t.elapsed() / 1000.0);
  m_window = std::make_unique<ui::MainWindow>();
  QVERIFY(m_window->openWorkspace(path));
  m_window->resize(1400, 900);
  m_window->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void ViewsModelTest::sensitivityView() {
  ui::SensitivityView* view = m_window->sensitivityView();
  m_window->viewTabs()->setCurrentWidget(view);
  m_window->runsDock()->selectRuns({m_filled.sens});
  ui::HeatmapChart* heat = view->heatmap();
  QCOMPARE(heat->rowCount(), 8);     // smol-ref's 8 blocks
  QCOMPARE(heat->columnCount(), 7);  // q k v o gate up down
  auto* map = qobject_cast<QCPColorMap*>(heat->plot()->plottable(0));
  QVERIFY(map && !map->interpolate());
  // Default setting is the widest (W4): every cell is the core's ΔPPL.
  for (const auto& [unit, d] : m_filled.dpplW4) {
    QCOMPARE(heat->value(unit.first, unit.second), d);
    QCOMPARE(map->data()->cell(unit.second, unit.first), d);
  }
  // ΔPPL of single units is noise of both signs at this budget: the colour scale is then the
  // diverging one, symmetric about zero (white = no change), so noise does not read as damage.
  double lo = 0, hi = 0;
  for (const auto& [unit, d] : m_filled.dpplW4) lo = std::min(lo, d), hi = std::max(hi, d);
  QCOMPARE(heat->isDiverging(), lo < 0 && hi > 0);
  if (heat->isDiverging())
    QCOMPARE(heat->valueRange(), qMakePair(-std::max(-lo, hi), std::max(-lo, hi)));
  QCOMPARE(heat->plot()->yAxis->range().upper, 7.5);
  QCOMPARE(heat->plot()->xAxis->range().upper, 6.5);
  // Drill-down of block 2's down_proj: its ΔPPL at W4 and W3, and its weight histograms.
  view->drillDown(2, 6);
  ui::GroupedBarChart* unit = view->unitChart();
  QCOMPARE(unit->groups(), (QStringList{"W4", "W3"}));
  QCOMPARE(unit->value(0, 0), (m_filled.dpplW4.at({2, 6})));
  QCOMPARE(view->unitHistogram()->seriesCount(), 2);  // fp and quantized
  view->drillDown(2, 1);                              // k_proj has no recorded distribution
  QCOMPARE(view->unitHistogram()->seriesCount(), 0);
  view->drillDown(2, 6);
  QTest::qWait(50);
  test::saveScreenshot(m_window.get(), "view_sensitivity");

  // Two scans side by side (wikitext-2 and PTB) on one colour scale: the union of both ranges,
  // symmetric about zero when it straddles it; each grid holds its own run's values.
  m_window->runsDock()->selectRuns({m_filled.sens, m_filled.sensPtb});
  auto* runBox = view->findChild<QComboBox*>("sensitivityRun");
  auto* besideBox = view->findChild<QComboBox*>("sensitivityCompareRun");
  QVERIFY(runBox && besideBox);
  runBox->setCurrentIndex(runBox->findData(QVariant::fromValue<qint64>(m_filled.sens)));
  besideBox->setCurrentIndex(besideBox->findData(QVariant::fromValue<qint64>(m_filled.sensPtb)));
  ui::HeatmapChart* beside = view->heatmapBeside();
  QVERIFY(beside->isVisible());
  double lo2 = 0, hi2 = 0;
  for (const auto* grid : {&m_filled.dpplW4, &m_filled.dpplW4Ptb})
    for (const auto& [unit, d] : *grid) lo2 = std::min(lo2, d), hi2 = std::max(hi2, d);
  for (const auto& [unit, d] : m_filled.dpplW4Ptb)
    QCOMPARE(beside->value(unit.first, unit.second), d);
  QCOMPARE(heat->valueRange(), beside->valueRange());
  // The drill-down follows: the unit in view now has one series per run.
  QCOMPARE(view->unitChart()->seriesCount(), 2);
  QCOMPARE(view->unitChart()->value(1, 0), (m_filled.dpplW4Ptb.at({2, 6})));
  if (lo2 < 0 && hi2 > 0) {
    const double m = std::max(-lo2, hi2);
    QCOMPARE(heat->valueRange(), qMakePair(-m, m));
    QVERIFY(heat->isDiverging() && beside->isDiverging());
  }
  QTest::qWait(50);
  test::saveScreenshot(m_window.get(), "view_sensitivity_beside");
  besideBox->setCurrentIndex(0);  // (none)
  QVERIFY(!beside->isVisible());

  // The allocation: one map of the chosen widths (the setting selector does not apply), and
  // each unit's drill-down is the trail — its ΔPPL at every width the allocator weighed.
  m_window->runsDock()->selectRuns({m_filled.alloc});
  auto* metricBox = view->findChild<QComboBox*>("sensitivityMetric");
  auto* bitsBox = view->findChild<QComboBox*>("sensitivityBits");
  QVERIFY(metricBox && bitsBox);
  metricBox->setCurrentIndex(metricBox->findData(QStringLiteral("chosen_bits")));
  QCOMPARE(metricBox->currentText(), QString("bits chosen"));
  QVERIFY(!bitsBox->isEnabled());
  heat->plot()->replot();
  const QVector<double> ticks = heat->colorScaleTicks();  // whole bit widths only
  QVERIFY(!ticks.isEmpty());
  for (const double tick : ticks) QCOMPARE(tick, std::round(tick));
  int w3 = 0;
  for (const core::AllocationUnit& u : m_filled.allocation.units) {
    QCOMPARE(heat->value(u.block, static_cast<int>(u.module)), double(u.chosen_bits));
    w3 += u.chosen_bits == 3;
  }
  QVERIFY(w3 > 0 && w3 < static_cast<int>(m_filled.allocation.units.size()));  // a real mix
  view->drillDown(2, 6);
  QCOMPARE(unit->groups(), (QStringList{"W4", "W3"}));
  QCOMPARE(unit->value(0, 0), (m_filled.dpplW4.at({2, 6})));
  QTest::qWait(50);
  test::saveScreenshot(m_window.get(), "view_sensitivity_allocation");
  metricBox->setCurrentIndex(metricBox->findData(QStringLiteral("considered_dppl")));
  QVERIFY(bitsBox->isEnabled());
}

void ViewsModelTest::distributionView() {
  ui::DistributionView* view = m_window->distributionView();
  m_window->viewTabs()->setCurrentWidget(view);
  m_window->runsDock()->selectRuns({m_filled.sens});
  view->showUnit(3, "down_proj");
  QCOMPARE(view->histogram()->seriesCount(), 2);
  QCOMPARE(view->histogram()->plot()->graph(0)->data()->size(), 49);  // 48 bins
  QCOMPARE(view->channelChart()->plot()->plottableCount(), 2);
  // smol-ref's FFN width: down_proj has 768 input channels.
  const auto* normal = qobject_cast<QCPBars*>(view->channelChart()->plot()->plottable(0));
  const auto* flagged = qobject_cast<QCPBars*>(view->channelChart()->plot()->plottable(1));
  QCOMPARE(normal->data()->size() + flagged->data()->size(), 768);
  QCOMPARE(view->absmaxByLayer()->groups().size(), 8);
  QCOMPARE(view->absmaxByLayer()->seriesCount(), 2);
  QCOMPARE(view->kurtosisByLayer()->seriesCount(), 2);
  // The core's absmax of block 3's fp weight is max |W| (plain Eigen), and its histogram counts
  // every element once.
  const int fpSeries = view->absmaxByLayer()->seriesName(0) == "fp" ? 0 : 1;
  QCOMPARE(view->absmaxByLayer()->value(fpSeries, 3), m_filled.downAbsmaxL3);
  double counted = 0;  // the graph repeats the last count to close its step: skip that point
  const auto* bins = view->histogram()->plot()->graph(0)->data().data();
  for (auto it = bins->constBegin(); it + 1 != bins->constEnd(); ++it) counted += it->value;
  QCOMPARE(counted, static_cast<double>(m_filled.downElements));
  QTest::qWait(50);
  test::saveScreenshot(m_window.get(), "view_distributions");
}

void ViewsModelTest::comparisonView() {
  ui::ComparisonView* view = m_window->comparisonView();
  m_window->viewTabs()->setCurrentWidget(view);
  m_window->runsDock()->selectRuns({m_filled.fp, m_filled.w8, m_filled.w4});
  QCOMPARE(view->referenceRun(), std::optional<qint64>(m_filled.fp));
  ui::GroupedBarChart* p = view->perplexityChart();
  QCOMPARE(p->groups(), (QStringList{"ptb_test", "wikitext2_test"}));
  QCOMPARE(p->seriesCount(), 2);  // W8 and W4; FP is the reference line
  QCOMPARE(p->referenceValues().size(), 2);
  // Every bar and the reference are the perplexities the core measured, as stored.
  core::Store store =
      core::Store::open((m_dir.filePath("ws.sqlite")).toStdString(), {.read_only = true});
  auto stored = [&](std::int64_t run, const QString& text) {
    for (const auto& m : store.metrics(run))
      if (m.name == "ppl" && QString::fromStdString(m.dataset) == text) return m.value;
    return std::numeric_limits<double>::quiet_NaN();
  };
  const int w8 = p->seriesName(0).contains("W8") ? 0 : 1;
  // By default (an FP reference is selected) the bars are the change against FP in percent,
  // 100·(ppl / ppl_FP − 1) of the stored perplexities, and the reference line is at 0.
  QVERIFY(view->perplexityRelative());
  for (int g = 0; g < 2; ++g) {
    const double fp = stored(m_filled.fp, p->groups()[g]);
    QCOMPARE(p->value(w8, g), 100.0 * (stored(m_filled.w8, p->groups()[g]) / fp - 1.0));
    QCOMPARE(p->value(1 - w8, g), 100.0 * (stored(m_filled.w4, p->groups()[g]) / fp - 1.0));
    QCOMPARE(p->referenceValues()[g], 0.0);
  }
  // The y range holds every bar and the zero line (a change can be negative).
  const QCPRange yRange = p->plot()->yAxis->range();
  for (int g = 0; g < 2; ++g)
    for (int s = 0; s < 2; ++s) QVERIFY(yRange.contains(p->value(s, g)));
  QVERIFY(yRange.contains(0.0));
  QTest::qWait(50);
  test::saveScreenshot(m_window.get(), "view_comparison");
  auto* mode = view->findChild<QComboBox*>("comparisonPerplexityMode");
  QVERIFY(mode);
  mode->setCurrentIndex(mode->findData(QStringLiteral("absolute")));
  QVERIFY(!view->perplexityRelative());
  for (int g = 0; g < 2; ++g) {
    QCOMPARE(p->value(w8, g), stored(m_filled.w8, p->groups()[g]));
    QCOMPARE(p->value(1 - w8, g), stored(m_filled.w4, p->groups()[g]));
    QCOMPARE(p->referenceValues()[g], stored(m_filled.fp, p->groups()[g]));
    qInfo("%s: FP %.3f, RTN W8 %.3f, RTN W4 g128 %.3f", qPrintable(p->groups()[g]),
          p->referenceValues()[g], p->value(w8, g), p->value(1 - w8, g));
  }
  QCOMPARE(view->metricsModel()->rowCount(), 12);  // 3 runs x (2 texts, arc_easy, size)
  // Task accuracy: ARC-Easy acc of each run as the core scored it, FP as the reference.
  ui::GroupedBarChart* acc = view->accuracyChart();
  QVERIFY(!acc->isHidden());
  QCOMPARE(acc->groups(), QStringList{"arc_easy"});
  auto storedAcc = [&](std::int64_t run) {
    for (const auto& m : store.metrics(run))
      if (m.name == "acc" && m.dataset == "arc_easy") return m.value;
    return std::numeric_limits<double>::quiet_NaN();
  };
  const int w8acc = acc->seriesName(0).contains("W8") ? 0 : 1;
  QCOMPARE(acc->value(w8acc, 0), storedAcc(m_filled.w8));
  QCOMPARE(acc->value(1 - w8acc, 0), storedAcc(m_filled.w4));
  QCOMPARE(acc->referenceValues()[0], storedAcc(m_filled.fp));
  // The trade-off scatter defaults to the paper's accuracy-versus-size: x = stored size, y =
  // ARC-Easy accuracy, one point per compared run and the FP reference.
  ui::ScatterChart* s = view->scatterChart();
  QVERIFY(s->seriesCount() >= 1);
  QCOMPARE(view->findChild<QComboBox*>("comparisonScatterX")->currentText(),
           QString("storage (MiB)"));
  QCOMPARE(view->findChild<QComboBox*>("comparisonScatterY")->currentText(),
           QString("acc (arc_easy)"));
  // Real packed sizes: int4 < int8 < float32, and the scatter's x axis holds all three.
  const double sFp = m_filled.storage.at(m_filled.fp), s8 = m_filled.storage.at(m_filled.w8),
               s4 = m_filled.storage.at(m_filled.w4);
  QVERIFY(s4 < s8 && s8 < sFp);
  const QCPRange xr = s->plot()->xAxis->range();  // drawn in MiB
  const double mib = 1024.0 * 1024.0;
  QVERIFY(xr.contains(s4 / mib) && xr.contains(s8 / mib) && xr.contains(sFp / mib));
  QVERIFY(xr.upper < 2 * sFp / mib);
  QTest::qWait(50);
  test::saveScreenshot(m_window.get(), "view_comparison_absolute");
}

QTEST_MAIN(ViewsModelTest)
#include "views_model_test.moc"
