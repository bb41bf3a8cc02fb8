// ComparisonView: selected runs against their FP parent; see comparison_view.h.
#include "ui/views/comparison_view.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>
#include <set>

#include "ui/charts/chart_setup.h"
#include "ui/charts/grouped_bar_chart.h"
#include "ui/charts/scatter_chart.h"
#include "ui/models/metric_units.h"
#include "ui/models/metrics_table_model.h"
#include "ui/models/run_list_model.h"
#include "ui/store/store_adapter.h"
#include "ui/views/view_support.h"

namespace slmq::ui {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isTaskMetric(const std::string& n) {
  return n == "acc" || n == "acc_norm";
}
bool isScore(const std::string& n) {
  return n.rfind("slmq_", 0) == 0;
}
bool isEfficiency(const std::string& n) {
  return !isTaskMetric(n) && !isScore(n) && n != "ppl";
}

QString keyLabel(const std::pair<std::string, std::string>& k) {
  return k.second.empty() ? metricDisplayName(k.first)
                          : QStringLiteral("%1 (%2)").arg(metricDisplayName(k.first),
                                                          QString::fromStdString(k.second));
}
}  // namespace

ComparisonView::ComparisonView(StoreAdapter* store, QWidget* parent)
    : RunSelectionView(store, "comparisonView", parent) {
  m_accMetric = addSelector("comparisonAccuracyMetric", tr("&Accuracy:"));
  m_accMetric->addItem(tr("acc"), QStringLiteral("acc"));
  m_accMetric->addItem(tr("acc_norm"), QStringLiteral("acc_norm"));
  m_pplMode = addSelector("comparisonPerplexityMode", tr("&Perplexity:"),
                          tr("Change against the FP reference shows differences of a few percent "
                             "that bars of absolute perplexity hide"));
  m_pplMode->addItem(tr("change vs FP (%)"), QStringLiteral("relative"));
  m_pplMode->addItem(tr("absolute"), QStringLiteral("absolute"));
  m_effMetric = addSelector("comparisonEfficiencyMetric", tr("&Efficiency:"));
  m_scatterX = addSelector("comparisonScatterX", tr("Scatter &x:"));
  m_scatterY = addSelector("comparisonScatterY", tr("&y:"));
  m_referenceLabel = new QLabel(this);
  m_referenceLabel->setObjectName(QStringLiteral("comparisonReference"));
  selectorBar()->addWidget(m_referenceLabel);
  selectorBar()->addStretch(1);

  auto* split = new QSplitter(Qt::Vertical, this);
  auto* scroll = new QScrollArea(split);
  scroll->setWidgetResizable(true);
  auto* charts = new QWidget(scroll);
  auto* grid = new QGridLayout(charts);
  auto chart = [&](const char* name, const QString& title, int row, int col) {
    auto* c = newChart<GroupedBarChart>(charts, name, title, tr("Select runs with results"));
    c->setMinimumHeight(260);
    grid->addWidget(c, row, col);
    return c;
  };
  m_accuracy = chart("comparisonAccuracy", tr("Task accuracy"), 0, 0);
  m_perplexity = chart("comparisonPerplexity", tr("Perplexity"), 0, 1);
  m_efficiency = chart("comparisonEfficiency", tr("Efficiency"), 1, 0);
  m_scores = chart("comparisonScores", tr("SLMQuant scores (x100, higher is better)"), 1, 1);
  m_scores->setToolTip(
      tr("SLMQcons uses RTN on the same model as its reference: the paper's formula for the "
         "consumption track was not available."));
  m_scatter = newChart<ScatterChart>(charts, "comparisonScatter", tr("Trade-off"),
                                     tr("Choose two metrics"));
  m_scatter->setMinimumHeight(300);
  grid->addWidget(m_scatter, 2, 0, 1, 2);
  scroll->setWidget(charts);
  m_table = new MetricsTableModel(this);
  m_tableView = new QTableView(split);
  m_tableView->setObjectName(QStringLiteral("comparisonTable"));
  m_tableView->setModel(m_table);
  m_tableView->setSortingEnabled(false);
  m_tableView->verticalHeader()->hide();
  m_tableView->horizontalHeader()->setStretchLastSection(true);
  m_tableView->setAlternatingRowColors(true);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  viewLayout()->addWidget(split, 1);

  for (QComboBox* c : {m_accMetric, m_pplMode, m_effMetric, m_scatterX, m_scatterY})
    connect(c, &QComboBox::currentIndexChanged, this, &ComparisonView::updateCharts);
  // Once the user picks an axis, reloads keep it instead of the default trade-off.
  for (QComboBox* c : {m_scatterX, m_scatterY})
    connect(c, &QComboBox::activated, this, [this] { m_scatterChosen = true; });
  followStoreAndReload();
}

void ComparisonView::reload() {
  m_runs.clear();
  m_ref.reset();
  m_reference.reset();
  auto load = [&](qint64 id) -> std::optional<RunData> {
    auto run = m_store->run(id);
    if (!run) return std::nullopt;
    RunData d{*run, {}};
    for (const auto& m : m_store->metrics(id)) d.metrics[{m.name, m.dataset}] = m;
    return d;
  };
  // The reference: an FP run among the selection, else the first selected run's parent.
  std::vector<RunData> loaded;
  for (qint64 id : m_selected)
    if (auto d = load(id)) loaded.push_back(std::move(*d));
  for (const RunData& d : loaded)
    if (!m_ref && d.run.method == "fp") m_ref = d;
  for (const RunData& d : loaded)
    if (!m_ref && d.run.parent_run_id) m_ref = load(*d.run.parent_run_id);
  for (RunData& d : loaded)
    if (!m_ref || d.run.id != m_ref->run.id) m_runs.push_back(std::move(d));
  if (m_ref) m_reference = m_ref->run.id;
  m_referenceLabel->setText(m_ref ? tr("reference: %1").arg(QString::fromStdString(m_ref->run.name))
                                  : tr("no FP reference among the selection"));

  std::set<MetricKey> keys;
  std::set<std::string> eff;
  for (const RunData& d : m_runs)
    for (const auto& [k, m] : d.metrics) {
      keys.insert(k);
      if (isEfficiency(k.first)) eff.insert(k.first);
    }
  if (m_ref)
    for (const auto& [k, m] : m_ref->metrics) keys.insert(k);
  QList<QPair<QString, QVariant>> effItems, keyItems;
  for (const std::string& n : eff)
    effItems.append({QString::fromStdString(n), QString::fromStdString(n)});
  for (const MetricKey& k : keys)
    keyItems.append({keyLabel(k), QStringList{QString::fromStdString(k.first),
                                              QString::fromStdString(k.second)}});
  refillCombo(m_effMetric, effItems);
  refillCombo(m_scatterX, keyItems);
  refillCombo(m_scatterY, keyItems);
  if (!m_scatterChosen) chooseScatterAxes(keys);
  if (m_scatterY->currentIndex() == m_scatterX->currentIndex() && m_scatterY->count() > 1) {
    QSignalBlocker block(m_scatterY);
    m_scatterY->setCurrentIndex(m_scatterX->currentIndex() == 0 ? 1 : 0);
  }
  QVector<std::int64_t> ids;
  std::vector<std::int64_t> tableIds;
  for (const RunData& d : m_runs) tableIds.push_back(d.run.id);
  if (m_ref) tableIds.insert(tableIds.begin(), m_ref->run.id);
  m_table->load(*m_store, tableIds);
  m_tableView->resizeColumnsToContents();
  updateCharts();
}

bool ComparisonView::perplexityRelative() const {
  return m_ref && m_pplMode->currentData().toString() == QLatin1String("relative");
}

void ComparisonView::chooseScatterAxes(const std::set<MetricKey>& keys) {
  // The paper's trade-off: accuracy against size (else speed); perplexity where no task ran.
  auto first = [&](std::initializer_list<const char*> names) -> std::optional<MetricKey> {
    for (const char* n : names)
      for (const MetricKey& k : keys)
        if (k.first == n) return k;
    return std::nullopt;
  };
  auto select = [](QComboBox* combo, const std::optional<MetricKey>& k) {
    if (!k) return;
    const int i = combo->findData(
        QStringList{QString::fromStdString(k->first), QString::fromStdString(k->second)});
    QSignalBlocker block(combo);
    if (i >= 0) combo->setCurrentIndex(i);
  };
  select(m_scatterX, first({"storage_bytes", "decode_tokens_per_s", "prefill_tokens_per_s"}));
  select(m_scatterY, first({"acc", "acc_norm", "ppl"}));
}

void ComparisonView::fillBars(GroupedBarChart* chart, const std::string& name, const QString& title,
                              bool withErrors, bool relative) {
  std::set<std::string> datasets;
  for (const RunData& d : m_runs)
    for (const auto& [k, m] : d.metrics)
      if (k.first == name) datasets.insert(k.second);
  QStringList groups;
  for (const std::string& ds : datasets)
    groups << (ds.empty() ? metricDisplayName(name) : QString::fromStdString(ds));
  chart->setGroups(groups);
  chart->setValueTitle(title, !relative);  // a change can be negative: no zero baseline forced
  if (groups.isEmpty()) return;
  // The reference's value of each dataset (NaN where it has none).
  QVector<double> ref;
  for (const std::string& ds : datasets) {
    double r = kNaN;
    if (m_ref)
      if (const auto it = m_ref->metrics.find({name, ds}); it != m_ref->metrics.end())
        r = it->second.value * metricDisplayScale(name);
    ref << r;
  }
  for (const RunData& d : m_runs) {
    QVector<double> values, errors;
    for (const std::string& ds : datasets) {
      const auto it = d.metrics.find({name, ds});
      const double v = it != d.metrics.end() ? it->second.value * metricDisplayScale(name) : kNaN;
      // Relative: 100·(v / reference − 1), NaN without a reference value.
      values << (relative ? 100.0 * (v / ref[values.size()] - 1.0) : v);
      errors << (it != d.metrics.end() && it->second.stderr_value
                     ? *it->second.stderr_value * metricDisplayScale(name)
                     : kNaN);
    }
    chart->addSeries(QString::fromStdString(d.run.name), values,
                     withErrors ? errors : QVector<double>{});
  }
  if (m_ref)
    chart->setReference(QString::fromStdString(m_ref->run.name),
                        relative ? QVector<double>(ref.size(), 0.0) : ref);
}

void ComparisonView::updateCharts() {
  fillBars(m_accuracy, m_accMetric->currentData().toString().toStdString(), tr("accuracy"), true);
  if (perplexityRelative())
    fillBars(m_perplexity, "ppl", tr("Δ perplexity vs FP (%)"), false, true);
  else
    fillBars(m_perplexity, "ppl", tr("perplexity (lower is better)"), false);
  const std::string eff = m_effMetric->currentData().toString().toStdString();
  fillBars(m_efficiency, eff, metricDisplayName(eff), true);
  // Scores: every slmq_* metric as a group; the FP model scores 100 by definition.
  std::set<std::string> scoreNames;
  for (const RunData& d : m_runs)
    for (const auto& [k, m] : d.metrics)
      if (isScore(k.first)) scoreNames.insert(k.first);
  QStringList groups;
  for (const std::string& s : scoreNames) groups << QString::fromStdString(s);
  m_scores->setGroups(groups);
  m_scores->setValueTitle(tr("score"), true);
  for (const RunData& d : m_runs) {
    QVector<double> v;
    for (const std::string& s : scoreNames) {
      const auto it = d.metrics.find({s, ""});
      v << (it != d.metrics.end() ? it->second.value : kNaN);
    }
    if (!groups.isEmpty()) m_scores->addSeries(QString::fromStdString(d.run.name), v);
  }
  if (!groups.isEmpty()) m_scores->setReference(tr("FP = 100"), {100.0});
  // Charts without data take no room; the perplexity chart always shows (with its placeholder).
  for (GroupedBarChart* c : {m_accuracy, m_efficiency, m_scores}) c->setVisible(!c->isEmpty());
  // Re-flow the shown bar charts two per row (a last one alone spans the row): no empty cells.
  if (auto* grid = qobject_cast<QGridLayout*>(m_perplexity->parentWidget()->layout())) {
    QList<QWidget*> shown;
    for (GroupedBarChart* c : {m_accuracy, m_perplexity, m_efficiency, m_scores}) {
      grid->removeWidget(c);
      if (!c->isHidden()) shown << c;
    }
    for (int i = 0; i < shown.size(); ++i)
      grid->addWidget(shown[i], i / 2, i % 2, 1, i == shown.size() - 1 && i % 2 == 0 ? 2 : 1);
    grid->removeWidget(m_scatter);
    grid->addWidget(m_scatter, (static_cast<int>(shown.size()) + 1) / 2, 0, 1, 2);
  }

  // Scatter: one series per method; points labelled with the bit setting.
  m_scatter->clear();
  const QStringList kx = m_scatterX->currentData().toStringList();
  const QStringList ky = m_scatterY->currentData().toStringList();
  if (kx.size() != 2 || ky.size() != 2) return;
  const MetricKey x{kx[0].toStdString(), kx[1].toStdString()};
  const MetricKey y{ky[0].toStdString(), ky[1].toStdString()};
  m_scatter->setAxisTitles(keyLabel(x), keyLabel(y));
  // Better directions: smaller is better for perplexity, sizes, latencies, memory and KLD.
  auto smallerBetter = [](const std::string& n) {
    return n == "ppl" || n.find("size") != std::string::npos ||
           n.find("latency") != std::string::npos || n.find("mem") != std::string::npos ||
           n.find("kld") != std::string::npos || n.find("seconds") != std::string::npos;
  };
  m_scatter->setBetterDirections(smallerBetter(x.first), !smallerBetter(y.first));
  std::map<std::string, std::pair<QVector<QPointF>, QStringList>> byMethod;
  for (const RunData& d : m_runs) {
    const auto ix = d.metrics.find(x), iy = d.metrics.find(y);
    if (ix == d.metrics.end() || iy == d.metrics.end()) continue;
    auto& [pts, labels] = byMethod[d.run.method];
    pts << QPointF(ix->second.value * metricDisplayScale(x.first),
                   iy->second.value * metricDisplayScale(y.first));
    labels << RunListModel::bitsLabel(d.run.w_bits, d.run.a_bits);
  }
  for (const auto& [method, data] : byMethod)
    m_scatter->addSeries(QString::fromStdString(method), data.first, data.second);
  if (m_ref) {
    const auto ix = m_ref->metrics.find(x), iy = m_ref->metrics.find(y);
    if (ix != m_ref->metrics.end() && iy != m_ref->metrics.end())
      m_scatter->setReference(QString::fromStdString(m_ref->run.name),
                              QPointF(ix->second.value * metricDisplayScale(x.first),
                                      iy->second.value * metricDisplayScale(y.first)));
  }
}

}  // namespace slmq::ui
