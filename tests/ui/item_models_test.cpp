// QtTest of the item models: QAbstractItemModelTester on each (also while the run list updates
// in place), and their contents read back from a real SQLite store.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QtTest>

#include "core/store/store.h"
#include "ui/models/metrics_table_model.h"
#include "ui/models/model_list_model.h"
#include "ui/models/run_filter_proxy.h"
#include "ui/models/run_list_model.h"
#include "ui/store/store_adapter.h"

using namespace slmq;

namespace {
ui::RunSummary summary(std::int64_t id, const char* name, int w, int a,
                       core::RunStatus status = core::RunStatus::Done) {
  ui::RunSummary s;
  s.run.id = id;
  s.run.name = name;
  s.run.method = "rtn";
  s.run.w_bits = w;
  s.run.a_bits = a;
  s.run.status = status;
  s.modelName = "smol-ref";
  return s;
}

QStringList names(const QAbstractItemModel& m) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, 0).data().toString();
  return out;
}
}  // namespace

class ItemModelsTest : public QObject {
  Q_OBJECT
 private slots:
  void runListUpdatesInPlace();
  void modelListMergesOffered();
  void metricsAgainstParent();
};

void ItemModelsTest::runListUpdatesInPlace() {
  ui::RunListModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  ui::RunFilterProxy proxy;
  proxy.setSourceModel(&model);
  QAbstractItemModelTester proxyTester(&proxy,
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
  std::vector<ui::RunSummary> v;
  v.push_back(summary(3, "c", 4, 16));
  v.push_back(summary(2, "b", 8, 8));
  v.push_back(summary(1, "a", 16, 16));
  model.setRuns(v);
  QCOMPARE(names(model), (QStringList{"c", "b", "a"}));
  QPersistentModelIndex b = model.index(1, 0);
  // A new run arrives at the top, "c" disappears, "b" changes status: b's index survives.
  v.clear();
  v.push_back(summary(4, "d", 3, 16, core::RunStatus::Running));
  v.push_back(summary(2, "b", 8, 8, core::RunStatus::Failed));
  v.push_back(summary(1, "a", 16, 16));
  QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
  QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
  model.setRuns(v);
  QCOMPARE(names(model), (QStringList{"d", "b", "a"}));
  QCOMPARE(inserted.count(), 1);
  QCOMPARE(reset.count(), 0);
  QVERIFY(b.isValid());
  QCOMPARE(b.row(), 1);
  QCOMPARE(model.index(1, ui::RunListModel::StatusColumn).data().toString(), QString("failed"));
  QCOMPARE(model.index(0, ui::RunListModel::BitsColumn).data().toString(), QString("W3A16"));
  proxy.setBitsFilter("FP16");
  QCOMPARE(names(proxy), (QStringList{"a"}));
  proxy.setBitsFilter("");
  // Reordered input falls back to a reset and still ends up right.
  std::reverse(v.begin(), v.end());
  model.setRuns(v);
  QCOMPARE(names(model), (QStringList{"a", "b", "d"}));
  model.setRuns({});
  QCOMPARE(model.rowCount(), 0);
}

void ItemModelsTest::modelListMergesOffered() {
  ui::ModelListModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  core::ModelRecord a;
  a.id = 7;
  a.name = "smol-ref";
  a.path = "/a/smol-ref";
  a.n_params = 9'437'184;
  a.size_bytes = 18'874'368;
  core::ModelRecord offeredSame = a;
  offeredSame.id = 0;
  core::ModelRecord offeredOther;
  offeredOther.name = "qwen-ref";
  offeredOther.path = "/a/qwen-ref";
  model.setModels({a}, {offeredSame, offeredOther});
  QCOMPARE(model.rowCount(), 2);  // the offered copy of a registered path is not repeated
  QCOMPARE(model.index(0, ui::ModelListModel::ParamsColumn).data().toString(), QString("9.4M"));
  QCOMPARE(model.index(0, ui::ModelListModel::SizeColumn).data().toString(), QString("18.9 MB"));
  QCOMPARE(model.index(0, 0).data(ui::ModelListModel::ModelIdRole).toLongLong(), 7);
  QCOMPARE(model.index(1, 0).data(ui::ModelListModel::ModelIdRole).toLongLong(), 0);
  QVERIFY(!model.index(1, 0).data(ui::ModelListModel::InWorkspaceRole).toBool());
}

void ItemModelsTest::metricsAgainstParent() {
  QTemporaryDir dir;
  const QString path = dir.filePath("ws.sqlite");
  std::int64_t fp = 0, q = 0;
  {
    core::Store store = core::Store::open(path.toStdString());
    core::RunRecord r;
    r.name = "FP";
    r.method = "fp";
    r.spec_json = "{}";
    fp = store.createRun(r);
    core::RunResults res;
    res.metrics = {{"ppl", "wikitext2_test", 20.5, std::nullopt},
                   {"acc", "arc_easy", 0.40, 0.035},
                   {"storage_bytes", "", 37748736.0, std::nullopt}};
    store.finishRun(fp, res);
    r.name = "RTN W4";
    r.method = "rtn";
    r.w_bits = 4;
    r.parent_run_id = fp;
    q = store.createRun(r);
    res.metrics = {{"ppl", "wikitext2_test", 23.0, std::nullopt},
                   {"acc", "arc_easy", 0.37, 0.034},
                   {"storage_bytes", "", 13107200.0, std::nullopt}};
    store.finishRun(q, res);
  }
  ui::StoreAdapter adapter;
  QVERIFY(adapter.open(path));
  ui::MetricsTableModel model;
  QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
  model.load(adapter, {q});
  QCOMPARE(model.rowCount(), 3);
  auto rowOf = [&](const QString& metric) {
    for (int row = 0; row < model.rowCount(); ++row)
      if (model.index(row, ui::MetricsTableModel::MetricColumn).data().toString() == metric)
        return row;
    return -1;
  };
  const int pplRow = rowOf("ppl");
  auto cell = [&](int row, int col) { return model.index(row, col).data().toString(); };
  // Sizes read in MiB with the change in percent; the raw bytes stay in ValueRole.
  const int sizeRow = rowOf("storage_bytes");
  QCOMPARE(cell(sizeRow, ui::MetricsTableModel::ValueColumn), QString("12.50 MiB"));
  QCOMPARE(cell(sizeRow, ui::MetricsTableModel::ReferenceColumn), QString("36.00 MiB"));
  QCOMPARE(cell(sizeRow, ui::MetricsTableModel::DeltaColumn), QString("-23.50 MiB (-65.3 %)"));
  QCOMPARE(model.index(sizeRow, ui::MetricsTableModel::ValueColumn)
               .data(ui::MetricsTableModel::ValueRole)
               .toDouble(),
           13107200.0);
  QCOMPARE(cell(pplRow, ui::MetricsTableModel::RunColumn), QString("RTN W4"));
  QCOMPARE(cell(pplRow, ui::MetricsTableModel::ValueColumn), QString("23"));
  QCOMPARE(cell(pplRow, ui::MetricsTableModel::ReferenceColumn), QString("20.5"));
  QCOMPARE(cell(pplRow, ui::MetricsTableModel::DeltaColumn), QString("+2.5 (+12.2 %)"));
  const int accRow = rowOf("acc");
  QCOMPARE(cell(accRow, ui::MetricsTableModel::StderrColumn), QString("0.034"));
  QCOMPARE(model.index(accRow, ui::MetricsTableModel::DeltaColumn)
               .data(ui::MetricsTableModel::ValueRole)
               .toDouble(),
           0.37 - 0.40);
  model.load(adapter, {fp});  // the FP run has no parent: no reference column values
  QCOMPARE(cell(0, ui::MetricsTableModel::ReferenceColumn), QString());
}

QTEST_MAIN(ItemModelsTest)
#include "item_models_test.moc"
