// The asset locator: SLMQ_ASSETS overrides, and a missing asset is an error naming its path.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/common/assets.h"
#include "core/common/error.h"
#include "tests/testlib/test_support.h"

using namespace slmq;

TEST(Assets, EnvironmentOverridesDefault) {
  test::TempDir dir;
  const char* old = std::getenv("SLMQ_ASSETS");
  std::string saved = old ? old : "";
  setenv("SLMQ_ASSETS", dir.path().c_str(), 1);
  EXPECT_EQ(core::assetsRoot(), dir.path());
  try {
    core::assetPath("models/none");
    FAIL() << "expected NotFound";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::NotFound);
    EXPECT_NE(std::string(e.what()).find((dir.path() / "models/none").string()), std::string::npos);
  }
  if (old)
    setenv("SLMQ_ASSETS", saved.c_str(), 1);
  else
    unsetenv("SLMQ_ASSETS");
}

TEST(Assets, DefaultRootHoldsTheSharedModels) {
  EXPECT_TRUE(core::assetExists("models/smol-ref/config.json"))
      << "shared assets not found at " << core::assetsRoot();
}
