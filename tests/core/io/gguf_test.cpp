// GGUF reader, writer and ggml dequantizers: hand-built quantized blocks whose values are worked
// out from ggml's block definitions, a synthetic round trip through every metadata type, and
// corrupt files that must fail with a clear error naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/gguf_writer.h"
#include "tests/testlib/test_support.h"

namespace slmq::core {
namespace {

using Bytes = std::vector<std::uint8_t>;

void putU16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = std::uint8_t(v & 0xFF);
  b[at + 1] = std::uint8_t(v >> 8);
}

// f16 bit patterns used below (IEEE binary16).
constexpr std::uint16_t kHalf1 = 0x3C00;     // 1.0
constexpr std::uint16_t kHalf0_5 = 0x3800;   // 0.5
constexpr std::uint16_t kHalf0_25 = 0x3400;  // 0.25

// --- Q8_0: { f16 d; int8 qs[32] }, x = d·q ----------------------------------------------------
Bytes q8Block(std::vector<float>& expected) {
  Bytes b(34);
  putU16(b, 0, kHalf0_5);
  for (int j = 0; j < 32; ++j) {
    const int q = (j % 2 == 0) ? -128 + 8 * j : 127 - 5 * j;  // spans the int8 range
    b[2 + j] = std::uint8_t(std::int8_t(q));
    expected.push_back(0.5f * float(q));
  }
  return b;
}

TEST(GgmlDequantize, Q8_0HandBuiltBlock) {
  std::vector<float> expected;
  const Bytes b = q8Block(expected);
  std::vector<float> y(32);
  dequantizeGgml(GgmlType::Q8_0, b.data(), 32, y.data());
  EXPECT_EQ(y[0], -64.0f);  // q = -128, d = 0.5
  EXPECT_EQ(y[1], 61.0f);   // q = 122
  for (int j = 0; j < 32; ++j) EXPECT_EQ(y[j], expected[j]) << j;
}

// --- Q4_0: { f16 d; uint8 qs[16] }: value j < 16 is the low nibble of qs[j], value j + 16 the
// high nibble; x = d·(nibble − 8) -------------------------------------------------------------
Bytes q4Block(std::vector<float>& expected) {
  Bytes b(18);
  putU16(b, 0, kHalf0_5);
  expected.assign(32, 0.0f);
  for (int j = 0; j < 16; ++j) {
    const int lo = j, hi = 15 - j;
    b[2 + j] = std::uint8_t(lo | (hi << 4));
    expected[j] = 0.5f * float(lo - 8);
    expected[j + 16] = 0.5f * float(hi - 8);
  }
  return b;
}

TEST(GgmlDequantize, Q4_0HandBuiltBlock) {
  std::vector<float> expected;
  const Bytes b = q4Block(expected);
  std::vector<float> y(32);
  dequantizeGgml(GgmlType::Q4_0, b.data(), 32, y.data());
  EXPECT_EQ(y[0], -4.0f);  // nibble 0  -> (0 − 8)·0.5
  EXPECT_EQ(y[15], 3.5f);  // nibble 15 -> (15 − 8)·0.5
  EXPECT_EQ(y[16], 3.5f);  // high nibble of qs[0] = 15
  EXPECT_EQ(y[31], -4.0f);
  for (int j = 0; j < 32; ++j) EXPECT_EQ(y[j], expected[j]) << j;
}

// --- Q4_K: { f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128] }. Eight sub-blocks of 32 with a
// 6-bit scale sc_j and min m_j: bytes 0-3 hold sc_0..3 in the low 6 bits and the top 2 bits of
// sc_4..7 in bits 6-7; bytes 4-7 the same for m; bytes 8-11 the low 4 bits of sc_4..7 (low
// nibble) and m_4..7 (high nibble). Element e of sub-block j = e / 32 takes the low nibble of
// qs[32·(j/2) + e%32] for even j, the high nibble for odd j. x = d·sc_j·q − dmin·m_j. ----------
const int kSc[8] = {1, 2, 3, 63, 17, 33, 48, 60};
const int kMin[8] = {0, 5, 63, 1, 20, 40, 31, 16};

Bytes q4kBlock(std::vector<float>& expected) {
  Bytes b(144, 0);
  putU16(b, 0, kHalf1);
  putU16(b, 2, kHalf0_5);
  for (int j = 0; j < 4; ++j) {
    b[4 + j] = std::uint8_t((kSc[j] & 63) | ((kSc[j + 4] >> 4) << 6));
    b[4 + 4 + j] = std::uint8_t((kMin[j] & 63) | ((kMin[j + 4] >> 4) << 6));
    b[4 + 8 + j] = std::uint8_t((kSc[j + 4] & 0xF) | ((kMin[j + 4] & 0xF) << 4));
  }
  expected.assign(256, 0.0f);
  for (int e = 0; e < 256; ++e) {
    const int j = e / 32, l = e % 32;
    const int q = (e * 5 + 3) % 16;
    std::uint8_t& byte = b[16 + 32 * (j / 2) + l];
    byte = std::uint8_t(j % 2 == 0 ? (byte & 0xF0) | q : (byte & 0x0F) | (q << 4));
    expected[e] = 1.0f * float(kSc[j]) * float(q) - 0.5f * float(kMin[j]);
  }
  return b;
}

TEST(GgmlDequantize, Q4_KHandBuiltBlock) {
  std::vector<float> expected;
  const Bytes b = q4kBlock(expected);
  std::vector<float> y(256);
  dequantizeGgml(GgmlType::Q4_K, b.data(), 256, y.data());
  // e = 0: sub-block 0 (sc 1, m 0), q = 3 -> 3.  e = 255: sub-block 7 (sc 60, m 16),
  // q = (255·5 + 3) % 16 = 14 -> 60·14 − 0.5·16 = 832.  e = 70: sub-block 2 (sc 3, m 63),
  // q = 353 % 16 = 1 -> 3 − 31.5 = −28.5.
  EXPECT_EQ(y[0], 3.0f);
  EXPECT_EQ(y[255], 832.0f);
  EXPECT_EQ(y[70], -28.5f);
  for (int e = 0; e < 256; ++e) EXPECT_EQ(y[e], expected[e]) << e;
}

// --- Q6_K: { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d }. Element e lies in half
// h = e/128; with r = (e%128)/32 and l = e%32 its low 4 bits are in ql[64h + l + 32·(r%2)]
// (low nibble for r < 2, high for r >= 2), its high 2 bits in bits 2r..2r+1 of qh[32h + l], its
// scale is scales[8h + l/16 + 2r]; x = d·scale·(q − 32). ---------------------------------------
Bytes q6kBlock(std::vector<float>& expected) {
  Bytes b(210, 0);
  putU16(b, 208, kHalf0_25);
  for (int i = 0; i < 16; ++i) b[192 + i] = std::uint8_t(std::int8_t(i - 8));
  expected.assign(256, 0.0f);
  for (int e = 0; e < 256; ++e) {
    const int h = e / 128, r = (e % 128) / 32, l = e % 32;
    const int q = (e * 7) % 64;
    std::uint8_t& lo = b[64 * h + l + 32 * (r % 2)];
    lo = std::uint8_t(r < 2 ? (lo & 0xF0) | (q & 0xF) : (lo & 0x0F) | ((q & 0xF) << 4));
    b[128 + 32 * h + l] |= std::uint8_t((q >> 4) << (2 * r));
    const int sc = 8 * h + l / 16 + 2 * r - 8;
    expected[e] = 0.25f * float(sc) * float(q - 32);
  }
  return b;
}

TEST(GgmlDequantize, Q6_KHandBuiltBlock) {
  std::vector<float> expected;
  const Bytes b = q6kBlock(expected);
  std::vector<float> y(256);
  dequantizeGgml(GgmlType::Q6_K, b.data(), 256, y.data());
  // e = 0: scale −8, q = 0 -> 0.25·(−8)·(−32) = 64.  e = 200: h 1, r 2, l 8 -> scale index
  // 8 + 0 + 4 = 12 -> 4; q = 1400 % 64 = 56 -> 0.25·4·24 = 24.
  EXPECT_EQ(y[0], 64.0f);
  EXPECT_EQ(y[200], 24.0f);
  for (int e = 0; e < 256; ++e) EXPECT_EQ(y[e], expected[e]) << e;
}

TEST(GgmlDequantize, RefusesTypesItCannotDecode) {
  Bytes b(176, 0);
  float y[256];
  try {
    dequantizeGgml(GgmlType::Q5_K, b.data(), 256, y);
    FAIL() << "Q5_K decoded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("Q5_K"), std::string::npos) << e.what();
  }
}

TEST(GgmlQuantize, Q8_0AndQ4_0HandValues) {
  // x_j = j − 16: the largest magnitude is x_0 = −16.
  std::vector<float> x(32);
  for (int j = 0; j < 32; ++j) x[j] = float(j - 16);
  Bytes q8(34), q4(18);
  quantizeRowQ8_0(x.data(), q8.data(), 32);
  quantizeRowQ4_0(x.data(), q4.data(), 32);
  // Q8_0: d = 16/127 (stored as f16), q = round(x·127/16): −16 -> −127, 1 -> round(7.9375) = 8,
  // −15 -> round(−119.06) = −119.
  EXPECT_EQ(std::int8_t(q8[2 + 0]), -127);
  EXPECT_EQ(std::int8_t(q8[2 + 17]), 8);
  EXPECT_EQ(std::int8_t(q8[2 + 1]), -119);
  // Q4_0: d = −16/−8 = 2, nibble = min(15, trunc(x/2 + 8.5)): −16 -> 0, 15 -> 15 (16 clamped),
  // 0 -> 8, 1 -> trunc(9.0) = 9, −1 -> trunc(8.0) = 8.
  EXPECT_EQ(q4[0] | (q4[1] << 8), 0x4000);  // f16 2.0
  EXPECT_EQ(q4[2 + 0] & 0xF, 0);            // x_0 = −16
  EXPECT_EQ(q4[2 + 15] >> 4, 15);           // x_31 = 15
  EXPECT_EQ(q4[2 + 0] >> 4, 8);             // x_16 = 0
  EXPECT_EQ(q4[2 + 1] >> 4, 9);             // x_17 = 1
  EXPECT_EQ(q4[2 + 15] & 0xF, 8);           // x_15 = −1
  std::vector<float> y(32);
  dequantizeGgml(GgmlType::Q4_0, q4.data(), 32, y.data());
  EXPECT_EQ(y[0], -16.0f);
  EXPECT_EQ(y[31], 14.0f);  // (15 − 8)·2
}

TEST(GgmlQuantize, RoundTripErrorIsWithinHalfAStep) {
  // Pseudo-random values over several blocks; the error of quantize -> dequantize is at most half
  // a step d plus what storing d as f16 (relative error <= 2^-11) costs at the largest code.
  std::vector<float> x(32 * 8);
  std::uint32_t s = 12345;
  for (auto& v : x) {
    s = s * 1664525u + 1013904223u;
    v = (float(s >> 8) / float(1 << 24) - 0.5f) * 7.0f;
  }
  Bytes q8(34 * 8), q4(18 * 8);
  quantizeRowQ8_0(x.data(), q8.data(), 256);
  quantizeRowQ4_0(x.data(), q4.data(), 256);
  std::vector<float> y8(256), y4(256);
  dequantizeGgml(GgmlType::Q8_0, q8.data(), 256, y8.data());
  dequantizeGgml(GgmlType::Q4_0, q4.data(), 256, y4.data());
  for (int b = 0; b < 8; ++b) {
    float amax = 0, max = 0;
    for (int j = 0; j < 32; ++j) {
      if (std::fabs(x[b * 32 + j]) > amax) {
        amax = std::fabs(x[b * 32 + j]);
        max = x[b * 32 + j];
      }
    }
    const float d8 = amax / 127;
    const float d4 = max / -8;  // signed: the extreme maps to code 0, i.e. −8·d4 = max
    for (int j = 0; j < 32; ++j) {
      const int i = b * 32 + j;
      EXPECT_LE(std::fabs(y8[i] - x[i]), 0.5f * d8 + 127 * d8 / 2048 + 1e-6f) << i;
      // Q4_0 codes reach −8..7: values beyond 7.5 steps on the other side are clamped to 7·d4.
      const float t = x[i] / d4;
      const float steps = t > 7.5f ? t - 7.0f : 0.5f;
      EXPECT_LE(std::fabs(y4[i] - x[i]), steps * std::fabs(d4) + 8 * std::fabs(d4) / 2048 + 1e-6f)
          << i;
    }
  }
}

// --- round trip -------------------------------------------------------------------------------

GgufWriter syntheticWriter(std::uint32_t alignment) {
  GgufWriter w(alignment);
  w.set("general.architecture", ggufString("llama"));
  w.set("t.u8", ggufUint(GgufType::Uint8, 250));
  w.set("t.i8", ggufInt(GgufType::Int8, -120));
  w.set("t.u16", ggufUint(GgufType::Uint16, 65000));
  w.set("t.i16", ggufInt(GgufType::Int16, -32000));
  w.set("t.u32", ggufUint(GgufType::Uint32, 4000000000u));
  w.set("t.i32", ggufInt(GgufType::Int32, -2000000000));
  w.set("t.u64", ggufUint(GgufType::Uint64, 18000000000000000000ull));
  w.set("t.i64", ggufInt(GgufType::Int64, -9000000000000000000ll));
  w.set("t.f32", ggufFloat32(0.1f));
  w.set("t.f64", ggufFloat64(0.1));
  w.set("t.bool", ggufBool(true));
  w.set("t.str", ggufString(std::string("h\xc3\xa9llo\0x", 8)));
  w.set("t.strs", ggufStringArray({"a", "", "\xe2\x96\x81the"}));
  w.set("t.f32s", ggufFloat32Array({-1.5f, 0.0f, 3.25f}));
  w.set("t.i32s", ggufInt32Array({-1, 2, 3}));
  w.set("t.nested", ggufArray(GgufType::Array,
                              {ggufInt32Array({1, 2}), ggufInt32Array({}), ggufInt32Array({7})}));
  w.set("t.bools", ggufArray(GgufType::Bool, {ggufBool(false), ggufBool(true)}));
  MatrixRM m(3, 4);
  m << 1, 2, 3, 4, 5, 6, 7, 8, -9, 10.5f, 0.25f, -0.125f;
  w.addMatrixF32("f32", m);
  // F16 [1, 2]: 1.0, -2.5 (0xC100), 65504 (0x7BFF), 2^-24 (0x0001, the smallest subnormal)
  w.addTensor("f16", {4}, GgmlType::F16, {0x00, 0x3C, 0x00, 0xC1, 0xFF, 0x7B, 0x01, 0x00});
  // BF16: 1.0 (0x3F80), -2.5 (0xC020)
  w.addTensor("bf16", {2}, GgmlType::BF16, {0x80, 0x3F, 0x20, 0xC0});
  std::vector<float> e;
  w.addTensor("q8", {32}, GgmlType::Q8_0, q8Block(e));
  Bytes q4 = q4Block(e);
  Bytes q4x2 = q4;
  q4x2.insert(q4x2.end(), q4.begin(), q4.end());
  w.addTensor("q4", {32, 2}, GgmlType::Q4_0, q4x2);
  w.addTensor("q4k", {256}, GgmlType::Q4_K, q4kBlock(e));
  w.addTensor("q6k", {256}, GgmlType::Q6_K, q6kBlock(e));
  return w;
}

TEST(Gguf, RoundTripsEveryMetadataTypeAndTensorType) {
  test::TempDir dir;
  for (std::uint32_t alignment : {32u, 64u}) {
    const auto path = dir / ("synthetic" + std::to_string(alignment) + ".gguf");
    syntheticWriter(alignment).write(path);
    const GgufFile f = GgufFile::open(path);
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.alignment(), alignment);
    EXPECT_EQ(f.dataOffset() % alignment, 0u);
    EXPECT_EQ(f.getString("general.architecture"), "llama");
    EXPECT_EQ(f.find("t.u8")->u, 250u);
    EXPECT_EQ(f.find("t.i8")->i, -120);
    EXPECT_EQ(f.find("t.u16")->u, 65000u);
    EXPECT_EQ(f.find("t.i16")->i, -32000);
    EXPECT_EQ(f.getInt("t.u32"), 4000000000ll);
    EXPECT_EQ(f.getInt("t.i32"), -2000000000ll);
    EXPECT_EQ(f.find("t.u64")->u, 18000000000000000000ull);
    EXPECT_THROW(f.getInt("t.u64"), Error);  // does not fit int64
    EXPECT_EQ(f.getInt("t.i64"), -9000000000000000000ll);
    EXPECT_EQ(f.getFloat("t.f32"), double(0.1f));
    EXPECT_EQ(f.getFloat("t.f64"), 0.1);
    EXPECT_TRUE(f.getBool("t.bool", false));
    EXPECT_EQ(f.getString("t.str"), std::string("h\xc3\xa9llo\0x", 8));
    EXPECT_EQ(f.getStringArray("t.strs"), (std::vector<std::string>{"a", "", "\xe2\x96\x81the"}));
    EXPECT_EQ(f.getFloatArray("t.f32s"), (std::vector<float>{-1.5f, 0.0f, 3.25f}));
    EXPECT_EQ(f.getIntArray("t.i32s"), (std::vector<std::int64_t>{-1, 2, 3}));
    const GgufValue* nested = f.find("t.nested");
    ASSERT_NE(nested, nullptr);
    ASSERT_EQ(nested->array.size(), 3u);
    EXPECT_EQ(nested->array_type, GgufType::Array);
    EXPECT_EQ(nested->array[0].array[1].i, 2);
    EXPECT_TRUE(nested->array[1].array.empty());
    EXPECT_EQ(nested->array[2].array[0].i, 7);
    EXPECT_TRUE(f.find("t.bools")->array[1].b);
    EXPECT_THROW(f.getString("t.u8"), Error);  // wrong type
    EXPECT_THROW(f.getInt("missing.key"), Error);
    EXPECT_EQ(f.getInt("missing.key", 42), 42);

    ASSERT_EQ(f.tensors().size(), 7u);
    const MatrixRM m = f.readMatrix("f32");
    ASSERT_EQ(m.rows(), 3);
    ASSERT_EQ(m.cols(), 4);
    EXPECT_EQ(m(2, 1), 10.5f);
    EXPECT_EQ(m(2, 3), -0.125f);
    EXPECT_EQ(f.findTensor("f32")->dims, (std::vector<std::uint64_t>{4, 3}));
    EXPECT_EQ(f.readFloats("f16"),
              (std::vector<float>{1.0f, -2.5f, 65504.0f, 5.9604644775390625e-08f}));
    EXPECT_EQ(f.readFloats("bf16"), (std::vector<float>{1.0f, -2.5f}));
    std::vector<float> e8, e4, e4k, e6k;
    q8Block(e8);
    q4Block(e4);
    q4kBlock(e4k);
    q6kBlock(e6k);
    EXPECT_EQ(f.readFloats("q8"), e8);
    const MatrixRM q4 = f.readMatrix("q4");
    ASSERT_EQ(q4.rows(), 2);
    for (int j = 0; j < 32; ++j) {
      EXPECT_EQ(q4(0, j), e4[j]);
      EXPECT_EQ(q4(1, j), e4[j]);
    }
    EXPECT_EQ(f.readFloats("q4k"), e4k);
    EXPECT_EQ(f.readFloats("q6k"), e6k);
    EXPECT_THROW(f.readFloats("nope"), Error);
  }
}

// --- corrupt input ----------------------------------------------------------------------------

// Opens `bytes` written to a file and expects an Error of `kind` whose message names the file
// and contains `phrase`.
void expectRefused(const test::TempDir& dir, const std::string& name, const Bytes& bytes,
                   ErrorKind kind, const std::string& phrase) {
  const auto path = dir / name;
  test::writeFile(path, std::string(bytes.begin(), bytes.end()));
  try {
    GgufFile::open(path);
    ADD_FAILURE() << name << ": opened without error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.kind(), kind) << name << ": " << msg;
    EXPECT_NE(msg.find(path.string()), std::string::npos) << name << ": " << msg;
    EXPECT_NE(msg.find(phrase), std::string::npos) << name << ": " << msg;
  }
}

template <class T>
void patch(Bytes& b, std::size_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}

// A file with one metadata key "k" (uint32) and one F32 tensor "t" of 8 values. Offsets:
// header 0..23, key length at 24, key at 32, type at 33, value at 37, tensor name length at 41,
// name at 49, n_dims at 50, dims at 54, ggml type at 62, tensor offset at 66.
Bytes smallFile() {
  GgufWriter w;
  w.set("k", ggufUint(GgufType::Uint32, 7));
  w.addVectorF32("t", VectorF::Constant(8, 1.0f));
  return w.serialize();
}

TEST(GgufCorrupt, SmallFileLayoutIsWhatTheTestsPatch) {
  const Bytes b = smallFile();
  std::uint64_t nameLen;
  std::memcpy(&nameLen, b.data() + 41, 8);
  EXPECT_EQ(nameLen, 1u);
  EXPECT_EQ(b[49], 't');
  std::uint32_t type;
  std::memcpy(&type, b.data() + 62, 4);
  EXPECT_EQ(type, 0u);
}

TEST(GgufCorrupt, EachDefectIsAClearErrorNamingTheFile) {
  test::TempDir dir;
  const Bytes good = smallFile();
  {
    Bytes b = good;
    std::memcpy(b.data(), "GGML", 4);
    expectRefused(dir, "magic.gguf", b, ErrorKind::InvalidInput, "magic is 'GGML'");
  }
  {
    Bytes b = good;
    patch<std::uint32_t>(b, 4, 1);
    expectRefused(dir, "v1.gguf", b, ErrorKind::Unsupported, "version 1");
  }
  {
    Bytes b = good;
    patch<std::uint32_t>(b, 4, 4);
    expectRefused(dir, "v4.gguf", b, ErrorKind::Unsupported, "version 4");
  }
  expectRefused(dir, "empty.gguf", {}, ErrorKind::InvalidInput, "not a GGUF file");
  expectRefused(dir, "header.gguf", Bytes(good.begin(), good.begin() + 14), ErrorKind::InvalidInput,
                "truncated");
  expectRefused(dir, "midkv.gguf", Bytes(good.begin(), good.begin() + 39), ErrorKind::InvalidInput,
                "only 15 bytes follow");
  expectRefused(dir, "tensorinfo.gguf", Bytes(good.begin(), good.begin() + 58),
                ErrorKind::InvalidInput, "truncated: tensor 't' dimension");
  expectRefused(dir, "data.gguf", Bytes(good.begin(), good.end() - 8), ErrorKind::InvalidInput,
                "tensor 't'");
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 16, std::uint64_t(1) << 40);
    expectRefused(dir, "kvcount.gguf", b, ErrorKind::InvalidInput, "1099511627776 metadata");
  }
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 8, std::uint64_t(1) << 50);
    expectRefused(dir, "tcount.gguf", b, ErrorKind::InvalidInput, "tensors");
  }
  {
    Bytes b = good;
    patch<std::uint32_t>(b, 62, 99);
    expectRefused(dir, "ggmltype.gguf", b, ErrorKind::InvalidInput, "unknown ggml type 99");
  }
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 24, 1u << 20);
    expectRefused(dir, "keylen.gguf", b, ErrorKind::InvalidInput, "runs past the end");
  }
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 41, std::numeric_limits<std::uint64_t>::max());
    expectRefused(dir, "namelen.gguf", b, ErrorKind::InvalidInput, "runs past the end");
  }
  {
    Bytes b = good;
    patch<std::uint32_t>(b, 33, 13);
    expectRefused(dir, "valtype.gguf", b, ErrorKind::InvalidInput, "unknown value type 13");
  }
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 66, 1u << 20);
    expectRefused(dir, "offset.gguf", b, ErrorKind::InvalidInput, "beyond the end of the file");
  }
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 66, 4);
    expectRefused(dir, "misaligned.gguf", b, ErrorKind::InvalidInput, "alignment");
  }
  {
    Bytes b = good;
    patch<std::uint64_t>(b, 54, std::uint64_t(1) << 40);  // a 4 TB F32 tensor
    expectRefused(dir, "huge.gguf", b, ErrorKind::InvalidInput, "beyond the end of the file");
  }
  {
    Bytes b = good;
    patch<std::uint32_t>(b, 50, 5);
    expectRefused(dir, "ndims.gguf", b, ErrorKind::InvalidInput, "5 dimensions");
  }
}

TEST(GgufCorrupt, HostileArraysFailBeforeAllocating) {
  test::TempDir dir;
  {  // an array claiming 2^61 uint64 elements
    GgufWriter w;
    w.set("a", ggufArray(GgufType::Uint64, {}));
    Bytes b = w.serialize();
    // key "a": length at 24, key at 32, value type at 33, element type at 37, count at 41
    patch<std::uint64_t>(b, 41, std::uint64_t(1) << 61);
    expectRefused(dir, "bigarray.gguf", b, ErrorKind::InvalidInput, "cannot fit");
  }
  {  // arrays nested 100 deep
    GgufValue v = ggufInt32Array({1});
    for (int d = 0; d < 100; ++d) v = ggufArray(GgufType::Array, {v});
    GgufWriter w;
    w.set("deep", v);
    expectRefused(dir, "deep.gguf", w.serialize(), ErrorKind::InvalidInput, "nested deeper");
  }
  {  // a string value longer than the file
    GgufWriter w;
    w.set("s", ggufString("abc"));
    Bytes b = w.serialize();
    patch<std::uint64_t>(b, 37, 1000);
    expectRefused(dir, "strlen.gguf", b, ErrorKind::InvalidInput, "runs past the end");
  }
  {  // duplicate key
    GgufWriter w;
    w.set("x", ggufBool(true));
    w.set("y", ggufBool(true));
    Bytes b = w.serialize();
    // second key's name byte: first kv is 8 + 1 + 4 + 1 = 14 bytes from 24; name at 38 + 8
    b[46] = 'x';
    expectRefused(dir, "dupkey.gguf", b, ErrorKind::InvalidInput, "duplicate metadata key 'x'");
  }
}

TEST(Gguf, AcceptsVersion2) {
  // v2 has v3's layout (v3 only added big-endian files), so a v2 header reads the same.
  test::TempDir dir;
  std::vector<std::uint8_t> b = smallFile();
  patch<std::uint32_t>(b, 4, 2);
  test::writeFile(dir / "v2.gguf", std::string(b.begin(), b.end()));
  const GgufFile f = GgufFile::open(dir / "v2.gguf");
  EXPECT_EQ(f.version(), 2u);
  EXPECT_EQ(f.getInt("k"), 7);
  EXPECT_EQ(f.readFloats("t"), std::vector<float>(8, 1.0f));
}

TEST(GgufCorrupt, BigEndianFileIsNamedAsSuch) {
  test::TempDir dir;
  std::vector<std::uint8_t> b = smallFile();
  patch<std::uint32_t>(b, 4, 0x03000000u);
  expectRefused(dir, "be.gguf", b, ErrorKind::Unsupported, "big-endian");
}

TEST(GgufCorrupt, MissingFileIsNotFound) {
  test::TempDir dir;
  try {
    GgufFile::open(dir / "absent.gguf");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
  }
}

}  // namespace
}  // namespace slmq::core
