// Queuing studies as `slmq run` jobs; see study_runner.h.
#include "ui/jobs/study_runner.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include "core/quant/quant_spec.h"
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
  core::ExperimentSpec base;
  base.model = modelPath.toStdString();
  core::PerplexityEval ppl;
  ppl.texts = {"text/wikitext2_test.txt"};
  ppl.max_chunks = 16;
  base.evaluations.perplexity = ppl;
  base.evaluations.tasks = {{"arc_easy", 200}};
  base.analyses.stats = core::StatsSpec{};
  core::CalibrationSpec calib;
  calib.file = "text/wikitext2_valid.txt";
  calib.n_samples = 32;
  auto quantized = [&](const char* name, const char* method, const char* setting) {
    core::ExperimentSpec s = base;
    s.name = std::string(name) + " smol-ref";
    s.methods = {core::MethodStep{method, nlohmann::json::object()}};
    s.quant = core::QuantSpec::parse(setting).toJson();
    s.calibration = calib;
    return s;
  };
  std::vector<core::ExperimentSpec> out;
  core::ExperimentSpec fp = base;
  fp.name = "FP smol-ref";
  out.push_back(fp);
  out.push_back(quantized("RTN W8A8", "rtn", "w8a8"));
  out.push_back(quantized("SmoothQuant W8A8", "smoothquant", "w8a8"));
  out.push_back(quantized("GPTQ W4A16 g128", "gptq", "w4a16 g128 asym"));
  core::ExperimentSpec sens = quantized("RTN sensitivity", "rtn", "w4a16 g128 asym");
  sens.evaluations = {};
  core::SensitivitySpec sp;
  sp.text = "text/wikitext2_valid.txt";
  sp.max_chunks = 2;
  sens.analyses.sensitivity = sp;
  out.push_back(sens);
  return out;
}

}  // namespace slmq::ui
