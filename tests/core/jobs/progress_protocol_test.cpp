// The JSON-lines progress protocol: every event survives format -> parse, lines split across
// arbitrary chunks, stray output becomes raw log lines, and the writer's output parses.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

#include "core/common/error.h"
#include "core/jobs/progress_protocol.h"
#include "tests/testlib/test_support.h"

using namespace slmq;
using core::ProgressEvent;
using core::ProgressEventType;

namespace {

std::vector<ProgressEvent> sampleEvents() {
  std::vector<ProgressEvent> v;
  ProgressEvent e;
  e.type = ProgressEventType::Started;
  e.t = 0.0;
  e.run = 12;
  e.pid = 4242;
  e.message = "GPTQ W4 g128 smol-ref";
  v.push_back(e);
  e = {};
  e.type = ProgressEventType::Progress;
  e.t = 3.125;
  e.run = 12;
  e.fraction = 0.42;
  e.stage = "quantize block 3";
  e.eta_s = 12.3;
  v.push_back(e);
  e.eta_s.reset();  // unknown ETA
  e.fraction = 0.0;
  v.push_back(e);
  e = {};
  e.type = ProgressEventType::Log;
  e.t = 3.5;
  e.run = 12;
  e.level = "warning";
  e.message = "AWQ: skipped v->o (GQA)\nsecond line \"quoted\" ünïcödé";
  v.push_back(e);
  e = {};
  e.type = ProgressEventType::Error;
  e.t = 9.75;
  e.message = "model.safetensors: truncated at byte 1024";
  v.push_back(e);  // no run
  e = {};
  e.type = ProgressEventType::Finished;
  e.t = 9.75;
  e.run = 12;
  e.status = "failed";
  v.push_back(e);
  return v;
}

}  // namespace

TEST(ProgressProtocol, EveryEventRoundTrips) {
  for (const auto& e : sampleEvents()) {
    std::string line = core::formatProgressEvent(e);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "one event = one line: " << line;
    EXPECT_EQ(core::parseProgressEvent(line), e) << line;
  }
  // The documented wire form, as the GUI (or a script) sees it.
  ProgressEvent p = sampleEvents()[1];
  EXPECT_EQ(
      core::formatProgressEvent(p),
      R"({"eta_s":12.3,"event":"progress","fraction":0.42,"run":12,"stage":"quantize block 3","t":3.125})");
}

TEST(ProgressProtocol, ParserAcceptsTheDocumentedLinesAndRejectsBadOnes) {
  auto e = core::parseProgressEvent(
      R"({"event":"progress","run":7,"fraction":1,"stage":"eval","eta_s":0,"future_field":[1]})"
      "\r\n");
  EXPECT_EQ(e.type, ProgressEventType::Progress);
  EXPECT_EQ(e.run, 7);
  EXPECT_EQ(e.fraction, 1.0);
  EXPECT_EQ(e.eta_s, 0.0);
  EXPECT_EQ(core::parseProgressEvent(R"({"event":"finished","run":7,"status":"done"})").status,
            "done");
  for (const char* bad :
       {"", "hello", "[1]", R"({"run":1})", R"({"event":"progress"})",
        R"({"event":"progress","fraction":1.5})", R"({"event":"progress","fraction":"half"})",
        R"({"event":"finished","status":"ok"})", R"({"event":"dance"})",
        R"({"event":"log","message":3})", R"({"event":"progress","fraction":0.1,"run":1.5})"}) {
    EXPECT_THROW(core::parseProgressEvent(bad), core::Error) << bad;
  }
}

TEST(ProgressProtocol, LineParserHandlesChunksAndStrayOutput) {
  std::string stream;
  for (const auto& e : sampleEvents()) stream += core::formatProgressEvent(e) + "\n";
  stream += "Segmentation fault (core dumped)\n";
  stream += core::formatProgressEvent(sampleEvents()[0]);  // last line without newline
  // Feed in every chunk size from 1 byte up: the events never depend on how reads split.
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 100000u}) {
    core::ProgressLineParser parser;
    std::vector<ProgressEvent> got;
    for (std::size_t i = 0; i < stream.size(); i += chunk) {
      auto part = parser.feed(std::string_view(stream).substr(i, chunk));
      got.insert(got.end(), part.begin(), part.end());
    }
    auto tail = parser.finish();
    got.insert(got.end(), tail.begin(), tail.end());
    ASSERT_EQ(got.size(), sampleEvents().size() + 2) << "chunk " << chunk;
    for (std::size_t i = 0; i < sampleEvents().size(); ++i) EXPECT_EQ(got[i], sampleEvents()[i]);
    EXPECT_EQ(got[6].type, ProgressEventType::Log);
    EXPECT_EQ(got[6].level, "raw");
    EXPECT_EQ(got[6].message, "Segmentation fault (core dumped)");
    EXPECT_EQ(got[7], sampleEvents()[0]);
  }
}

TEST(ProgressProtocol, OverlongLineIsCutAndReported) {
  core::ProgressLineParser parser;
  std::string big(core::ProgressLineParser::kMaxLineBytes + 10, 'x');
  auto a = parser.feed(big);
  auto b = parser.feed(big);  // still the same line
  auto c = parser.feed("\n" + core::formatProgressEvent(sampleEvents()[5]) + "\n");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].level, "raw");
  EXPECT_NE(a[0].message.find("was cut"), std::string::npos);
  EXPECT_TRUE(b.empty());
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], sampleEvents()[5]);
}

TEST(ProgressProtocol, WriterOutputParsesAndCarriesEta) {
  test::TempDir dir;
  const auto file = dir / "progress.jsonl";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    core::ProgressWriter w(f, 0, std::chrono::milliseconds(1000));
    w.setRun(5);
    w.started("rtn smol-ref");
    auto fn = w.progressFn();
    EXPECT_TRUE(fn(0.0, "quantize"));
    for (int i = 1; i <= 1000; ++i) {
      if (i == 500) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      fn(i / 2000.0, "quantize");  // 0.0005 steps: rate-limited to about every 0.01
    }
    fn(0.75, "evaluate");
    w.log("info", "ppl 101.2");
    fn(1.0, "evaluate");
    w.finished("done");
    std::fclose(f);
  }
  core::ProgressLineParser parser;
  auto events = parser.feed(test::readFile(file));
  ASSERT_GE(events.size(), 10u);
  EXPECT_LE(events.size(), 60u) << "rate limiting";
  EXPECT_EQ(events.front().type, ProgressEventType::Started);
  EXPECT_EQ(events.front().pid, static_cast<std::int64_t>(getpid()));
  EXPECT_EQ(events.back().type, ProgressEventType::Finished);
  EXPECT_EQ(events.back().status, "done");
  double last_t = 0;
  int with_eta = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e.run, 5);
    EXPECT_GE(e.t, last_t);
    last_t = e.t;
    EXPECT_NE(e.level, "raw");
    if (e.type == ProgressEventType::Progress && e.eta_s) {
      ++with_eta;
      EXPECT_GE(*e.eta_s, 0.0);
    }
  }
  EXPECT_GT(with_eta, 0);
  // At 0.25 done after ~50 ms the linear ETA is about 3 x 50 ms.
  auto mid = std::find_if(events.begin(), events.end(), [](const ProgressEvent& e) {
    return e.type == ProgressEventType::Progress && e.fraction >= 0.25 && e.stage == "quantize";
  });
  ASSERT_NE(mid, events.end());
  ASSERT_TRUE(mid->eta_s.has_value());
  EXPECT_GT(*mid->eta_s, 0.05);
  EXPECT_LT(*mid->eta_s, 5.0);
  auto done = std::find_if(events.begin(), events.end(),
                           [](const ProgressEvent& e) { return e.fraction == 1.0; });
  ASSERT_NE(done, events.end());
  EXPECT_EQ(done->eta_s, 0.0);
}
