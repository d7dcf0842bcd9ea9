#include "models/cnhubert.h"

#include <cmath>

#include "core/conv.h"
#include "core/cpu_kernels.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/torch_checkpoint.h"

namespace gsv::models {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModelName = "chinese-hubert-base";

std::vector<int> int_list(const nlohmann::json& j, const char* key, std::vector<int> fallback) {
  auto it = j.find(key);
  return it == j.end() ? fallback : it->get<std::vector<int>>();
}

void require_string(const nlohmann::json& j, const char* key, const std::string& fallback, const std::string& want) {
  const auto value = j.value(key, fallback);
  if (value != want)
    fail(ErrorKind::Unsupported, kModelName, " config: ", key, " = \"", value, "\" is not supported (upstream's model uses \"",
         want, "\")");
}

// Multi-head self-attention without a mask (B = 1 in upstream; any B works since nothing is padded).
mx::array self_attention(const mx::array& x, const CnHubertLayer& l, int heads) {
  const int B = x.shape(0), T = x.shape(1), H = x.shape(2), hd = H / heads;
  auto split = [&](const mx::array& y) { return mx::transpose(mx::reshape(y, {B, T, heads, hd}), {0, 2, 1, 3}); };
  auto q = split(linear(x, l.q)), k = split(linear(x, l.k)), v = split(linear(x, l.v));
  // HubertAttention: softmax(q k^T * head_dim^-0.5) v.
  // Spelled out rather than mx::fast::scaled_dot_product_attention, whose CPU fallback runs MLX's
  // scalar-exp softmax: softmax_cpu is the vectorised kernel of core/cpu_kernels.h.
  auto scores = mx::multiply(mx::matmul(q, mx::transpose(k, {0, 1, 3, 2})),
                             mx::array(1.0f / std::sqrt(static_cast<float>(hd))));
  auto o = mx::matmul(softmax_cpu(scores), v);
  o = mx::reshape(mx::transpose(o, {0, 2, 1, 3}), {B, T, H});
  return linear(o, l.out);
}

}  // namespace

CnHubertConfig cnhubert_config_from_json(const nlohmann::json& j) {
  CnHubertConfig c;
  try {
    if (j.value("model_type", std::string("hubert")) != "hubert")
      bad_input(kModelName, " config: model_type is \"", j.value("model_type", std::string()),
                "\", expected \"hubert\"; is this the right folder?");
    c.hidden = j.value("hidden_size", c.hidden);
    c.layers = j.value("num_hidden_layers", c.layers);
    c.heads = j.value("num_attention_heads", c.heads);
    c.ffn = j.value("intermediate_size", c.ffn);
    c.conv_dim = int_list(j, "conv_dim", c.conv_dim);
    c.conv_kernel = int_list(j, "conv_kernel", c.conv_kernel);
    c.conv_stride = int_list(j, "conv_stride", c.conv_stride);
    c.conv_bias = j.value("conv_bias", c.conv_bias);
    c.pos_kernel = j.value("num_conv_pos_embeddings", c.pos_kernel);
    c.pos_groups = j.value("num_conv_pos_embedding_groups", c.pos_groups);
    c.layer_norm_eps = j.value("layer_norm_eps", c.layer_norm_eps);
    c.feat_proj_layer_norm = j.value("feat_proj_layer_norm", c.feat_proj_layer_norm);
    require_string(j, "feat_extract_norm", "group", "group");
    require_string(j, "feat_extract_activation", "gelu", "gelu");
    require_string(j, "hidden_act", "gelu", "gelu");
    if (j.value("do_stable_layer_norm", false))
      fail(ErrorKind::Unsupported, kModelName, " config: do_stable_layer_norm (pre-LN HuBERT) is not supported");
    if (j.value("conv_pos_batch_norm", false))
      fail(ErrorKind::Unsupported, kModelName, " config: conv_pos_batch_norm is not supported");
  } catch (const nlohmann::json::exception& e) {
    bad_input(kModelName, " config.json has an unexpected value (", e.what(), ")");
  }
  const size_t n = c.conv_dim.size();
  if (n == 0 || c.conv_kernel.size() != n || c.conv_stride.size() != n)
    bad_input(kModelName, " config: conv_dim, conv_kernel and conv_stride must have the same non-zero length");
  if (c.hidden <= 0 || c.heads <= 0 || c.hidden % c.heads != 0)
    bad_input(kModelName, " config: hidden_size ", c.hidden, " is not a multiple of num_attention_heads ", c.heads);
  if (c.pos_groups <= 0 || c.hidden % c.pos_groups != 0 || c.pos_kernel <= 0)
    bad_input(kModelName, " config: hidden_size ", c.hidden, " is not a multiple of num_conv_pos_embedding_groups ",
              c.pos_groups);
  return c;
}

CnHubert load_cnhubert(WeightMap& w, const CnHubertConfig& c) {
  std::vector<Conv1d> convs;
  for (size_t i = 0; i < c.conv_dim.size(); ++i) {
    Conv1dSpec spec;
    spec.in = i == 0 ? 1 : c.conv_dim[i - 1];
    spec.out = c.conv_dim[i];
    spec.kernel = c.conv_kernel[i];
    spec.stride = c.conv_stride[i];
    spec.bias = c.conv_bias;
    convs.push_back(load_conv1d(w, "feature_extractor.conv_layers." + std::to_string(i) + ".conv.", spec));
  }
  auto conv0_norm = load_layer_norm(w, "feature_extractor.conv_layers.0.layer_norm.", c.conv_dim[0], 1e-5f);
  std::optional<LayerNorm> projection_norm;
  if (c.feat_proj_layer_norm)
    projection_norm = load_layer_norm(w, "feature_projection.layer_norm.", c.conv_dim.back(), c.layer_norm_eps);
  auto projection = load_linear(w, "feature_projection.projection.", c.conv_dim.back(), c.hidden);

  // weight_norm(conv, dim=2): one magnitude per kernel tap, g of shape [1, 1, K] (not dim 0!).
  const std::string pos = "encoder.pos_conv_embed.conv.";
  auto pos_w = load_maybe_normed_weight(w, pos, {c.hidden, c.hidden / c.pos_groups, c.pos_kernel}, WeightNorm::Dim2);
  auto pos_b = w.take(pos + "bias", {c.hidden});
  auto encoder_norm = load_layer_norm(w, "encoder.layer_norm.", c.hidden, c.layer_norm_eps);

  std::vector<CnHubertLayer> layers;
  for (int i = 0; i < c.layers; ++i) {
    const std::string p = "encoder.layers." + std::to_string(i) + ".";
    layers.push_back({load_linear(w, p + "attention.q_proj.", c.hidden, c.hidden),
                      load_linear(w, p + "attention.k_proj.", c.hidden, c.hidden),
                      load_linear(w, p + "attention.v_proj.", c.hidden, c.hidden),
                      load_linear(w, p + "attention.out_proj.", c.hidden, c.hidden),
                      load_layer_norm(w, p + "layer_norm.", c.hidden, c.layer_norm_eps),
                      load_linear(w, p + "feed_forward.intermediate_dense.", c.hidden, c.ffn),
                      load_linear(w, p + "feed_forward.output_dense.", c.ffn, c.hidden),
                      load_layer_norm(w, p + "final_layer_norm.", c.hidden, c.layer_norm_eps)});
  }
  w.ignore("masked_spec_embed");  // SpecAugment's mask vector: training only
  w.check_all_used(kModelName);

  CnHubert m{c,
             std::move(convs),
             std::move(conv0_norm),
             std::move(projection_norm),
             std::move(projection),
             mx::transpose(pos_w, {0, 2, 1}),  // -> MLX [out, K, in/groups]
             std::move(pos_b),
             std::move(encoder_norm),
             std::move(layers)};
  // Materialise now (fp16 -> fp32, weight norm fused once) so that the first forward is not slower
  // and the file's fp16 buffers can be freed.
  std::vector<mx::array> all = {m.conv0_norm.weight, m.conv0_norm.bias, m.projection.weight, m.pos_conv_weight,
                                m.pos_conv_bias, m.encoder_norm.weight, m.encoder_norm.bias};
  auto add_linear = [&](const Linear& l) {
    all.push_back(l.weight);
    if (l.bias) all.push_back(*l.bias);
  };
  add_linear(m.projection);
  if (m.projection_norm) all.insert(all.end(), {m.projection_norm->weight, m.projection_norm->bias});
  for (const auto& cv : m.convs) all.push_back(cv.weight);
  for (const auto& l : m.layers) {
    for (const Linear* lin : {&l.q, &l.k, &l.v, &l.out, &l.ffn_in, &l.ffn_out}) add_linear(*lin);
    all.insert(all.end(), {l.attn_norm.weight, l.attn_norm.bias, l.final_norm.weight, l.final_norm.bias});
  }
  mx::eval(all);
  return m;
}

WeightMap read_cnhubert_weights(const fs::path& dir) {
  const fs::path bin = dir / "pytorch_model.bin", st = dir / "model.safetensors";
  WeightMap raw;
  if (fs::exists(bin)) {
    auto file = TorchFile::open(bin);
    raw = file.weights(file.root());
  } else if (fs::exists(st)) {
    raw = WeightMap(st.string());
    for (auto& [name, array] : mx::load_safetensors(st.string()).first) raw.set(name, array);
  } else {
    fail(ErrorKind::MissingFile, "the ", kModelName, " folder ", dir.string(),
         " has no weights: expected pytorch_model.bin (or model.safetensors) next to config.json, as in "
         "GPT_SoVITS/pretrained_models/chinese-hubert-base from HF lj1995/GPT-SoVITS");
  }
  // Head checkpoints (HubertForCTC, ...) prefix the base model with "hubert."; HubertModel.from_pretrained
  // strips it and drops the head, and so do we.
  if (raw.has("hubert.feature_projection.projection.weight")) return raw.sub("hubert.");
  return raw;
}

CnHubert load_cnhubert_dir(const fs::path& dir) {
  if (!fs::is_directory(dir))
    fail(ErrorKind::MissingFile, kModelName, " folder not found: ", dir.string(),
         " (expected config.json and pytorch_model.bin from HF lj1995/GPT-SoVITS chinese-hubert-base)");
  if (!fs::exists(dir / "config.json"))
    fail(ErrorKind::MissingFile, "the ", kModelName, " folder ", dir.string(),
         " is incomplete: config.json is missing (expected config.json and pytorch_model.bin)");
  const auto config = cnhubert_config_from_json(read_json(dir / "config.json", std::string("re-download ") + kModelName));
  auto weights = read_cnhubert_weights(dir);
  return load_cnhubert(weights, config);
}

int cnhubert_frames(const CnHubertConfig& c, int samples) {
  int t = samples;
  for (size_t i = 0; i < c.conv_kernel.size(); ++i) t = (t - c.conv_kernel[i]) / c.conv_stride[i] + 1;
  return t;
}

mx::array cnhubert_features(const CnHubert& m, const mx::array& wav) {
  if (wav.ndim() != 2) bad_input(kModelName, ": expected a [batch, samples] waveform, got ", wav.ndim(), " dims");
  // The shortest input that leaves one frame: the receptive field (400 samples = 25 ms at 16 kHz).
  int min_samples = 1;
  for (int i = static_cast<int>(m.config.conv_kernel.size()) - 1; i >= 0; --i)
    min_samples = (min_samples - 1) * m.config.conv_stride[i] + m.config.conv_kernel[i];
  if (wav.shape(1) < min_samples)
    bad_input(kModelName, ": audio of ", wav.shape(1), " samples is too short; it needs at least ", min_samples,
              " samples at 16 kHz");
  auto x = mx::expand_dims(mx::astype(wav, mx::float32), 2);  // [B, N, 1]
  for (size_t i = 0; i < m.convs.size(); ++i) {
    x = conv1d(x, m.convs[i]);
    if (i == 0) x = group_norm_per_channel(x, m.conv0_norm);  // GroupNorm(C, C): per channel over time
    x = gelu_exact(x);
  }
  return x;
}

mx::array cnhubert_projection(const CnHubert& m, const mx::array& features) {
  auto x = m.projection_norm ? layer_norm(features, *m.projection_norm) : features;
  return linear(x, m.projection);
}

mx::array cnhubert_pos_conv(const CnHubert& m, const mx::array& x) {
  const int K = m.config.pos_kernel, T = x.shape(1);
  // Grouped conv (768 ch, 16 groups, K 128) through conv1d_any's default route, which is MLX's native
  // kernel (a per-group loop of sgemm) on the CPU: conv1d_grouped_rewrite (im2col + one batched
  // matmul) measured ~2.3x slower on this shape (docs/benchmarks.md §6).
  auto y = conv1d_any(x, m.pos_conv_weight, 1, K / 2, K / 2, 1, m.config.pos_groups);
  y = mx::add(y, m.pos_conv_bias);
  // HubertSamePadLayer: with an even kernel the symmetric padding gives T + 1 frames; drop the last.
  if (K % 2 == 0) y = mx::slice(y, {0, 0, 0}, {y.shape(0), T, y.shape(2)});
  return gelu_exact(y);
}

mx::array cnhubert_forward(const CnHubert& m, const mx::array& wav) {
  auto h = cnhubert_projection(m, cnhubert_features(m, wav));
  h = mx::add(h, cnhubert_pos_conv(m, h));
  h = layer_norm(h, m.encoder_norm);  // HubertEncoder (post-LN variant) normalises before the layers
  for (const auto& l : m.layers) {
    h = layer_norm(mx::add(h, self_attention(h, l, m.config.heads)), l.attn_norm);
    h = layer_norm(mx::add(h, linear(gelu_exact(linear(h, l.ffn_in)), l.ffn_out)), l.final_norm);
  }
  return h;
}

}  // namespace gsv::models
