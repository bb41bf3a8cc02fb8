// Queuing studies as `slmq run` jobs; see study_runner.h.
#include "ui/jobs/study_runner.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include "core/jobs/demo_study.h"
#include "ui/jobs/job_controller.h"

namespace slmq::ui {

QStringList runArguments(const QString& specPath, const QString& workspacePath) {
  return {QStringLiteral("--progress"), QStringLiteral("jsonl"),
          QStringLiteral("run"),        specPath,
          QStringLiteral("--store"),    workspacePath};
}

QList<int> queueStudy(JobController& jobs, const std::vector<core::ExperimentSpec>& specs,
                      const QString& workspacePath, QString* error) {
  QList<int> ids;
  const QDir dir(QFileInfo(workspacePath).absoluteDir().filePath(QStringLiteral("specs")));
  QDir().mkpath(dir.path());
  const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
  int n = 0;
  for (const core::ExperimentSpec& spec : specs) {
    const QString path = dir.filePath(QStringLiteral("%1-%2.json").arg(stamp).arg(++n));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QByteArray::fromStdString(spec.dump(2) + "\n")) < 0 || !file.commit()) {
      if (error)
        *error =
            JobController::tr("Cannot write the study spec %1: %2").arg(path, file.errorString());
      return ids;
    }
    ids << jobs.enqueue({QString::fromStdString(spec.name), runArguments(path, workspacePath)});
  }
  return ids;
}

std::vector<core::ExperimentSpec> defaultStudySpecs(const QString& modelPath) {
  // The same study as `slmq demo` (core/jobs/demo_study.h), one `slmq run` job per spec so each
  // run gets its own row, progress and Cancel button in the jobs dock.
  core::DemoOptions options;
  options.model = modelPath.toStdString();
  return core::demoStudySpecs(options);
}

}  // namespace slmq::ui
