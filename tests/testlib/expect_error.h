// expectError: the check that bad input is refused with one typed Error whose message names what
// was wrong (see core/common/error.h). Header-only (a template).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "core/common/error.h"

namespace slmq::test {

/// Expects `f()` to throw core::Error of `kind` whose message contains every one of `parts`
/// (file names, field names, offsets, ...). Adds a test failure otherwise; other exception types
/// propagate and fail the test.
template <typename F>
void expectError(F&& f, core::ErrorKind kind, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message '" << e.what() << "' lacks '" << p << "'";
  }
}

}  // namespace slmq::test
