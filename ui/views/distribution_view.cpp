// DistributionView: histograms, channel absmax and the per-layer overview; see
// distribution_view.h.
#include "ui/views/distribution_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <map>
#include <set>

#include "ui/charts/channel_chart.h"
#include "ui/charts/chart_setup.h"
#include "ui/charts/grouped_bar_chart.h"
#include "ui/charts/histogram_chart.h"
#include "ui/store/store_adapter.h"
#include "ui/views/view_support.h"

namespace slmq::ui {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

DistributionView::DistributionView(StoreAdapter* store, QWidget* parent)
    : RunSelectionView(store, "distributionView", parent) {
  m_run = addSelector("distributionRun", tr("&Run:"));
  m_layer = addSelector("distributionLayer", tr("&Block:"));
  m_module = addSelector("distributionModule", tr("M&odule:"));
  m_tensor = addSelector("distributionTensor", tr("&Tensor:"));
  m_log = new QCheckBox(tr("&Log counts"), this);
  m_log->setObjectName(QStringLiteral("distributionLog"));
  selectorBar()->addWidget(m_log);
  selectorBar()->addStretch(1);

  auto* grid = new QGridLayout;
  m_histogram = newChart<HistogramChart>(this, "distributionHistogram", tr("Distribution by stage"),
                                         tr("Select a run with statistics"));
  m_channels = newChart<ChannelChart>(this, "distributionChannels", tr("Per-channel absmax"),
                                      tr("No channel statistics for this unit"));
  m_absmax = newChart<GroupedBarChart>(this, "distributionAbsmaxByLayer", tr("Absmax along depth"));
  m_kurtosis = newChart<GroupedBarChart>(this, "distributionKurtosisByLayer",
                                         tr("Excess kurtosis along depth"));
  grid->addWidget(m_histogram, 0, 0);
  grid->addWidget(m_channels, 0, 1);
  grid->addWidget(m_absmax, 1, 0);
  grid->addWidget(m_kurtosis, 1, 1);
  viewLayout()->addLayout(grid, 1);

  connect(m_run, &QComboBox::currentIndexChanged, this, [this] {
    updateUnitChoices();
    updateCharts();
  });
  for (QComboBox* c : {m_layer, m_module, m_tensor})
    connect(c, &QComboBox::currentIndexChanged, this, &DistributionView::updateCharts);
  connect(m_log, &QCheckBox::toggled, m_histogram, &HistogramChart::setLogScale);
  connect(m_histogram, &HistogramChart::logScaleChanged, m_log, &QCheckBox::setChecked);
  followStoreAndReload();
}

void DistributionView::showUnit(int layer, const QString& module) {
  const int l = m_layer->findData(layer), m = m_module->findData(module);
  if (l >= 0) m_layer->setCurrentIndex(l);
  if (m >= 0) m_module->setCurrentIndex(m);
}

void DistributionView::reload() {
  QList<QPair<QString, QVariant>> items;
  for (const RunSummary& s : m_store->runSummaries()) {
    if (!m_selected.isEmpty() && !m_selected.contains(s.run.id)) continue;
    if (m_store->distributions(s.run.id, std::nullopt).empty()) continue;
    items.append({QString::fromStdString(s.run.name), QVariant::fromValue<qint64>(s.run.id)});
  }
  refillCombo(m_run, items);
  updateUnitChoices();
  updateCharts();
}

void DistributionView::updateUnitChoices() {
  std::set<int> layers;
  QStringList modules;
  std::set<std::string> tensors;
  if (m_run->currentData().isValid())
    for (const auto& d : m_store->distributions(m_run->currentData().toLongLong(), std::nullopt)) {
      layers.insert(d.layer);
      modules << QString::fromStdString(d.module);
      tensors.insert(d.tensor);
    }
  QList<QPair<QString, QVariant>> l, m, t;
  for (int layer : layers) l.append({layerLabel(layer), layer});
  for (const QString& mod : orderedModules(modules)) m.append({mod, mod});
  for (const std::string& ten : tensors)
    t.append({QString::fromStdString(ten), QString::fromStdString(ten)});
  refillCombo(m_layer, l);
  refillCombo(m_module, m);
  refillCombo(m_tensor, t);
}

void DistributionView::updateCharts() {
  m_histogram->clear();
  m_channels->clear();
  m_absmax->setGroups({});
  m_kurtosis->setGroups({});
  if (!m_run->currentData().isValid() || !m_layer->currentData().isValid() ||
      !m_module->currentData().isValid() || !m_tensor->currentData().isValid())
    return;
  const qint64 run = m_run->currentData().toLongLong();
  const int layer = m_layer->currentData().toInt();
  const std::string module = m_module->currentData().toString().toStdString();
  const std::string tensor = m_tensor->currentData().toString().toStdString();
  const QString unit =
      tr("block %1 %2 %3")
          .arg(layerLabel(layer), QString::fromStdString(module), QString::fromStdString(tensor));

  m_histogram->setTitle(tr("Distribution of %1").arg(unit));
  m_histogram->setAxisTitles(QString::fromStdString(tensor) + tr(" value"), tr("count"));
  for (const auto& d : m_store->distributions(run, layer, module, tensor))
    m_histogram->addSeries(QString::fromStdString(d.stage),
                           QVector<double>(d.bin_edges.begin(), d.bin_edges.end()),
                           QVector<double>(d.counts.begin(), d.counts.end()));

  m_channels->setTitle(tr("Per-channel absmax of %1").arg(unit));
  for (const auto& c : m_store->channelStats(run, layer, module, tensor))
    if (c.stat == "absmax") {
      m_channels->setValues(QVector<double>(c.values.begin(), c.values.end()), tr("absmax"));
      break;
    }

  // Along depth: one series per stage, one group per block, for this module and tensor.
  std::set<int> layers;
  std::map<std::string, std::map<int, std::pair<double, double>>> byStage;  // absmax, kurtosis
  for (const auto& d : m_store->distributions(run, std::nullopt, module, tensor)) {
    layers.insert(d.layer);
    byStage[d.stage][d.layer] = {d.absmax, d.kurtosis};
  }
  QStringList groups;
  for (int l : layers) groups << layerLabel(l);
  m_absmax->setGroups(groups);
  m_kurtosis->setGroups(groups);
  m_absmax->setValueTitle(tr("absmax"));
  m_kurtosis->setValueTitle(tr("excess kurtosis"), false);
  for (const auto& [stage, perLayer] : byStage) {
    QVector<double> a, k;
    for (int l : layers) {
      const auto it = perLayer.find(l);
      a << (it != perLayer.end() ? it->second.first : kNaN);
      k << (it != perLayer.end() ? it->second.second : kNaN);
    }
    m_absmax->addSeries(QString::fromStdString(stage), a);
    m_kurtosis->addSeries(QString::fromStdString(stage), k);
  }
  m_absmax->setTitle(tr("Absmax of %1 %2 along depth")
                         .arg(QString::fromStdString(module), QString::fromStdString(tensor)));
  m_kurtosis->setTitle(tr("Excess kurtosis of %1 %2 along depth")
                           .arg(QString::fromStdString(module), QString::fromStdString(tensor)));
}

}  // namespace slmq::ui
