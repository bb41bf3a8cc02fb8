// SensitivityView: heatmaps of layer metrics and the unit drill-down; see sensitivity_view.h.
#include "ui/views/sensitivity_view.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ui/charts/chart_setup.h"
#include "ui/charts/grouped_bar_chart.h"
#include "ui/charts/heatmap_chart.h"
#include "ui/charts/histogram_chart.h"
#include "ui/store/store_adapter.h"
#include "ui/views/view_support.h"

namespace slmq::ui {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The sensitivity mode recorded in a run's spec ("only_this" / "all_but_this"), or "".
QString sensitivityMode(const std::string& specJson) {
  const auto j = nlohmann::json::parse(specJson, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  const auto a = j.find("analyses");
  if (a == j.end() || !a->is_object()) return {};
  const auto s = a->find("sensitivity");
  if (s == a->end() || !s->is_object()) return {};
  const auto m = s->find("mode");
  return m != s->end() && m->is_string() ? QString::fromStdString(m->get<std::string>())
                                         : QStringLiteral("only_this");
}

/// Layer metric of a mixed-precision allocation (`slmq allocate`): the bit width chosen per
/// unit, stored with bits = that width. Shown whatever the setting selector says.
const char* const kChosenBits = "chosen_bits";
/// Prefix of the allocation's trail: the measured cost of each unit at every width considered.
const char* const kConsidered = "considered_";

QString metricLabel(const QString& metric) {
  if (metric == QLatin1String("dppl")) return SensitivityView::tr("ΔPPL");
  if (metric == QLatin1String("kld")) return SensitivityView::tr("KL divergence");
  if (metric == QLatin1String("mse")) return SensitivityView::tr("output MSE");
  if (metric == QLatin1String(kChosenBits)) return SensitivityView::tr("bits chosen");
  if (metric.startsWith(QLatin1String(kConsidered)))
    return SensitivityView::tr("%1 considered")
        .arg(metricLabel(metric.mid(static_cast<int>(std::strlen(kConsidered)))));
  return metric;
}
}  // namespace

SensitivityView::SensitivityView(StoreAdapter* store, QWidget* parent)
    : RunSelectionView(store, "sensitivityView", parent) {
  m_runA = addSelector("sensitivityRun", tr("&Run:"), tr("Run whose sensitivity scan is shown"));
  m_runB = addSelector("sensitivityCompareRun", tr("&Beside:"),
                       tr("A second run drawn beside it on the same colour scale"));
  m_bits = addSelector("sensitivityBits", tr("&Setting:"), tr("Bit width of the scan"));
  m_metric = addSelector("sensitivityMetric", tr("&Metric:"), tr("What was measured per unit"));
  m_mode = new QLabel(this);
  m_mode->setObjectName(QStringLiteral("sensitivityMode"));
  selectorBar()->addWidget(m_mode);
  selectorBar()->addStretch(1);

  auto* split = new QSplitter(Qt::Horizontal, this);
  m_heatmap = newChart<HeatmapChart>(split, "sensitivityHeatmap", {},
                                     tr("Select a run with a sensitivity scan"));
  m_heatmapB = newChart<HeatmapChart>(split, "sensitivityHeatmapB");
  m_heatmapB->hide();
  auto* drill = new QWidget(split);
  auto* drillLayout = new QVBoxLayout(drill);
  drillLayout->setContentsMargins(0, 0, 0, 0);
  m_unitTitle = new QLabel(drill);  // its text comes from clearDrillDown / drillDown
  m_unitTitle->setObjectName(QStringLiteral("sensitivityUnitTitle"));
  m_unitTitle->setWordWrap(true);
  drillLayout->addWidget(m_unitTitle);
  m_unitChart =
      newChart<GroupedBarChart>(drill, "sensitivityUnitChart", {}, tr("No unit selected"));
  drillLayout->addWidget(m_unitChart, 1);
  m_unitHistogram = newChart<HistogramChart>(drill, "sensitivityUnitHistogram", {},
                                             tr("No weight distribution recorded for this unit"));
  m_unitHistogram->setAxisTitles(tr("weight value"), tr("count"));
  drillLayout->addWidget(m_unitHistogram, 1);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 3);
  split->setStretchFactor(2, 2);
  viewLayout()->addWidget(split, 1);

  for (QComboBox* c : {m_runA, m_runB})
    connect(c, &QComboBox::currentIndexChanged, this, [this] {
      updateSelectors();
      updateHeatmaps();
    });
  for (QComboBox* c : {m_bits, m_metric})
    connect(c, &QComboBox::currentIndexChanged, this, &SensitivityView::updateHeatmaps);
  connect(m_heatmap, &HeatmapChart::cellClicked, this, &SensitivityView::drillDown);
  connect(m_heatmapB, &HeatmapChart::cellClicked, this, &SensitivityView::drillDown);
  followStoreAndReload();
}

std::optional<qint64> SensitivityView::runA() const {
  const QVariant v = m_runA->currentData();
  return v.isValid() ? std::optional<qint64>(v.toLongLong()) : std::nullopt;
}

std::optional<qint64> SensitivityView::runB() const {
  const QVariant v = m_runB->currentData();
  return v.isValid() && v.toLongLong() > 0 ? std::optional<qint64>(v.toLongLong()) : std::nullopt;
}

void SensitivityView::reload() {
  // Candidates: selected runs with layer metrics (every run with some when none is selected).
  QList<QPair<QString, QVariant>> items;
  for (const RunSummary& s : m_store->runSummaries()) {
    if (!m_selected.isEmpty() && !m_selected.contains(s.run.id)) continue;
    if (m_store->layerMetrics(s.run.id).empty()) continue;
    items.append({QString::fromStdString(s.run.name), QVariant::fromValue<qint64>(s.run.id)});
  }
  refillCombo(m_runA, items);
  items.prepend({tr("(none)"), QVariant::fromValue<qint64>(0)});
  refillCombo(m_runB, items);
  updateSelectors();
  updateHeatmaps();
}

void SensitivityView::updateSelectors() {
  std::set<int> bits;
  std::set<std::string> metrics;
  for (auto id : {runA(), runB()}) {
    if (!id) continue;
    for (const auto& r : m_store->layerMetrics(*id)) {
      bits.insert(r.bits);
      metrics.insert(r.metric);
    }
  }
  QList<QPair<QString, QVariant>> b, m;
  for (auto it = bits.rbegin(); it != bits.rend(); ++it) b.append({tr("W%1").arg(*it), *it});
  for (const std::string& name : metrics) {
    const QString q = QString::fromStdString(name);
    m.append({metricLabel(q), q});
  }
  refillCombo(m_bits, b);
  refillCombo(m_metric, m);
  const auto a = runA();
  const auto run = a ? m_store->run(*a) : std::nullopt;
  const QString mode = run ? sensitivityMode(run->spec_json) : QString();
  m_mode->setText(mode == QLatin1String("all_but_this") ? tr("mode: all but this unit quantized")
                  : mode.isEmpty()                      ? QString()
                                                        : tr("mode: only this unit quantized"));
}

void SensitivityView::updateHeatmaps() {
  const auto a = runA(), b = runB();
  const std::string metric = m_metric->currentData().toString().toStdString();
  const QVariant bitsData = m_bits->currentData();
  if (!a || !bitsData.isValid() || metric.empty()) {
    m_heatmap->clear();
    m_heatmapB->hide();
    m_layers.clear();
    m_modules.clear();
    clearDrillDown();
    return;
  }
  const int bits = bitsData.toInt();
  // An allocation's chosen widths are one map over every width; scans are one map per width.
  const bool allocation = metric == kChosenBits;
  m_bits->setEnabled(!allocation);
  for (HeatmapChart* h : {m_heatmap, m_heatmapB}) h->setIntegerTicks(allocation);
  auto records = [&](qint64 run) {
    return allocation ? m_store->layerMetrics(run, metric)
                      : m_store->layerMetrics(run, metric, bits);
  };
  const auto recordsA = records(*a);
  const auto recordsB = b ? records(*b) : std::vector<core::LayerMetricRecord>{};
  // Rows and columns: the union over both runs so that the two grids line up.
  std::set<int> layers;
  QStringList modules;
  for (const auto* recs : {&recordsA, &recordsB})
    for (const auto& r : *recs) {
      layers.insert(r.layer);
      modules << QString::fromStdString(r.module);
    }
  m_layers = QList<int>(layers.begin(), layers.end());
  m_modules = orderedModules(modules);
  QStringList rowLabels;
  for (int l : m_layers) rowLabels << layerLabel(l);
  auto grid = [&](const std::vector<core::LayerMetricRecord>& recs) {
    QVector<double> v(m_layers.size() * m_modules.size(), kNaN);
    for (const auto& r : recs)
      v[m_layers.indexOf(r.layer) * m_modules.size() +
        m_modules.indexOf(QString::fromStdString(r.module))] = r.value;
    return v;
  };
  const QString label = metricLabel(QString::fromStdString(metric));
  m_heatmap->setValueLabel(label);
  m_heatmap->setTitle(m_runA->currentText());
  m_heatmap->setData(rowLabels, m_modules, grid(recordsA));
  if (b) {
    m_heatmapB->setValueLabel(label);
    m_heatmapB->setTitle(m_runB->currentText());
    m_heatmapB->setData(rowLabels, m_modules, grid(recordsB));
    // Shared colour scale: the union of both finite ranges.
    const auto ra = m_heatmap->dataRange(), rb = m_heatmapB->dataRange();
    double lo = std::fmin(ra.first, rb.first), hi = std::fmax(ra.second, rb.second);
    if (lo < 0.0 && hi > 0.0) hi = std::fmax(-lo, hi), lo = -hi;  // diverging: zero in the middle
    if (std::isfinite(lo) && std::isfinite(hi) && lo < hi) {
      m_heatmap->setValueRange(lo, hi);
      m_heatmapB->setValueRange(lo, hi);
    }
    m_heatmapB->show();
  } else {
    m_heatmap->setAutoValueRange();
    m_heatmapB->hide();
  }
  // Redraw the drill-down of the unit in view for the runs and metric now shown.
  const int row = m_layers.indexOf(m_unitLayer), column = m_modules.indexOf(m_unitModule);
  if (row >= 0 && column >= 0) {
    drillDown(row, column);
  } else {
    clearDrillDown();
  }
}

void SensitivityView::clearDrillDown() {
  m_unitChart->setGroups({});
  m_unitHistogram->clear();
  m_unitTitle->setText(tr("Click a cell to see that unit across settings"));
}

void SensitivityView::drillDown(int row, int column) {
  if (row < 0 || row >= m_layers.size() || column < 0 || column >= m_modules.size()) return;
  const int layer = m_layers[row];
  const QString module = m_modules[column];
  m_unitLayer = layer;
  m_unitModule = module;
  m_heatmap->setSelectedCell(row, column);
  if (m_heatmapB->isVisible()) m_heatmapB->setSelectedCell(row, column);
  std::string metric = m_metric->currentData().toString().toStdString();
  if (metric == kChosenBits) {  // the unit's trail: its cost at every width the allocator weighed
    for (int i = 0; i < m_metric->count(); ++i)
      if (m_metric->itemData(i).toString().startsWith(QLatin1String(kConsidered)))
        metric = m_metric->itemData(i).toString().toStdString();
  }
  m_unitTitle->setText(
      tr("Layer %1, %2: %3 at every setting")
          .arg(layerLabel(layer), module, metricLabel(QString::fromStdString(metric))));
  // Metric of this unit at each bit width, one series per run shown.
  std::set<int> bitsSet;
  std::vector<std::pair<QString, std::map<int, double>>> series;
  for (auto [id, name] :
       {std::pair{runA(), m_runA->currentText()}, std::pair{runB(), m_runB->currentText()}}) {
    if (!id) continue;
    std::map<int, double> byBits;
    for (const auto& r : m_store->layerMetrics(*id, metric))
      if (r.layer == layer && QString::fromStdString(r.module) == module) {
        byBits[r.bits] = r.value;
        bitsSet.insert(r.bits);
      }
    series.push_back({name, byBits});
  }
  QStringList groups;
  QList<int> bitsList(bitsSet.rbegin(), bitsSet.rend());
  for (int b : bitsList) groups << tr("W%1").arg(b);
  m_unitChart->setGroups(groups);
  m_unitChart->setValueTitle(metricLabel(QString::fromStdString(metric)), false);
  for (const auto& [name, byBits] : series) {
    QVector<double> values;
    for (int b : bitsList) values << (byBits.count(b) ? byBits.at(b) : kNaN);
    m_unitChart->addSeries(name, values);
  }
  emit unitSelected(layer, module);
  // Weight distributions of this unit (every stage recorded), from the first run that has them.
  m_unitHistogram->clear();
  for (auto id : {runA(), runB()}) {
    if (!id) continue;
    const auto dists = m_store->distributions(*id, layer, module.toStdString(), "weight");
    for (const auto& d : dists)
      m_unitHistogram->addSeries(QString::fromStdString(d.stage),
                                 QVector<double>(d.bin_edges.begin(), d.bin_edges.end()),
                                 QVector<double>(d.counts.begin(), d.counts.end()));
    if (!dists.empty()) break;
  }
}

}  // namespace slmq::ui
