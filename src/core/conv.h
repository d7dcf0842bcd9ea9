// Convolutions that stay on GEMM paths on the CPU.
//
// MLX's CPU backend runs some conv configurations as a single-threaded naive loop
// (mlx-cpp.md §3.2): kernel dilation > 1, every transposed conv with stride > 1, and grouped convs
// in their gradients (and all grouped/dilated 2-D convs). These functions rewrite those cases
// into dense convs or matmuls that go through BLAS (§3.5), on CPU streams; on GPU streams they call
// MLX's native kernels. All tensors are channels-last, as everywhere in MLX:
//   x [B, T, C_in], weight [C_out, K, C_in / groups] -> [B, T_out, C_out].
#pragma once

#include <mlx/mlx.h>

namespace gsv {

namespace mx = mlx::core;

enum class ConvRoute {
  Auto,     // rewrites on CPU, native on GPU
  Native,   // always mx::conv_general / mx::conv_transpose1d (the reference for tests and benches)
  Rewrite,  // always the GEMM rewrites
};

// Process-wide switch, for tests and benchmarks. Default Auto.
void set_conv_route(ConvRoute route);
ConvRoute conv_route();

// Cross-correlation as torch.nn.Conv1d computes it, with separate left/right zero padding.
mx::array conv1d_any(const mx::array& x, const mx::array& weight, int stride, int pad_left,
                     int pad_right, int dilation, int groups);

// torch.nn.ConvTranspose1d (groups = 1). `weight` is in MLX layout [C_out, K, C_in], i.e.
// torch's [C_in, C_out, K] transposed (1, 2, 0).
mx::array conv_transpose1d_any(const mx::array& x, const mx::array& weight, int stride, int padding,
                               int output_padding);

// The rewrites themselves, exposed for the tests and benchmarks that compare them with MLX.
mx::array conv1d_dilated_rewrite(const mx::array& x, const mx::array& weight, int pad_left,
                                 int pad_right, int dilation);
// Stride-1 ungrouped conv as a sum over kernel taps of GEMMs on shifted views of the padded input.
mx::array conv1d_tap_sum_rewrite(const mx::array& x, const mx::array& weight, int pad_left, int pad_right,
                                 int dilation);
mx::array conv1d_grouped_rewrite(const mx::array& x, const mx::array& weight, int stride,
                                 int pad_left, int pad_right, int dilation, int groups);
mx::array conv_transpose1d_rewrite(const mx::array& x, const mx::array& weight, int stride,
                                   int padding, int output_padding);

}  // namespace gsv
