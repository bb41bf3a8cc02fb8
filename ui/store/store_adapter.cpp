// StoreAdapter: the UI's reads and the job controller's finalising writes; see store_adapter.h.
#include "ui/store/store_adapter.h"

#include <QFileInfo>
#include <exception>

#include "core/store/store.h"

namespace slmq::ui {

StoreAdapter::StoreAdapter(QObject* parent) : QObject(parent) {
  connect(&m_poll, &QTimer::timeout, this, &StoreAdapter::poll);
  m_poll.setInterval(1500);
}

StoreAdapter::~StoreAdapter() = default;

template <class F>
auto StoreAdapter::guarded(const char* what, F&& f) -> decltype(f()) {
  if (!m_store) return {};
  try {
    return f();
  } catch (const std::exception& e) {
    report(tr("%1 failed: %2").arg(QString::fromUtf8(what), QString::fromUtf8(e.what())));
    return {};
  }
}

void StoreAdapter::report(const QString& message) {
  m_lastError = message;
  emit errorOccurred(message);
}

bool StoreAdapter::open(const QString& path) {
  close();
  try {
    auto store = std::make_unique<core::Store>(core::Store::open(path.toStdString()));
    m_dataVersion = store->connection().pragmaInt("data_version");
    m_store = std::move(store);
  } catch (const std::exception& e) {
    m_lastError = tr("Cannot open workspace %1: %2").arg(path, QString::fromUtf8(e.what()));
    emit errorOccurred(m_lastError);
    return false;
  }
  m_path = QFileInfo(path).absoluteFilePath();
  m_lastError.clear();
  if (m_poll.interval() > 0) m_poll.start();
  emit opened(m_path);
  emit changed();
  return true;
}

void StoreAdapter::close() {
  if (!m_store) return;
  m_poll.stop();
  m_store.reset();
  m_path.clear();
  emit opened(QString());
  emit changed();
}

void StoreAdapter::setPollInterval(int ms) {
  m_poll.stop();
  m_poll.setInterval(std::max(0, ms));
  if (ms > 0 && m_store) m_poll.start();
}

void StoreAdapter::poll() {
  const std::int64_t version = guarded(
      "Checking the store", [&] { return m_store->connection().pragmaInt("data_version"); });
  if (version != 0 && version != m_dataVersion) {
    m_dataVersion = version;
    emit changed();
  }
}

std::vector<RunSummary> StoreAdapter::runSummaries() {
  return guarded("Reading runs", [&] {
    QHash<std::int64_t, QString> modelNames;
    for (const core::ModelRecord& m : m_store->models())
      modelNames.insert(m.id, QString::fromStdString(m.name));
    std::vector<RunSummary> out;
    for (core::RunRecord& r : m_store->runs()) {
      RunSummary s;
      if (r.model_id) s.modelName = modelNames.value(*r.model_id);
      if (r.status == core::RunStatus::Done) {
        for (const core::MetricRecord& m : m_store->metrics(r.id))
          if (m.name == "ppl") {
            s.ppl = m.value;
            break;
          }
      }
      s.run = std::move(r);
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::optional<core::RunRecord> StoreAdapter::run(std::int64_t runId) {
  return guarded("Reading a run",
                 [&]() -> std::optional<core::RunRecord> { return m_store->run(runId); });
}

std::vector<core::ModelRecord> StoreAdapter::models() {
  return guarded("Reading models", [&] { return m_store->models(); });
}

std::vector<core::MetricRecord> StoreAdapter::metrics(std::int64_t runId) {
  return guarded("Reading metrics", [&] { return m_store->metrics(runId); });
}

std::vector<core::LayerMetricRecord> StoreAdapter::layerMetrics(std::int64_t runId,
                                                                const std::string& metric,
                                                                std::optional<int> bits) {
  return guarded("Reading layer metrics",
                 [&] { return m_store->layerMetrics(runId, metric, bits); });
}

std::vector<core::DistributionRecord> StoreAdapter::distributions(std::int64_t runId,
                                                                  std::optional<int> layer,
                                                                  const std::string& module,
                                                                  const std::string& tensor) {
  return guarded("Reading distributions", [&] {
    core::TensorFilter f;
    f.layer = layer;
    f.module = module;
    f.tensor = tensor;
    return m_store->distributions(runId, f);
  });
}

std::vector<core::ChannelStatRecord> StoreAdapter::channelStats(std::int64_t runId,
                                                                std::optional<int> layer,
                                                                const std::string& module,
                                                                const std::string& tensor) {
  return guarded("Reading channel statistics", [&] {
    core::TensorFilter f;
    f.layer = layer;
    f.module = module;
    f.tensor = tensor;
    return m_store->channelStats(runId, f);
  });
}

std::optional<std::int64_t> StoreAdapter::upsertModel(const core::ModelRecord& model) {
  auto id = guarded("Registering a model",
                    [&]() -> std::optional<std::int64_t> { return m_store->upsertModel(model); });
  if (id) emit changed();
  return id;
}

bool StoreAdapter::cancelRun(std::int64_t runId, const QString& reason) {
  const bool ok = guarded("Cancelling a run", [&] {
    m_store->cancelRun(runId, reason.toStdString());
    return true;
  });
  if (ok) emit changed();
  return ok;
}

bool StoreAdapter::failRun(std::int64_t runId, const QString& error) {
  const bool ok = guarded("Marking a run failed", [&] {
    m_store->failRun(runId, error.toStdString());
    return true;
  });
  if (ok) emit changed();
  return ok;
}

bool StoreAdapter::deleteRun(std::int64_t runId) {
  const bool ok = guarded("Deleting a run", [&] {
    m_store->deleteRun(runId);
    return true;
  });
  if (ok) emit changed();
  return ok;
}

}  // namespace slmq::ui
