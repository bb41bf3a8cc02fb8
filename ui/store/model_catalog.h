// Finds model files on disk for the model browser: the shared assets' models and a directory or
// GGUF file the user picks. Reads only directory listings and file sizes (no weights).
#pragma once

#include <QString>
#include <optional>
#include <vector>

#include "core/store/records.h"

namespace slmq::ui {

/// Describes `path` as a model record (name, format, size on disk) without loading it: a
/// directory with config.json and *.safetensors, a *.gguf file, or a llama2.c *.bin. Returns
/// nullopt and sets `error` (naming the path) for anything else — e.g. a pytorch_model.bin
/// directory, which is refused with a pointer to safetensors.
std::optional<core::ModelRecord> describeModelPath(const QString& path, QString* error);

/// The models under <assets>/models that describeModelPath() accepts, sorted by name; empty when
/// the assets folder is absent.
std::vector<core::ModelRecord> assetModels();

}  // namespace slmq::ui
