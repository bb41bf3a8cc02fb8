// Asset locator and version string.
#include "core/common/assets.h"

#include <cstdlib>

#include "core/common/error.h"

namespace slmq::core {

std::filesystem::path assetsRoot() {
  if (const char* env = std::getenv("SLMQ_ASSETS"); env && *env) return std::filesystem::path(env);
  return std::filesystem::path(SLMQ_ASSETS_DEFAULT);
}

std::filesystem::path assetPath(const std::string& relative) {
  auto p = assetsRoot() / relative;
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) {
    throw Error(ErrorKind::NotFound,
                "asset not found: " + p.string() +
                    " (set SLMQ_ASSETS to the shared assets folder, default ../shared/assets)");
  }
  return p;
}

bool assetExists(const std::string& relative) {
  std::error_code ec;
  return std::filesystem::exists(assetsRoot() / relative, ec);
}

const char* versionString() noexcept {
  return SLMQ_VERSION;
}

}  // namespace slmq::core
