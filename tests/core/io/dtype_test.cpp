// f16 / bf16 conversions against IEEE 754 values worked by hand (and numpy's float16 / PyTorch's
// bfloat16 rounding: round to nearest, ties to even).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/io/dtype.h"

using namespace slmq::core;

TEST(Dtype, F16DecodesNormalsSubnormalsAndSpecials) {
  EXPECT_EQ(f16ToF32(0x3C00), 1.0f);
  EXPECT_EQ(f16ToF32(0xC000), -2.0f);
  EXPECT_EQ(f16ToF32(0x7BFF), 65504.0f);         // largest normal
  EXPECT_EQ(f16ToF32(0x0400), 0x1p-14f);         // smallest normal
  EXPECT_EQ(f16ToF32(0x0001), 0x1p-24f);         // smallest subnormal
  EXPECT_EQ(f16ToF32(0x03FF), 1023 * 0x1p-24f);  // largest subnormal
  EXPECT_EQ(f16ToF32(0x3555), 0x1.554p-2f);      // 0.333251953125
  EXPECT_TRUE(std::isinf(f16ToF32(0x7C00)));
  EXPECT_TRUE(std::isnan(f16ToF32(0x7E00)));
  EXPECT_TRUE(std::signbit(f16ToF32(0x8000)));
}

TEST(Dtype, F16EncodeRoundsToNearestEven) {
  EXPECT_EQ(f32ToF16(1.0f), 0x3C00);
  EXPECT_EQ(f32ToF16(1.0f + 0x1p-11f), 0x3C00);      // tie -> even (down)
  EXPECT_EQ(f32ToF16(1.0f + 3 * 0x1p-11f), 0x3C02);  // tie -> even (up)
  EXPECT_EQ(f32ToF16(65520.0f), 0x7C00);             // rounds to inf
  EXPECT_EQ(f32ToF16(65519.0f), 0x7BFF);
  EXPECT_EQ(f32ToF16(0x1p-25f), 0x0000);  // tie between 0 and 2^-24 -> 0
  EXPECT_EQ(f32ToF16(0x1.8p-25f), 0x0001);
  EXPECT_EQ(f32ToF16(0x1p-24f * 3), 0x0003);
  EXPECT_EQ(f32ToF16(-0.0f), 0x8000);
  EXPECT_EQ(f32ToF16(std::numeric_limits<float>::quiet_NaN()) & 0x7C00, 0x7C00);
  for (std::uint32_t h = 0; h < 0x7C00; ++h) EXPECT_EQ(f32ToF16(f16ToF32(std::uint16_t(h))), h);
}

TEST(Dtype, Bf16RoundTripAndRounding) {
  EXPECT_EQ(bf16ToF32(0x3F80), 1.0f);
  EXPECT_EQ(bf16ToF32(0xC0490000 >> 16), -3.140625f);
  EXPECT_EQ(f32ToBf16(1.0f + 0x1p-8f), 0x3F80);      // tie -> even (down)
  EXPECT_EQ(f32ToBf16(1.0f + 3 * 0x1p-8f), 0x3F82);  // tie -> even (up)
  EXPECT_EQ(f32ToBf16(1.0f + 0x1.2p-8f), 0x3F81);    // above tie -> up
  EXPECT_TRUE(std::isnan(bf16ToF32(f32ToBf16(std::numeric_limits<float>::quiet_NaN()))));
  float out[2];
  const unsigned char raw[4] = {0x80, 0x3F, 0xC0, 0xBF};  // little-endian 1.0, -1.5
  decodeBf16(raw, 2, out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -1.5f);
}
