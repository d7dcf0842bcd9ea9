// Linear layers and decode attention of the T2S decoder, with CPU kernels for the decode step.
//
// Decoding multiplies one activation row by every weight matrix, so it is bound by how fast the
// weights stream from memory. MLX's CPU backend sends a 1-row matmul to cblas_sgemm, and OpenBLAS
// 0.3.21 then packs the whole weight matrix first (sgemm_incopy: ~40% of a decode step in perf),
// about half the speed of cblas_sgemv on the same data (302 MB of block weights: 53 vs 25 ms per
// token on one core); its float16/bfloat16 matmul and quantized matmul are slower still (a scalar
// loop: 2-10x the float32 time). The primitives here keep the graph lazy and run:
//   * float32 weights: cblas_sgemv per activation row;
//   * float16 / bfloat16 / MLX affine 8- and 4-bit weights: dot products that read the stored
//     format directly and accumulate in float32 (AVX2 + F16C when the CPU has them, plain loops
//     otherwise), so the smaller formats also read fewer bytes per token;
//   * attention of the one new query over the KV cache: one cblas_sgemv pair per head.
// Prefill (many rows) converts the stored weights to float32 and uses mx::matmul (BLAS GEMM). On a
// GPU default device everything goes to MLX's own kernels.
#pragma once

#include <mlx/mlx.h>

#include <optional>

namespace gsv {

namespace mx = mlx::core;

// A linear layer as the T2S loader stores it: dense [out, in] (float32, float16 or bfloat16, as
// torch lays it out), or MLX affine-quantized along `in` (mx::quantize: packed uint32 words, and per
// group of `group_size` inputs a float32 scale and offset: w = scale * q + offset).
struct T2SLinear {
  mx::array weight{0.0f};
  std::optional<mx::array> scales;       // quantized only
  std::optional<mx::array> zero_points;  // quantized only (MLX calls them "biases")
  std::optional<mx::array> bias;         // [out], float32
  int bits = 0;                          // 0 = dense; 8 or 4
  int group_size = 0;
};

// y = x W^T + b for float32 x [..., in]; returns float32 [..., out].
mx::array t2s_linear(const mx::array& x, const T2SLinear& l);

// The weight as a dense float32 [out, in] (dequantized or upcast).
mx::array dense_float32(const T2SLinear& l);

// Rows up to this count take the matrix-vector kernels; more rows (prefill) take GEMM.
inline constexpr int kMaxGemvRows = 4;

// Attention of one new query per head over the first `length` cached positions:
// softmax(q K^T * scale) V with q [B, H, 1, D] and caches [B, H, capacity, D] -> [B, H, 1, D].
mx::array decode_attention(const mx::array& q, const mx::array& k_cache, const mx::array& v_cache, int length,
                           float scale);

// The prefill's attention, softmax(q K^T * scale + mask) V with q, k, v [B, H, L, D], where the
// mask is upstream's: with `text_len` < L, every row sees columns < text_len and rows >= text_len
// also see columns <= row (text_len == L: no mask). On the CPU in float32 the two products are BLAS
// GEMMs and the masked softmax is a vectorised loop (MLX's CPU exp is scalar: 30% of a prefill);
// otherwise mx::fast::scaled_dot_product_attention with a boolean mask.
mx::array prefill_attention(const mx::array& q, const mx::array& k, const mx::array& v, int text_len, float scale);

}  // namespace gsv
