// chinese-hubert-base (HF HubertModel) as upstream uses it: TTS.py calls
// `cnhuhbert_model.model(wav16k.unsqueeze(0))["last_hidden_state"]` directly, bypassing the
// Wav2Vec2 feature extractor, so the 16 kHz waveform goes in *unnormalised*.
//
//   wav [B, N] -> conv feature encoder (conv0 + GroupNorm(C groups) + GELU, then convs + GELU, no bias)
//     -> [B, T50, 512] -> LayerNorm + Linear -> [B, T50, 768]
//     -> + GELU(pos_conv(x)[:-1])   (k=128, pad 64, groups 16, weight norm over dim 2; an even kernel
//                                    gives one frame too many, which HubertSamePadLayer drops)
//     -> encoder LayerNorm (before the layers) -> 12 post-LN layers -> last_hidden_state [B, T50, 768]
//
// Sizes come from the folder's config.json (HF defaults for absent keys), so tests can use a small one.
#pragma once

#include <mlx/mlx.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <vector>

#include "core/layers.h"
#include "core/weights.h"

namespace gsv::models {

namespace mx = mlx::core;

struct CnHubertConfig {
  int hidden = 768, layers = 12, heads = 12, ffn = 3072;
  std::vector<int> conv_dim = std::vector<int>(7, 512);
  std::vector<int> conv_kernel = {10, 3, 3, 3, 3, 2, 2};
  std::vector<int> conv_stride = {5, 2, 2, 2, 2, 2, 2};
  bool conv_bias = false;
  int pos_kernel = 128, pos_groups = 16;
  float layer_norm_eps = 1e-5f;
  bool feat_proj_layer_norm = true;
};

// Reads an HF HubertConfig (config.json). Throws Unsupported for variants upstream never uses
// (feat_extract_norm "layer", do_stable_layer_norm, conv_pos_batch_norm, non-GELU activations).
CnHubertConfig cnhubert_config_from_json(const nlohmann::json& config);

struct CnHubertLayer {
  Linear q, k, v, out;
  LayerNorm attn_norm;
  Linear ffn_in, ffn_out;
  LayerNorm final_norm;
};

struct CnHubert {
  CnHubertConfig config;
  std::vector<Conv1d> convs;   // feature encoder, MLX layout
  LayerNorm conv0_norm;        // nn.GroupNorm(num_groups = channels), eps 1e-5
  std::optional<LayerNorm> projection_norm;
  Linear projection;
  mx::array pos_conv_weight;   // [hidden, kernel, hidden / groups], weight norm fused
  mx::array pos_conv_bias;     // [hidden]
  LayerNorm encoder_norm;
  std::vector<CnHubertLayer> layers;
};

// Takes HubertModel-level names (no "hubert." prefix); fails naming any missing or misshapen key and
// on unexpected keys (masked_spec_embed, the unused SpecAugment vector, is allowed).
CnHubert load_cnhubert(WeightMap& weights, const CnHubertConfig& config);

// An HF folder: config.json plus pytorch_model.bin (zip, read with gsv::TorchFile) or
// model.safetensors. Accepts "hubert."-prefixed keys (head checkpoints: the head is ignored, as
// HubertModel.from_pretrained does) and both weight-norm namings (weight_g/weight_v and
// parametrizations.weight.original0/1). fp16 files are upcast to fp32.
CnHubert load_cnhubert_dir(const std::filesystem::path& dir);

// Reads the weights of an HF folder into a WeightMap (exposed for tests that rename keys).
WeightMap read_cnhubert_weights(const std::filesystem::path& dir);

// Number of 50 Hz frames for `samples` input samples (HubertModel._get_feat_extract_output_lengths).
int cnhubert_frames(const CnHubertConfig& config, int samples);

// wav [B, N] float32 at 16 kHz, not normalised -> last_hidden_state [B, T50, hidden].
mx::array cnhubert_forward(const CnHubert& model, const mx::array& wav);

// The stages, for tests: feature encoder output [B, T50, conv_dim[-1]]; projection [B, T50, hidden];
// positional conv branch (after the dropped frame and GELU, before the add) [B, T50, hidden].
mx::array cnhubert_features(const CnHubert& model, const mx::array& wav);
mx::array cnhubert_projection(const CnHubert& model, const mx::array& features);
mx::array cnhubert_pos_conv(const CnHubert& model, const mx::array& hidden);

}  // namespace gsv::models
