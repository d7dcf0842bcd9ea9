// Layers as plain structs of weights plus free functions, channels-last like MLX:
// sequences are [B, T, C]. Loaders read PyTorch names and shapes from a WeightMap, convert to MLX
// layouts and fuse weight norm, so the forward functions never see PyTorch conventions.
#pragma once

#include <mlx/mlx.h>

#include <optional>
#include <string>

#include "core/weights.h"

namespace gsv {

namespace mx = mlx::core;

// ---------------------------------------------------------------- weight norm
// torch.nn.utils.weight_norm: w = g * v / ||v||, the norm taken over every dim except `dim`.
// Most modules use dim 0 (for ConvTranspose1d dim 0 is C_in); HuBERT's pos_conv uses dim 2.
mx::array fuse_weight_norm(const mx::array& g, const mx::array& v, int dim);

enum class WeightNorm { None, Dim0, Dim2 };

// Reads `<prefix>weight`, or `<prefix>weight_g`/`weight_v` (also the newer
// `parametrizations.weight.original0/1` names) fused with weight norm, in PyTorch layout.
mx::array load_maybe_normed_weight(WeightMap& w, const std::string& prefix, const mx::Shape& torch_shape,
                                   WeightNorm norm);

// ---------------------------------------------------------------- linear
struct Linear {
  mx::array weight;  // [out, in], as torch stores it
  std::optional<mx::array> bias;
};
Linear load_linear(WeightMap& w, const std::string& prefix, int in, int out, bool bias = true);
mx::array linear(const mx::array& x, const Linear& l);  // [..., in] -> [..., out]

// ---------------------------------------------------------------- conv1d
struct Conv1dSpec {
  int in = 0, out = 0, kernel = 1;
  int stride = 1, padding = 0, dilation = 1, groups = 1;
  bool bias = true;
  WeightNorm weight_norm = WeightNorm::None;
};
struct Conv1d {
  mx::array weight;  // MLX layout [out, kernel, in / groups]
  std::optional<mx::array> bias;
  int stride = 1, padding = 0, dilation = 1, groups = 1;
};
Conv1d load_conv1d(WeightMap& w, const std::string& prefix, const Conv1dSpec& spec);
mx::array conv1d(const mx::array& x, const Conv1d& c);  // [B, T, in] -> [B, T', out]

// ---------------------------------------------------------------- conv_transpose1d
struct ConvTranspose1dSpec {
  int in = 0, out = 0, kernel = 1;
  int stride = 1, padding = 0, output_padding = 0;
  bool bias = true;
  WeightNorm weight_norm = WeightNorm::None;
};
struct ConvTranspose1d {
  mx::array weight;  // MLX layout [out, kernel, in]
  std::optional<mx::array> bias;
  int stride = 1, padding = 0, output_padding = 0;
};
ConvTranspose1d load_conv_transpose1d(WeightMap& w, const std::string& prefix, const ConvTranspose1dSpec& spec);
mx::array conv_transpose1d(const mx::array& x, const ConvTranspose1d& c);

// ---------------------------------------------------------------- conv2d
struct Conv2dSpec {
  int in = 0, out = 0, kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  int groups = 1;
  bool bias = true;
};
struct Conv2d {
  mx::array weight;  // MLX layout [out, kh, kw, in / groups]
  std::optional<mx::array> bias;
  int stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, groups = 1;
};
Conv2d load_conv2d(WeightMap& w, const std::string& prefix, const Conv2dSpec& spec);
mx::array conv2d(const mx::array& x, const Conv2d& c);  // [B, H, W, in] -> [B, H', W', out]

// ---------------------------------------------------------------- norms
struct LayerNorm {
  mx::array weight, bias;
  float eps = 1e-5f;
};
// `weight_name`/`bias_name` default to torch's; SoVITS's modules.LayerNorm uses gamma/beta.
LayerNorm load_layer_norm(WeightMap& w, const std::string& prefix, int dim, float eps,
                          const std::string& weight_name = "weight", const std::string& bias_name = "bias");
mx::array layer_norm(const mx::array& x, const LayerNorm& ln);  // over the last axis

// nn.GroupNorm with num_groups == channels (HuBERT conv0): normalise each channel over time.
mx::array group_norm_per_channel(const mx::array& x /*[B, T, C]*/, const LayerNorm& gn);

// ---------------------------------------------------------------- embedding
struct Embedding {
  mx::array table;  // [num, dim]
};
Embedding load_embedding(WeightMap& w, const std::string& name, int num, int dim);
mx::array embedding(const mx::array& ids, const Embedding& e);  // ids [...] -> [..., dim]

// ---------------------------------------------------------------- activations
mx::array gelu_exact(const mx::array& x);  // erf GELU (torch default, BERT/HuBERT)
mx::array relu(const mx::array& x);
mx::array leaky_relu(const mx::array& x, float slope);
mx::array mish(const mx::array& x);
mx::array softplus(const mx::array& x);

// A float scalar in x's dtype (a bare float would promote half arrays to float32).
inline mx::array scalar_like(float v, const mx::array& x) { return mx::array(v, x.dtype()); }

}  // namespace gsv
