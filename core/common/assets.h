// Locates the shared assets (models, texts, tasks, fixtures) that tests, benchmarks and the demo
// read. SLMQ_ASSETS overrides; the default is ../shared/assets relative to the source tree.
#pragma once

#include <filesystem>
#include <string>

namespace slmq::core {

/// Root of the assets folder: $SLMQ_ASSETS if set, else the build-time default
/// (<source>/../shared/assets). Does not check that it exists.
std::filesystem::path assetsRoot();

/// assetsRoot() / relative. Throws Error(NotFound) naming the full path if it does not exist,
/// so a test whose asset is missing fails loudly instead of passing silently.
std::filesystem::path assetPath(const std::string& relative);

/// True if assetsRoot() / relative exists (for optional offers such as the GUI's model list).
bool assetExists(const std::string& relative);

/// The tool's version string (CMake project version).
const char* versionString() noexcept;

}  // namespace slmq::core
