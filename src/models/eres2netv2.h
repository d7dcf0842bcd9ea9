// ERes2NetV2, the speaker-verification network of the v2Pro / v2ProPlus speaker branch, as upstream's
// sv.py instantiates it: ERes2NetV2(baseWidth=24, scale=4, expansion=4) (GPT_SoVITS/eres2net, from
// 3D-Speaker), loaded from GPT_SoVITS/pretrained_models/sv/pretrained_eres2netv2w24s4ep4.ckpt (a raw
// state_dict). v2Pro uses `forward3`, not the speaker embedding:
//
//   fbank [B, T, 80] -> image [B, F=80, T, 1]            (frequency is the H axis; channels-last here)
//     stem:   conv 3x3 (1 -> m) + BN + ReLU               (plain ReLU)
//     layer1: blocks x planes m,  stride 1 -> 4m ch       (BasicBlockERes2NetV2)
//     layer2: blocks x planes 2m, stride 2 -> 8m ch
//     layer3: blocks x planes 4m, stride 2 -> 16m ch      (BasicBlockERes2NetV2AFF)
//     layer4: blocks x planes 8m, stride 2 -> 32m ch
//     fuse34(layer4 out, layer3_ds(layer3 out))           (AFF; layer3_ds: conv 3x3 stride 2, no BN)
//     -> flatten(channel, freq) (index c * F' + f) and mean over time -> [B, 32m * 10]
//
// With m = 64 the output is [B, 20480]. Inside the blocks "ReLU" is Hardtanh(0, 20). A block:
//   out = clip(BN(conv1x1(x, stride)))  split into `scale` groups of `width` channels;
//   sp_0 = clip(BN(conv3x3(g_0))), sp_i = clip(BN(conv3x3(sp_{i-1} + g_i)))   (AFF blocks: AFF(sp_{i-1}, g_i));
//   clip(BN(conv1x1(cat(sp)) + shortcut(x))), the shortcut a strided conv1x1 + BN when the shape changes.
// AFF(x, y): a = 1 + tanh(BN(conv1x1(SiLU(BN(conv1x1(cat(x, y))))))), out = x a + y (2 - a).
//
// Every BatchNorm (eval, eps 1e-5) is folded into the conv before it at load; the TSTP pooling and
// seg_1 (the real speaker embedding) are not used by forward3 and are not loaded. On the CPU the narrow
// stride-1 3x3 convs of the Res2Net groups run as nine GEMMs on shifted views instead of MLX's im2col
// conv (docs/benchmarks.md §7); core/conv.h's set_conv_route(Native) turns that off.
#pragma once

#include <mlx/mlx.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "core/weights.h"

namespace gsv::models {

namespace mx = mlx::core;

struct ERes2NetV2Config {
  // Read from the checkpoint's shapes (conv1.weight and the layer{1-4}.{b}. keys).
  int m_channels = 64;
  std::vector<int> num_blocks = {3, 4, 6, 3};
  // Fixed: the values sv.py passes (the checkpoint's name says w24 s4 ep4).
  int base_width = 24, scale = 4, expansion = 4;
};

// A conv with its BatchNorm folded in (MLX layout [out, kh, kw, in], bias always present).
struct ConvBn {
  mx::array weight = mx::array(0.0f), bias = mx::array(0.0f);
  int stride = 1, padding = 0;
};

struct Aff {
  ConvBn squeeze;  // local_att.0 + .1: 2C -> C/4, then SiLU
  ConvBn expand;   // local_att.3 + .4: C/4 -> C, then 1 + tanh
};

struct ERes2NetV2Block {
  int width = 0;
  ConvBn conv1;                       // 1x1, carries the block's stride
  std::vector<ConvBn> convs;          // scale x 3x3, width -> width
  std::vector<Aff> fuse;              // scale - 1 AFFs (layers 3 and 4), empty in plain blocks
  ConvBn conv3;                       // 1x1, width * scale -> planes * expansion
  std::optional<ConvBn> shortcut;     // 1x1 with stride + BN, only when the shape changes
};

struct ERes2NetV2 {
  ERes2NetV2Config config;
  ConvBn stem;
  std::vector<std::vector<ERes2NetV2Block>> layers;  // 4 layers
  ConvBn layer3_ds;                                  // plain conv (no BN): zero bias
  Aff fuse34;
};

// Loads from a raw state_dict. m_channels and num_blocks come from the tensor shapes; any missing or
// misshapen key is an error naming it, and so is any key the model does not have. num_batches_tracked
// (training bookkeeping) and seg_1 (the unused embedding layer) are ignored deliberately.
ERes2NetV2 load_eres2netv2(WeightMap& weights);

// Where the user's copy of upstream's sv checkpoint goes: <home>/pretrained/sv/pretrained_eres2netv2w24s4ep4.ckpt.
std::filesystem::path default_sv_checkpoint_path();

// Opens a torch.save'd state_dict. A missing file is a MissingFile error that names upstream's file
// (GPT_SoVITS/pretrained_models/sv/pretrained_eres2netv2w24s4ep4.ckpt) and where to put it.
ERes2NetV2 load_eres2netv2_file(const std::filesystem::path& path);

// forward3: fbank features [B, T, 80] (float32) -> [B, 32 m * 10], i.e. [B, 20480] for the real model.
// Any T >= 1 works (each stride-2 stage maps T to ceil(T / 2)); anything but [B, T, 80] is BadInput.
mx::array eres2netv2_forward3(const ERes2NetV2& model, const mx::array& feats);

}  // namespace gsv::models
