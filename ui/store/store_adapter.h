// The UI's only door to the run store: opens the workspace file on the GUI thread, turns core
// records into what item models and views need, and notices when another process (a job) has
// committed. No SQL here either — everything goes through core::Store.
#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>
#include <vector>

#include "core/store/records.h"

namespace slmq::core {
class Store;
}

namespace slmq::ui {

/// A run as the run list shows it.
struct RunSummary {
  core::RunRecord run;
  QString modelName;          ///< "" when the run has no registered model
  std::optional<double> ppl;  ///< perplexity on the first perplexity text, if measured
};

/// Reads (and for the job controller, finalises) runs in one workspace store. GUI thread only:
/// the store connection it owns must not cross threads. Every failure is caught, reported through
/// errorOccurred() and lastError(), and turns into an empty result: a broken store never takes
/// the window down.
class StoreAdapter : public QObject {
  Q_OBJECT
 public:
  explicit StoreAdapter(QObject* parent = nullptr);
  ~StoreAdapter() override;

  /// Opens (creating and migrating) the store at `path`, closing any previous one. Returns false
  /// and sets lastError() naming the file when it cannot be opened.
  bool open(const QString& path);
  void close();
  bool isOpen() const { return m_store != nullptr; }
  QString path() const { return m_path; }
  QString lastError() const { return m_lastError; }

  /// Polls the store every `ms` for commits by other processes (0 = off). Default 1500 ms.
  void setPollInterval(int ms);
  /// Checks for changes now; emits changed() if another connection committed since last time.
  void poll();

  std::vector<RunSummary> runSummaries();
  std::optional<core::RunRecord> run(std::int64_t runId);
  std::vector<core::ModelRecord> models();
  std::vector<core::MetricRecord> metrics(std::int64_t runId);
  std::vector<core::LayerMetricRecord> layerMetrics(std::int64_t runId,
                                                    const std::string& metric = {},
                                                    std::optional<int> bits = std::nullopt);
  std::vector<core::DistributionRecord> distributions(std::int64_t runId, std::optional<int> layer,
                                                      const std::string& module = {},
                                                      const std::string& tensor = {});
  std::vector<core::ChannelStatRecord> channelStats(std::int64_t runId, std::optional<int> layer,
                                                    const std::string& module = {},
                                                    const std::string& tensor = {});

  /// Registers a model (insert or update by path); returns its id, or nullopt on failure.
  std::optional<std::int64_t> upsertModel(const core::ModelRecord& model);
  /// Marks a pending/running run cancelled / failed (used when a job's process is stopped or
  /// dies without finalising its run). Returns false (and reports) if the store refuses.
  bool cancelRun(std::int64_t runId, const QString& reason);
  bool failRun(std::int64_t runId, const QString& error);
  bool deleteRun(std::int64_t runId);

 signals:
  /// The store's content changed (a commit by this or another connection).
  void changed();
  /// A store operation failed; the message names the file and the problem.
  void errorOccurred(const QString& message);
  /// A different store was opened (or closed: empty path).
  void opened(const QString& path);

 private:
  template <class F>
  auto guarded(const char* what, F&& f) -> decltype(f());
  void report(const QString& message);

  std::unique_ptr<core::Store> m_store;
  QString m_path;
  QString m_lastError;
  QTimer m_poll;
  std::int64_t m_dataVersion = -1;
};

}  // namespace slmq::ui
