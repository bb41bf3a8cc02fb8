// Model discovery for the model browser; see model_catalog.h.
#include "ui/store/model_catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <algorithm>

#include "core/common/assets.h"

namespace slmq::ui {
namespace {
std::int64_t sumSizes(const QDir& dir, const QStringList& patterns) {
  std::int64_t total = 0;
  for (const QFileInfo& f : dir.entryInfoList(patterns, QDir::Files)) total += f.size();
  return total;
}
}  // namespace

std::optional<core::ModelRecord> describeModelPath(const QString& path, QString* error) {
  const QFileInfo info(path);
  core::ModelRecord m;
  m.path = info.absoluteFilePath().toStdString();
  auto fail = [&](const QString& message) -> std::optional<core::ModelRecord> {
    if (error) *error = message;
    return std::nullopt;
  };
  if (!info.exists())
    return fail(
        QCoreApplication::translate("slmq::ui::ModelCatalog", "%1 does not exist").arg(path));
  if (info.isDir()) {
    const QDir dir(info.absoluteFilePath());
    m.name = info.fileName().toStdString();
    const bool config = dir.exists(QStringLiteral("config.json"));
    const std::int64_t st = sumSizes(dir, {QStringLiteral("*.safetensors")});
    if (config && st > 0) {
      m.format = "safetensors";
      m.size_bytes = st;
      return m;
    }
    const QStringList ggufs = dir.entryList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name);
    if (!ggufs.isEmpty()) return describeModelPath(dir.filePath(ggufs.front()), error);
    if (dir.exists(QStringLiteral("pytorch_model.bin")))
      return fail(QCoreApplication::translate(
                      "slmq::ui::ModelCatalog",
                      "%1 holds pytorch_model.bin (a pickle, which is never loaded); convert the "
                      "model to safetensors")
                      .arg(path));
    return fail(QCoreApplication::translate(
                    "slmq::ui::ModelCatalog",
                    "%1 is not a model directory (needs config.json and *.safetensors, or a "
                    ".gguf file)")
                    .arg(path));
  }
  const QString suffix = info.suffix().toLower();
  m.name = info.completeBaseName().toStdString();
  m.size_bytes = info.size();
  if (suffix == QLatin1String("gguf")) {
    m.format = "gguf";
    return m;
  }
  if (suffix == QLatin1String("safetensors")) return describeModelPath(info.absolutePath(), error);
  return fail(QCoreApplication::translate(
                  "slmq::ui::ModelCatalog",
                  "%1 is not a model file (expected a directory with safetensors, or .gguf)")
                  .arg(path));
}

std::vector<core::ModelRecord> assetModels() {
  std::vector<core::ModelRecord> out;
  const QDir models(QString::fromStdString((core::assetsRoot() / "models").string()));
  if (!models.exists()) return out;
  for (const QString& name : models.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
    QString ignored;
    if (auto m = describeModelPath(models.filePath(name), &ignored)) {
      m->name = name.toStdString();  // the folder name, also for a GGUF inside it
      out.push_back(std::move(*m));
    }
  }
  return out;
}

}  // namespace slmq::ui
