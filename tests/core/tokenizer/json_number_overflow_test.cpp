// Regression (fuzzing, issue 9): a tokenizer.json holding a number beyond double's range made
// nlohmann throw json::out_of_range, which the loader did not catch, so the process terminated.
// It must be one Error(InvalidInput) naming the file, like any other malformed JSON.
#include <gtest/gtest.h>

#include <string>

#include "core/common/error.h"
#include "core/tokenizer/hf_tokenizer.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;

TEST(TokenizerJsonFuzzRegression, NumberBeyondDoubleRangeIsInvalidInput) {
  slmq::test::TempDir dir;
  const auto path = dir / "tokenizer.json";
  // 1 followed by 400 digits > DBL_MAX (~1.8e308); anywhere in the document
  const std::string huge = "1" + std::string(400, '9');
  for (const std::string& text :
       {"{\"version\": " + huge + "}",
        "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": " + huge + "}, \"merges\": []}}"}) {
    slmq::test::writeFile(path, text);
    try {
      loadHfTokenizer(path);
      ADD_FAILURE() << "accepted: " << text.substr(0, 40);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("number overflow"), std::string::npos) << e.what();
    }
  }
}
