// ggml type traits and scalar reference dequantizers (see ggml_types.h). The arithmetic follows
// ggml-quants.c's dequantize_row_* in the same order of float operations, so results are
// bit-identical to llama.cpp's CPU reference.
#include "core/io/ggml_types.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/common/error.h"
#include "core/io/dtype.h"

namespace slmq::core {

namespace {

std::uint16_t loadU16(const std::uint8_t* p) noexcept {
  return std::uint16_t(p[0] | (std::uint16_t(p[1]) << 8));
}

float loadHalf(const std::uint8_t* p) noexcept {
  return f16ToF32(loadU16(p));
}

// Q4_K / Q5_K: scale and min of sub-block j (0..7) from the 12-byte packed array `q`.
void scaleMinK4(int j, const std::uint8_t* q, std::uint8_t& d, std::uint8_t& m) noexcept {
  if (j < 4) {
    d = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    d = std::uint8_t((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    m = std::uint8_t((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
  }
}

}  // namespace

GgmlTypeTraits ggmlTypeTraits(GgmlType type) noexcept {
  switch (type) {
    case GgmlType::F32:
      return {"F32", 1, 4, true};
    case GgmlType::F16:
      return {"F16", 1, 2, true};
    case GgmlType::BF16:
      return {"BF16", 1, 2, true};
    case GgmlType::Q4_0:
      return {"Q4_0", 32, 18, true};
    case GgmlType::Q4_1:
      return {"Q4_1", 32, 20, false};
    case GgmlType::Q5_0:
      return {"Q5_0", 32, 22, false};
    case GgmlType::Q5_1:
      return {"Q5_1", 32, 24, false};
    case GgmlType::Q8_0:
      return {"Q8_0", 32, 34, true};
    case GgmlType::Q8_1:
      return {"Q8_1", 32, 36, false};
    case GgmlType::Q2_K:
      return {"Q2_K", 256, 84, false};
    case GgmlType::Q3_K:
      return {"Q3_K", 256, 110, false};
    case GgmlType::Q4_K:
      return {"Q4_K", 256, 144, true};
    case GgmlType::Q5_K:
      return {"Q5_K", 256, 176, false};
    case GgmlType::Q6_K:
      return {"Q6_K", 256, 210, true};
    case GgmlType::Q8_K:
      return {"Q8_K", 256, 292, false};
  }
  return {};
}

std::string ggmlTypeName(GgmlType type) {
  const GgmlTypeTraits t = ggmlTypeTraits(type);
  return t.name ? std::string(t.name) : "type " + std::to_string(std::uint32_t(type));
}

void dequantizeRowQ8_0(const std::uint8_t* src, float* dst, std::int64_t k) noexcept {
  // block { f16 d; int8 qs[32]; }  ->  y[j] = qs[j]·d
  for (std::int64_t b = 0; b < k / kQK8_0; ++b) {
    const std::uint8_t* blk = src + b * kBlockQ8_0Bytes;
    const float d = loadHalf(blk);
    for (int j = 0; j < kQK8_0; ++j) {
      dst[b * kQK8_0 + j] = float(std::int8_t(blk[2 + j])) * d;
    }
  }
}

void dequantizeRowQ4_0(const std::uint8_t* src, float* dst, std::int64_t k) noexcept {
  // block { f16 d; uint8 qs[16]; }: low nibbles are values 0..15, high nibbles values 16..31.
  for (std::int64_t b = 0; b < k / kQK4_0; ++b) {
    const std::uint8_t* blk = src + b * kBlockQ4_0Bytes;
    const float d = loadHalf(blk);
    const std::uint8_t* qs = blk + 2;
    float* y = dst + b * kQK4_0;
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      const int x0 = (qs[j] & 0x0F) - 8;
      const int x1 = (qs[j] >> 4) - 8;
      y[j] = float(x0) * d;
      y[j + kQK4_0 / 2] = float(x1) * d;
    }
  }
}

void dequantizeRowQ4_K(const std::uint8_t* src, float* dst, std::int64_t k) noexcept {
  // block { f16 d; f16 dmin; uint8 scales[12]; uint8 qs[128]; }. Each 64 values use 32 bytes of
  // qs: the low nibbles are sub-block 2i (scale is), the high nibbles sub-block 2i+1 (is+1).
  for (std::int64_t b = 0; b < k / kQK_K; ++b) {
    const std::uint8_t* blk = src + b * kBlockQ4_KBytes;
    const float d = loadHalf(blk);
    const float dmin = loadHalf(blk + 2);
    const std::uint8_t* scales = blk + 4;
    const std::uint8_t* q = blk + 16;
    float* y = dst + b * kQK_K;
    int is = 0;
    for (int j = 0; j < kQK_K; j += 64) {
      std::uint8_t sc, m;
      scaleMinK4(is + 0, scales, sc, m);
      const float d1 = d * float(sc);
      const float m1 = dmin * float(m);
      scaleMinK4(is + 1, scales, sc, m);
      const float d2 = d * float(sc);
      const float m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) *y++ = d1 * float(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * float(q[l] >> 4) - m2;
      q += 32;
      is += 2;
    }
  }
}

void dequantizeRowQ6_K(const std::uint8_t* src, float* dst, std::int64_t k) noexcept {
  // block { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; f16 d; }. Each half (128 values) uses
  // 64 bytes of ql, 32 of qh and 8 scales; value l + 32·r takes its low 4 bits from ql and its
  // high 2 bits from bits 2r..2r+1 of qh[l].
  for (std::int64_t b = 0; b < k / kQK_K; ++b) {
    const std::uint8_t* blk = src + b * kBlockQ6_KBytes;
    const float d = loadHalf(blk + 208);
    const std::uint8_t* ql = blk;
    const std::uint8_t* qh = blk + 128;
    const std::int8_t* sc = reinterpret_cast<const std::int8_t*>(blk + 192);
    float* y = dst + b * kQK_K;
    for (int n = 0; n < kQK_K; n += 128) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = int((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = int((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = int((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = int((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l + 0] = d * float(sc[is + 0]) * float(q1);
        y[l + 32] = d * float(sc[is + 2]) * float(q2);
        y[l + 64] = d * float(sc[is + 4]) * float(q3);
        y[l + 96] = d * float(sc[is + 6]) * float(q4);
      }
      y += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
}

void quantizeRowQ8_0(const float* src, std::uint8_t* dst, std::int64_t k) noexcept {
  for (std::int64_t b = 0; b < k / kQK8_0; ++b) {
    const float* x = src + b * kQK8_0;
    std::uint8_t* blk = dst + b * kBlockQ8_0Bytes;
    float amax = 0.0f;
    for (int j = 0; j < kQK8_0; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / float((1 << 7) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const std::uint16_t dh = f32ToF16(d);
    blk[0] = std::uint8_t(dh & 0xFF);
    blk[1] = std::uint8_t(dh >> 8);
    for (int j = 0; j < kQK8_0; ++j) {
      blk[2 + j] = std::uint8_t(std::int8_t(std::round(x[j] * id)));  // roundf: half away from 0
    }
  }
}

void quantizeRowQ4_0(const float* src, std::uint8_t* dst, std::int64_t k) noexcept {
  for (std::int64_t b = 0; b < k / kQK4_0; ++b) {
    const float* x = src + b * kQK4_0;
    std::uint8_t* blk = dst + b * kBlockQ4_0Bytes;
    float amax = 0.0f, max = 0.0f;  // largest magnitude and its signed value
    for (int j = 0; j < kQK4_0; ++j) {
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const std::uint16_t dh = f32ToF16(d);
    blk[0] = std::uint8_t(dh & 0xFF);
    blk[1] = std::uint8_t(dh >> 8);
    for (int j = 0; j < kQK4_0 / 2; ++j) {
      const float x0 = x[j] * id;
      const float x1 = x[kQK4_0 / 2 + j] * id;
      const int xi0 = std::min(15, int(std::int8_t(x0 + 8.5f)));
      const int xi1 = std::min(15, int(std::int8_t(x1 + 8.5f)));
      blk[2 + j] = std::uint8_t(xi0 | (xi1 << 4));
    }
  }
}

void dequantizeGgml(GgmlType type, const void* src, std::size_t count, float* dst) {
  const GgmlTypeTraits t = ggmlTypeTraits(type);
  if (!t.decodable) {
    throw Error(ErrorKind::Unsupported, "cannot dequantize ggml " + ggmlTypeName(type) +
                                            " (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
  }
  if (count % t.block_elements != 0) {
    throw Error(ErrorKind::Internal, "dequantizeGgml: " + std::to_string(count) +
                                         " values is not a whole number of " + t.name + " blocks");
  }
  const auto* p = static_cast<const std::uint8_t*>(src);
  const auto k = std::int64_t(count);
  switch (type) {
    case GgmlType::F32:
      decodeF32(p, count, dst);
      break;
    case GgmlType::F16:
      decodeF16(p, count, dst);
      break;
    case GgmlType::BF16:
      decodeBf16(p, count, dst);
      break;
    case GgmlType::Q8_0:
      dequantizeRowQ8_0(p, dst, k);
      break;
    case GgmlType::Q4_0:
      dequantizeRowQ4_0(p, dst, k);
      break;
    case GgmlType::Q4_K:
      dequantizeRowQ4_K(p, dst, k);
      break;
    case GgmlType::Q6_K:
      dequantizeRowQ6_K(p, dst, k);
      break;
    default:
      break;
  }
}

}  // namespace slmq::core
