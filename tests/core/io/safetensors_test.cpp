// safetensors reader on hand-built files: values decoded exactly (F32, F16, BF16, F64, I32), and
// every kind of corruption refused with one Error naming the file and the problem. Sharded
// checkpoints: index parsing, shard lookup, and refusal of shard names that leave the folder.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/io/safetensors_checkpoint.h"
#include "tests/testlib/expect_error.h"
#include "tests/testlib/test_support.h"

using namespace slmq::core;
using slmq::test::expectError;
using slmq::test::TempDir;
using slmq::test::writeFile;

namespace {

std::string le64(std::uint64_t v) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &v, 8);
  return s;
}

// header JSON + data -> file bytes
std::string stFile(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

template <typename T>
std::string bytesOf(std::initializer_list<T> v) {
  std::string s(v.size() * sizeof(T), '\0');
  std::memcpy(s.data(), std::data(v), s.size());
  return s;
}

TEST(Safetensors, DecodesEveryFloatTypeExactly) {
  TempDir dir;
  // F32 [2,2] = 1, -2, 0.5, 3; F16 [3] = 1 (0x3C00), -2 (0xC000), 2^-24 (0x0001 subnormal);
  // BF16 [2] = 1 (0x3F80), -1.5 (0xBFC0); F64 [1] = 0.1; I32 [2] = 7, -9
  const std::string f32 = bytesOf<float>({1.f, -2.f, 0.5f, 3.f});
  const std::string f16 = bytesOf<std::uint16_t>({0x3C00, 0xC000, 0x0001});
  const std::string bf16 = bytesOf<std::uint16_t>({0x3F80, 0xBFC0});
  const std::string f64 = bytesOf<double>({0.1});
  const std::string i32 = bytesOf<std::int32_t>({7, -9});
  std::size_t o = 0;
  nlohmann::json h;
  auto add = [&](const char* n, const char* dt, std::vector<int> shape, const std::string& d) {
    h[n] = {{"dtype", dt}, {"shape", shape}, {"data_offsets", {o, o + d.size()}}};
    o += d.size();
  };
  add("a", "F32", {2, 2}, f32);
  add("b", "F16", {3}, f16);
  add("c", "BF16", {2}, bf16);
  add("d", "F64", {1}, f64);
  add("e", "I32", {2}, i32);
  h["__metadata__"] = {{"format", "pt"}};
  writeFile(dir / "x.safetensors", stFile(h.dump(), f32 + f16 + bf16 + f64 + i32));

  SafetensorsFile f(dir / "x.safetensors");
  EXPECT_EQ(f.tensors().size(), 5u);
  EXPECT_EQ(f.metadata().at("format"), "pt");
  const MatrixRM a = f.readMatrix("a");
  ASSERT_EQ(a.rows(), 2);
  EXPECT_EQ(a(0, 1), -2.f);
  EXPECT_EQ(a(1, 1), 3.f);
  EXPECT_EQ(f.readFloat32("b"), (std::vector<float>{1.f, -2.f, 0x1p-24f}));
  EXPECT_EQ(f.readFloat32("c"), (std::vector<float>{1.f, -1.5f}));
  EXPECT_EQ(f.readFloat64("d")[0], 0.1);
  EXPECT_EQ(f.readInt32("e"), (std::vector<std::int32_t>{7, -9}));
  expectError([&] { f.readFloat32("e"); }, ErrorKind::Unsupported, {"x.safetensors", "'e'", "I32"});
  expectError([&] { f.info("nope"); }, ErrorKind::NotFound, {"x.safetensors", "'nope'"});
}

TEST(Safetensors, TruncatedFileIsRefused) {
  TempDir dir;
  writeFile(dir / "t.safetensors", "abc");
  expectError([&] { SafetensorsFile f(dir / "t.safetensors"); }, ErrorKind::InvalidInput,
              {"t.safetensors", "truncated"});
}

TEST(Safetensors, HeaderLengthBeyondFileIsRefused) {
  TempDir dir;
  writeFile(dir / "h.safetensors", le64(1000) + "{}");
  expectError([&] { SafetensorsFile f(dir / "h.safetensors"); }, ErrorKind::InvalidInput,
              {"h.safetensors", "header length 1000", "beyond the end"});
}

TEST(Safetensors, TensorOffsetPlusSizeBeyondFileIsRefused) {
  TempDir dir;
  const std::string h = R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  writeFile(dir / "o.safetensors", stFile(h, std::string(8, '\0')));  // 8 of 16 bytes
  expectError([&] { SafetensorsFile f(dir / "o.safetensors"); }, ErrorKind::InvalidInput,
              {"o.safetensors", "tensor 'w'", "beyond the end"});
}

TEST(Safetensors, UnknownDtypeIsRefused) {
  TempDir dir;
  const std::string h = R"({"w":{"dtype":"Q7","shape":[4],"data_offsets":[0,4]}})";
  writeFile(dir / "d.safetensors", stFile(h, std::string(4, '\0')));
  expectError([&] { SafetensorsFile f(dir / "d.safetensors"); }, ErrorKind::InvalidInput,
              {"d.safetensors", "tensor 'w'", "unknown dtype 'Q7'"});
}

TEST(Safetensors, MalformedHeaderJsonIsRefused) {
  TempDir dir;
  writeFile(dir / "j.safetensors", stFile("{\"w\": [", ""));
  expectError([&] { SafetensorsFile f(dir / "j.safetensors"); }, ErrorKind::InvalidInput,
              {"j.safetensors", "malformed JSON"});
}

TEST(Safetensors, ShapeDisagreeingWithByteRangeIsRefused) {
  TempDir dir;
  const std::string h = R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})";
  writeFile(dir / "s.safetensors", stFile(h, std::string(16, '\0')));
  expectError([&] { SafetensorsFile f(dir / "s.safetensors"); }, ErrorKind::InvalidInput,
              {"s.safetensors", "tensor 'w'", "needs 12"});
}

TEST(Safetensors, NegativeOrHugeShapeIsRefused) {
  TempDir dir;
  writeFile(dir / "n.safetensors",
            stFile(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "abcd"));
  expectError([&] { SafetensorsFile f(dir / "n.safetensors"); }, ErrorKind::InvalidInput,
              {"n.safetensors", "negative"});
  writeFile(dir / "g.safetensors",
            stFile(R"({"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
                   std::string(8, '\0')));
  expectError([&] { SafetensorsFile f(dir / "g.safetensors"); }, ErrorKind::InvalidInput,
              {"g.safetensors", "tensor 'w'"});
}

TEST(SafetensorsCheckpoint, ShardedIndexResolvesTensorsAcrossFiles) {
  TempDir dir;
  writeFile(
      dir / "s1.safetensors",
      stFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", bytesOf<float>({2.f})));
  writeFile(dir / "s2.safetensors",
            stFile(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                   bytesOf<float>({3.f, 4.f})));
  writeFile(dir / "model.safetensors.index.json",
            R"({"metadata":{},"weight_map":{"a":"s1.safetensors","b":"s2.safetensors"}})");
  SafetensorsCheckpoint ck(dir.path());
  EXPECT_EQ(ck.files().size(), 2u);
  EXPECT_EQ(ck.readFloat32("a"), std::vector<float>{2.f});
  EXPECT_EQ(ck.readVector("b", 2)[1], 4.f);
  expectError([&] { ck.readMatrix("b", 3, -1); }, ErrorKind::InvalidInput,
              {"s2.safetensors", "tensor 'b'", "[2]", "[3]"});
}

TEST(SafetensorsCheckpoint, IndexProblemsAreRefusedNamingTheIndex) {
  TempDir dir;
  writeFile(
      dir / "s1.safetensors",
      stFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", bytesOf<float>({2.f})));
  const auto index = dir / "model.safetensors.index.json";
  writeFile(index, R"({"weight_map":{"a":"../s1.safetensors"}})");
  expectError([&] { SafetensorsCheckpoint ck(dir.path()); }, ErrorKind::InvalidInput,
              {"model.safetensors.index.json", "not a plain file name"});
  writeFile(index, R"({"weight_map":{"zz":"s1.safetensors"}})");
  expectError([&] { SafetensorsCheckpoint ck(dir.path()); }, ErrorKind::InvalidInput,
              {"model.safetensors.index.json", "'zz'", "does not contain"});
  writeFile(index, R"({"weight_map":{"a":"missing.safetensors"}})");
  expectError([&] { SafetensorsCheckpoint ck(dir.path()); }, ErrorKind::NotFound,
              {"missing.safetensors"});
  writeFile(index, R"({"weight_map": )");
  expectError([&] { SafetensorsCheckpoint ck(dir.path()); }, ErrorKind::InvalidInput,
              {"model.safetensors.index.json", "malformed JSON"});
}

TEST(SafetensorsCheckpoint, EmptyDirectoryAndPickleAreRefused) {
  TempDir dir;
  expectError([&] { SafetensorsCheckpoint ck(dir.path()); }, ErrorKind::NotFound,
              {"no model.safetensors"});
  writeFile(dir / "pytorch_model.bin", "PK");
  expectError([&] { SafetensorsCheckpoint ck(dir.path()); }, ErrorKind::Unsupported,
              {"pytorch_model.bin", "safetensors"});
}

}  // namespace
