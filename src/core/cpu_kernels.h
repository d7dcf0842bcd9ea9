// Fused elementwise CPU kernels for ops that MLX's Linux CPU wheel runs slowly.
//
// The x86-64 wheel is built without SIMD for its math functions (backend/cpu/simd has only NEON and
// Accelerate back-ends, so max_size = 1): mx::erf costs ~37 ns per element, and the exact GELU
// x/2·(1 + erf(x/√2)) built from five MLX ops ~40 ns. HuBERT's conv stack alone applies GELU to
// 32 M values for 10 s of audio (~1.2 s of CPU). These kernels are plain loops that the compiler
// vectorises, wrapped as MLX primitives so they stay lazy and graph-friendly (with gradients).
#pragma once

#include <mlx/mlx.h>

namespace gsv {

namespace mx = mlx::core;

// Exact (erf) GELU of a float32 array on the CPU, as torch.nn.functional.gelu(approximate="none").
// erf uses the Abramowitz-Stegun 7.1.26 approximation (|error| < 1.5e-7), the one PyTorch's and MLX's
// vectorised CPU kernels use. Other dtypes or devices fall back to composed MLX ops.
mx::array gelu_erf_cpu(const mx::array& x);

// Softmax over the last axis of a float32 array on the CPU (exp(x - max) / sum, as torch.softmax);
// mx::softmax(precise) for other dtypes and devices. MLX's CPU softmax has the same scalar exp.
mx::array softmax_cpu(const mx::array& x);

}  // namespace gsv
