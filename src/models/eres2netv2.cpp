#include "models/eres2netv2.h"

#include <optional>
#include <string>
#include <vector>

#include "core/conv.h"
#include "core/error.h"
#include "core/layers.h"
#include "core/paths.h"
#include "core/torch_checkpoint.h"

namespace gsv::models {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModelName = "ERes2NetV2 (v2Pro speaker model)";
constexpr const char* kUpstreamFile = "GPT_SoVITS/pretrained_models/sv/pretrained_eres2netv2w24s4ep4.ckpt";
constexpr const char* kFileName = "pretrained_eres2netv2w24s4ep4.ckpt";
constexpr float kBatchNormEps = 1e-5f;
constexpr int kFeatDim = 80;      // fbank bins (ERes2NetV2's feat_dim)
constexpr int kAffReduction = 4;  // AFF(channels, r=4): inner width channels // 4

std::string layer_prefix(int layer, int block) {
  return "layer" + std::to_string(layer) + "." + std::to_string(block) + ".";
}

// conv (PyTorch [out, in, k, k], optional bias) followed by BatchNorm2d in eval mode, folded:
//   BN(conv(x) + b) = conv(x) * s + (b - mean) * s + beta,  s = gamma / sqrt(var + eps).
ConvBn fold_conv_bn(WeightMap& w, const std::string& conv, const std::string& bn, int out, int in, int kernel,
                    int stride, bool conv_bias) {
  auto weight = w.take(conv + "weight", {out, in, kernel, kernel});
  auto bias = conv_bias ? w.take(conv + "bias", {out}) : mx::zeros({out}, mx::float32);
  auto gamma = w.take(bn + "weight", {out});
  auto beta = w.take(bn + "bias", {out});
  auto mean = w.take(bn + "running_mean", {out});
  auto var = w.take(bn + "running_var", {out});
  w.ignore(bn + "num_batches_tracked");  // training bookkeeping (momentum schedule), not used in eval
  auto scale = mx::multiply(gamma, mx::rsqrt(mx::add(var, mx::array(kBatchNormEps))));
  weight = mx::multiply(weight, mx::reshape(scale, {out, 1, 1, 1}));
  bias = mx::add(mx::multiply(mx::subtract(bias, mean), scale), beta);
  return {mx::transpose(weight, {0, 2, 3, 1}), bias, stride, kernel / 2};  // MLX [out, kh, kw, in]
}

Aff load_aff(WeightMap& w, const std::string& prefix, int channels) {
  const int inner = channels / kAffReduction;
  const std::string p = prefix + "local_att.";
  // nn.Sequential(Conv2d(2C, C/4, 1) [0], BN [1], SiLU [2], Conv2d(C/4, C, 1) [3], BN [4]); convs with bias.
  return {fold_conv_bn(w, p + "0.", p + "1.", inner, 2 * channels, 1, 1, true),
          fold_conv_bn(w, p + "3.", p + "4.", channels, inner, 1, 1, true)};
}

ERes2NetV2Block load_block(WeightMap& w, const std::string& p, const ERes2NetV2Config& c, int in_planes, int planes,
                           int stride, bool aff) {
  ERes2NetV2Block b;
  // int(math.floor(planes * (baseWidth / 64.0))): the same in integers, baseWidth / 64 = 0.375 being exact.
  b.width = planes * c.base_width / 64;
  const int out = planes * c.expansion;
  b.conv1 = fold_conv_bn(w, p + "conv1.", p + "bn1.", b.width * c.scale, in_planes, 1, stride, false);
  for (int i = 0; i < c.scale; ++i) {
    const std::string n = std::to_string(i);
    b.convs.push_back(fold_conv_bn(w, p + "convs." + n + ".", p + "bns." + n + ".", b.width, b.width, 3, 1, false));
  }
  if (aff)
    for (int j = 0; j + 1 < c.scale; ++j)
      b.fuse.push_back(load_aff(w, p + "fuse_models." + std::to_string(j) + ".", b.width));
  b.conv3 = fold_conv_bn(w, p + "conv3.", p + "bn3.", out, b.width * c.scale, 1, 1, false);
  // Upstream builds the conv shortcut exactly when the shape changes; otherwise the block adds x itself.
  if (stride != 1 || in_planes != out)
    b.shortcut = fold_conv_bn(w, p + "shortcut.0.", p + "shortcut.1.", out, in_planes, 1, stride, false);
  return b;
}

// The sizes the checkpoint was made with: m_channels from the stem, num_blocks by counting keys, and a
// check that it is the baseWidth 24 / scale 4 / expansion 4 variant (3D-Speaker's own default is
// baseWidth 26 / scale 2 / expansion 2, which GPT-SoVITS does not use).
ERes2NetV2Config config_from_weights(const WeightMap& w) {
  ERes2NetV2Config c;
  const auto& stem = w.peek("conv1.weight");
  if (stem.ndim() != 4 || stem.shape(1) != 1 || stem.shape(2) != 3 || stem.shape(3) != 3)
    bad_input(w.source(), ": weight 'conv1.weight' has shape ", shape_string(stem.shape()),
              " but ERes2NetV2's stem is [m_channels, 1, 3, 3]; is this the sv checkpoint (", kFileName, ")?");
  c.m_channels = stem.shape(0);
  for (int layer = 1; layer <= 4; ++layer) {
    int n = 0;
    while (w.has(layer_prefix(layer, n) + "conv1.weight")) ++n;
    c.num_blocks[layer - 1] = std::max(n, 1);  // 0: the loader then reports layer<L>.0.conv1.weight missing
  }
  const std::string probe = "layer1.0.conv3.weight";
  if (w.has(probe) && w.has("layer1.0.conv1.weight")) {
    const int width_scale = w.peek("layer1.0.conv1.weight").shape(0), out = w.peek(probe).shape(0);
    const int want_width_scale = c.m_channels * c.base_width / 64 * c.scale, want_out = c.m_channels * c.expansion;
    if (width_scale != want_width_scale || out != want_out)
      fail(ErrorKind::Unsupported, w.source(), ": this ERes2NetV2 has ", width_scale, " channels inside and ", out,
           " out of its first block, but GPT-SoVITS uses ERes2NetV2(baseWidth=24, scale=4, expansion=4), i.e. ",
           want_width_scale, " and ", want_out, " for m_channels ", c.m_channels, "; use upstream's ", kUpstreamFile);
  }
  return c;
}

mx::array hardtanh_0_20(const mx::array& x) {
  // ERes2NetV2's "ReLU" is nn.Hardtanh(0, 20): a ReLU clipped at 20.
  return mx::clip(x, scalar_like(0.0f, x), scalar_like(20.0f, x));
}

// Up to this many input channels a stride-1 3x3 conv runs on the CPU as nine GEMMs on shifted views
// (conv3x3_tap_sum); wider ones keep MLX's im2col + GEMM, which is as fast from ~192 channels on
// (docs/benchmarks.md §7: at 24 channels, layer1's width, the tap sum takes ~3x less CPU).
constexpr int kTapSumMaxChannels = 128;

// A stride-1, padding-1 3x3 conv as a sum over the nine taps of [rows, C] x [C, O] GEMMs. The image is
// zero-padded to (H + 3) x (W + 2) and flattened, so that tap (dy, dx) of output pixel (h, w) is the
// input row (h * (W + 2) + w) + dy * (W + 2) + dx: each tap reads one contiguous block of rows (a view,
// no im2col copy). Rows w = W, W + 1 of each output line are junk from the wrap-around and are cut off.
mx::array conv3x3_tap_sum(const mx::array& x, const ConvBn& c) {
  const int B = x.shape(0), H = x.shape(1), W = x.shape(2), C = x.shape(3), O = c.weight.shape(0);
  const int Wp = W + 2, Hp = H + 3;  // one extra bottom row keeps the last tap's view in bounds
  auto padded = mx::pad(x, {1, 2}, mx::Shape{1, 1}, mx::Shape{2, 1}, mx::array(0.0f, x.dtype()));
  auto flat = mx::reshape(padded, {B, Hp * Wp, C});
  const int rows = H * Wp;
  std::vector<mx::array> images;
  for (int b = 0; b < B; ++b) {
    auto image = mx::reshape(mx::slice(flat, {b, 0, 0}, {b + 1, Hp * Wp, C}), {Hp * Wp, C});
    std::optional<mx::array> y;
    for (int dy = 0; dy < 3; ++dy)
      for (int dx = 0; dx < 3; ++dx) {
        const int offset = dy * Wp + dx;
        auto taps = mx::slice(image, {offset, 0}, {offset + rows, C});
        auto w = mx::transpose(mx::reshape(mx::slice(c.weight, {0, dy, dx, 0}, {O, dy + 1, dx + 1, C}), {O, C}));
        y = y ? mx::addmm(*y, taps, w) : mx::addmm(c.bias, taps, w);
      }
    images.push_back(mx::reshape(*y, {1, H, Wp, O}));
  }
  auto y = B == 1 ? images[0] : mx::concatenate(images, 0);
  return mx::slice(y, {0, 0, 0, 0}, {B, H, W, O});
}

// [B, H, W, in] -> [B, H', W', out]. A 1x1 conv is one GEMM over the pixels (strided: subsample first)
// with the folded bias added by the GEMM itself. 3x3 convs (no dilation, no groups: none of MLX's naive
// CPU loops, mlx-cpp.md 3.2) use the tap sum when narrow and stride 1, else MLX's im2col + GEMM.
mx::array conv_bn(const mx::array& x, const ConvBn& c) {
  const int out = c.weight.shape(0), in = c.weight.shape(3);
  if (c.weight.shape(1) == 1 && c.weight.shape(2) == 1) {
    auto xs = x;
    if (c.stride != 1) {
      xs = mx::slice(x, {0, 0, 0, 0}, x.shape(), {1, c.stride, c.stride, 1});
    }
    const int B = xs.shape(0), H = xs.shape(1), W = xs.shape(2);
    auto w = mx::transpose(mx::reshape(c.weight, {out, in}));  // [in, out], a view: BLAS reads it transposed
    auto y = mx::addmm(c.bias, mx::reshape(xs, {B * H * W, in}), w);
    return mx::reshape(y, {B, H, W, out});
  }
  // core/conv.h's process-wide route switch: Native always takes MLX's conv, Rewrite always the tap sum.
  const auto route = conv_route();
  const bool on_cpu = mx::default_device() == mx::Device::cpu;
  const bool tap_sum = route == ConvRoute::Rewrite || (route == ConvRoute::Auto && on_cpu && in <= kTapSumMaxChannels);
  if (c.weight.shape(1) == 3 && c.stride == 1 && c.padding == 1 && tap_sum) return conv3x3_tap_sum(x, c);
  auto y = mx::conv2d(x, c.weight, {c.stride, c.stride}, {c.padding, c.padding});
  return mx::add(y, c.bias);
}

mx::array aff(const mx::array& x, const mx::array& y, const Aff& a) {
  auto att = conv_bn(mx::concatenate({x, y}, 3), a.squeeze);
  att = mx::multiply(att, mx::sigmoid(att));  // SiLU
  att = mx::add(mx::tanh(conv_bn(att, a.expand)), scalar_like(1.0f, att));  // x_att = 1 + tanh(...)
  return mx::add(mx::multiply(x, att), mx::multiply(y, mx::subtract(scalar_like(2.0f, att), att)));
}

mx::array block_forward(const mx::array& x, const ERes2NetV2Block& b) {
  auto out = hardtanh_0_20(conv_bn(x, b.conv1));
  const int B = out.shape(0), H = out.shape(1), W = out.shape(2), width = b.width;
  const int scale = static_cast<int>(b.convs.size());
  std::vector<mx::array> parts;
  for (int i = 0; i < scale; ++i) {
    auto group = mx::slice(out, {0, 0, 0, i * width}, {B, H, W, (i + 1) * width});
    // Res2Net hierarchy: each group also sees the previous group's output (AFF-fused in layers 3 and 4).
    auto in = i == 0 ? group : b.fuse.empty() ? mx::add(parts.back(), group) : aff(parts.back(), group, b.fuse[i - 1]);
    parts.push_back(hardtanh_0_20(conv_bn(in, b.convs[i])));
  }
  auto y = conv_bn(mx::concatenate(parts, 3), b.conv3);
  y = mx::add(y, b.shortcut ? conv_bn(x, *b.shortcut) : x);
  return hardtanh_0_20(y);
}

}  // namespace

ERes2NetV2 load_eres2netv2(WeightMap& w) {
  ERes2NetV2 m;
  m.config = config_from_weights(w);
  const auto& c = m.config;
  const int mc = c.m_channels;
  m.stem = fold_conv_bn(w, "conv1.", "bn1.", mc, 1, 3, 1, false);
  int in_planes = mc;
  for (int layer = 1; layer <= 4; ++layer) {
    const int planes = mc << (layer - 1);  // m, 2m, 4m, 8m
    const int stride = layer == 1 ? 1 : 2;
    std::vector<ERes2NetV2Block> blocks;
    for (int b = 0; b < c.num_blocks[layer - 1]; ++b) {
      blocks.push_back(load_block(w, layer_prefix(layer, b), c, in_planes, planes, b == 0 ? stride : 1, layer >= 3));
      in_planes = planes * c.expansion;
    }
    m.layers.push_back(std::move(blocks));
  }
  const int c3 = mc * 4 * c.expansion, c4 = mc * 8 * c.expansion;
  auto ds = w.take("layer3_ds.weight", {c4, c3, 3, 3});
  m.layer3_ds = {mx::transpose(ds, {0, 2, 3, 1}), mx::zeros({c4}, mx::float32), 2, 1};
  m.fuse34 = load_aff(w, "fuse34.", c4);
  // seg_1 (Linear 2 * stats -> embedding_size after TSTP pooling) is the speaker embedding of forward();
  // forward3, the one v2Pro uses, stops before the pooling. The pooling has no parameters.
  w.ignore("seg_1.weight");
  w.ignore("seg_1.bias");
  w.check_all_used(kModelName);

  std::vector<mx::array> all = {m.stem.weight, m.stem.bias, m.layer3_ds.weight, m.fuse34.squeeze.weight,
                                m.fuse34.squeeze.bias, m.fuse34.expand.weight, m.fuse34.expand.bias};
  for (const auto& layer : m.layers)
    for (const auto& b : layer) {
      for (const auto* cb : {&b.conv1, &b.conv3}) all.insert(all.end(), {cb->weight, cb->bias});
      if (b.shortcut) all.insert(all.end(), {b.shortcut->weight, b.shortcut->bias});
      for (const auto& cb : b.convs) all.insert(all.end(), {cb.weight, cb.bias});
      for (const auto& a : b.fuse)
        all.insert(all.end(), {a.squeeze.weight, a.squeeze.bias, a.expand.weight, a.expand.bias});
    }
  mx::eval(all);  // fold every BatchNorm once, now
  return m;
}

fs::path default_sv_checkpoint_path() { return home_dir() / "pretrained" / "sv" / kFileName; }

ERes2NetV2 load_eres2netv2_file(const fs::path& path) {
  if (!fs::exists(path))
    fail(ErrorKind::MissingFile, "the v2Pro/v2ProPlus speaker model is missing: ", path.string(),
         " not found. It is upstream's ", kUpstreamFile, " (HF lj1995/GPT-SoVITS, file sv/", kFileName,
         "); copy it to ", default_sv_checkpoint_path().string(),
         " (the pretrained/ folder of the gpt-sovits home, $GPT_SOVITS_HOME)");
  auto file = TorchFile::open(path);
  auto weights = file.weights(file.root());
  return load_eres2netv2(weights);
}

mx::array eres2netv2_forward3(const ERes2NetV2& m, const mx::array& feats) {
  if (feats.ndim() != 3 || feats.shape(2) != kFeatDim || feats.shape(1) < 1)
    bad_input(kModelName, ": expected fbank features [batch, frames, ", kFeatDim, "], got ",
              shape_string(feats.shape()));
  // (B, T, F) -> the image (B, 1, F, T) of upstream; channels-last: [B, H = F, W = T, C = 1].
  auto x = mx::expand_dims(mx::transpose(mx::astype(feats, mx::float32), {0, 2, 1}), 3);
  x = mx::maximum(conv_bn(x, m.stem), scalar_like(0.0f, x));  // F.relu: the stem's ReLU is not clipped
  std::optional<mx::array> out3;
  for (size_t layer = 0; layer < m.layers.size(); ++layer) {
    for (const auto& b : m.layers[layer]) x = block_forward(x, b);
    if (layer == 2) out3 = x;
  }
  auto fused = aff(x, conv_bn(*out3, m.layer3_ds), m.fuse34);  // [B, F', T', C]
  // flatten(1, 2) of (B, C, F', T') then mean over time: index c * F' + f.
  auto pooled = mx::mean(fused, 2);  // [B, F', C]
  const int B = pooled.shape(0), F = pooled.shape(1), C = pooled.shape(2);
  return mx::reshape(mx::transpose(pooled, {0, 2, 1}), {B, C * F});
}

}  // namespace gsv::models
