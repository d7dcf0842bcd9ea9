// enc_p: upstream module/models.py TextEncoder, module/attentions.py Encoder/MultiHeadAttention/FFN
// and module/mrte_model.py MRTE.
#include <cmath>

#include "core/conv.h"
#include "core/error.h"
#include "models/sovits_modules.h"

namespace gsv::sovits {

Linear load_pointwise(WeightMap& w, const std::string& prefix, int in, int out, bool bias, WeightNorm norm) {
  auto weight = load_maybe_normed_weight(w, prefix, {out, in, 1}, norm);
  Linear l{mx::reshape(weight, {out, in}), std::nullopt};
  if (bias) l.bias = w.take(prefix + "bias", {out});
  return l;
}

// ---------------------------------------------------------------- attention

Attention load_attention(WeightMap& w, const std::string& prefix, int channels, int out_channels, int heads,
                         int window) {
  if (heads <= 0 || channels % heads != 0)
    bad_input(w.source(), ": ", prefix, " has ", channels, " channels, not divisible by ", heads, " heads");
  Attention a{load_pointwise(w, prefix + "conv_q.", channels, channels),
              load_pointwise(w, prefix + "conv_k.", channels, channels),
              load_pointwise(w, prefix + "conv_v.", channels, channels),
              load_pointwise(w, prefix + "conv_o.", channels, out_channels),
              heads, window, std::nullopt, std::nullopt};
  if (window > 0) {
    // heads_share=True: one table of 2·window+1 relative positions for all heads.
    const int d = channels / heads;
    a.rel_k = mx::reshape(w.take(prefix + "emb_rel_k", {1, 2 * window + 1, d}), {2 * window + 1, d});
    a.rel_v = mx::reshape(w.take(prefix + "emb_rel_v", {1, 2 * window + 1, d}), {2 * window + 1, d});
  }
  return a;
}

namespace {

mx::array split_heads(const mx::array& x, int heads) {  // [B, T, C] -> [B, H, T, C/H]
  const int B = x.shape(0), T = x.shape(1), C = x.shape(2);
  return mx::transpose(mx::reshape(x, {B, T, heads, C / heads}), {0, 2, 1, 3});
}

mx::array merge_heads(const mx::array& x) {  // [B, H, T, d] -> [B, T, H·d]
  const int B = x.shape(0), H = x.shape(1), T = x.shape(2), d = x.shape(3);
  return mx::reshape(mx::transpose(x, {0, 2, 1, 3}), {B, T, H * d});
}

// Index tables for relative positions r = j - i within ±window, as gathers instead of upstream's
// pad/reshape "relative <-> absolute" skewing (same values: positions beyond the window add zero).
// rel_to_abs: [L, L] column of rel_logits for (i, j), with a validity mask.
// abs_to_rel: [L, 2w+1] key position i + r - w for (i, r), with a validity mask.
struct RelIndex {
  mx::array index, valid;
};
RelIndex rel_to_abs_index(int L, int w) {
  std::vector<int32_t> idx(size_t(L) * L);
  std::vector<uint8_t> ok(size_t(L) * L);
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < L; ++j) {
      const int r = j - i + w;
      ok[size_t(i) * L + j] = r >= 0 && r <= 2 * w;
      idx[size_t(i) * L + j] = std::clamp(r, 0, 2 * w);
    }
  return {mx::array(idx.begin(), {1, 1, L, L}, mx::int32), mx::array(ok.begin(), {1, 1, L, L}, mx::bool_)};
}
RelIndex abs_to_rel_index(int L, int w) {
  const int R = 2 * w + 1;
  std::vector<int32_t> idx(size_t(L) * R);
  std::vector<uint8_t> ok(size_t(L) * R);
  for (int i = 0; i < L; ++i)
    for (int r = 0; r < R; ++r) {
      const int j = i + r - w;
      ok[size_t(i) * R + r] = j >= 0 && j < L;
      idx[size_t(i) * R + r] = std::clamp(j, 0, L - 1);
    }
  return {mx::array(idx.begin(), {1, 1, L, R}, mx::int32), mx::array(ok.begin(), {1, 1, L, R}, mx::bool_)};
}

mx::array gather_last(const mx::array& x, const RelIndex& ri) {
  mx::Shape shape = x.shape();
  shape.back() = ri.index.shape(-1);
  auto idx = mx::broadcast_to(ri.index, shape);
  auto g = mx::take_along_axis(x, idx, -1);
  return mx::where(ri.valid, g, scalar_like(0.0f, g));
}

}  // namespace

mx::array attention(const mx::array& x, const mx::array& c, const Attention& a) {
  const int C = x.shape(2);
  const int d = C / a.heads;
  auto q = split_heads(linear(x, a.q), a.heads);
  auto k = split_heads(linear(c, a.k), a.heads);
  auto v = split_heads(linear(c, a.v), a.heads);
  // upstream divides the query by sqrt(k_channels) (before both the content and the relative logits)
  q = mx::divide(q, scalar_like(float(std::sqrt(double(d))), q));
  auto scores = mx::matmul(q, mx::swapaxes(k, -1, -2));  // [B, H, Tq, Tk]
  const int L = x.shape(1);
  if (a.window > 0) {
    GSV_CHECK(c.shape(1) == L, "relative attention is self-attention only");
    auto rel_logits = mx::matmul(q, mx::transpose(*a.rel_k));  // [B, H, L, 2w+1]
    scores = mx::add(scores, gather_last(rel_logits, rel_to_abs_index(L, a.window)));
  }
  // No mask: decode's masks are all ones (masked_fill(mask == 0, -1e4) never fires).
  auto p = mx::softmax(scores, -1, /*precise=*/true);
  auto out = mx::matmul(p, v);
  if (a.window > 0) {
    auto rel_weights = gather_last(p, abs_to_rel_index(L, a.window));  // [B, H, L, 2w+1]
    out = mx::add(out, mx::matmul(rel_weights, *a.rel_v));
  }
  return linear(merge_heads(out), a.o);
}

// ---------------------------------------------------------------- encoder

Encoder load_encoder(WeightMap& w, const std::string& prefix, int hidden, int filter, int heads, int n_layers,
                     int kernel, int window) {
  Encoder e;
  for (int i = 0; i < n_layers; ++i) {
    const std::string l = gsv::str(".", i, ".");
    EncoderLayer layer{
        load_attention(w, prefix + "attn_layers" + l, hidden, hidden, heads, window),
        load_layer_norm(w, prefix + "norm_layers_1" + l, hidden, 1e-5f, "gamma", "beta"),
        load_layer_norm(w, prefix + "norm_layers_2" + l, hidden, 1e-5f, "gamma", "beta"),
        load_conv1d(w, prefix + "ffn_layers" + l + "conv_1.", {.in = hidden, .out = filter, .kernel = kernel}),
        load_conv1d(w, prefix + "ffn_layers" + l + "conv_2.", {.in = filter, .out = hidden, .kernel = kernel}),
        kernel};
    e.layers.push_back(std::move(layer));
  }
  return e;
}

namespace {
mx::array ffn_conv(const mx::array& x, const Conv1d& c, int kernel) {
  // FFN._same_padding: left (k-1)/2, right k/2 (asymmetric for even k)
  auto y = conv1d_any(x, c.weight, 1, (kernel - 1) / 2, kernel / 2, 1, 1);
  return mx::add(y, *c.bias);
}
}  // namespace

mx::array encoder(const mx::array& input, const Encoder& e) {
  auto x = input;
  for (const auto& layer : e.layers) {
    auto y = attention(x, x, layer.attn);
    x = layer_norm(mx::add(x, y), layer.norm1);
    y = relu(ffn_conv(x, layer.ffn_conv1, layer.kernel));
    y = ffn_conv(y, layer.ffn_conv2, layer.kernel);
    x = layer_norm(mx::add(x, y), layer.norm2);
  }
  return x;
}

// ---------------------------------------------------------------- MRTE

MRTE load_mrte(WeightMap& w, const std::string& prefix, int content, int hidden, int heads) {
  return {load_pointwise(w, prefix + "c_pre.", content, hidden), load_pointwise(w, prefix + "text_pre.", content, hidden),
          load_pointwise(w, prefix + "c_post.", hidden, content),
          load_attention(w, prefix + "cross_attention.", hidden, hidden, heads, /*window=*/0)};
}

mx::array mrte(const mx::array& ssl, const mx::array& text, const mx::array& ge, const MRTE& m) {
  auto s = linear(ssl, m.c_pre);
  auto t = linear(text, m.text_pre);
  auto x = mx::add(mx::add(attention(s, t, m.cross), s), ge);
  return linear(x, m.c_post);
}

// ---------------------------------------------------------------- text encoder

mx::array interpolate_linear(const mx::array& x, int out_len) {
  // ATen's upsample_linear1d (align_corners=False, size given), in float as ATen computes it:
  // scale = in/out, src = max(scale·(i + 0.5) - 0.5, 0), i0 = floor(src), i1 = min(i0 + 1, in - 1).
  const int in_len = x.shape(1);
  const float scale = float(in_len) / float(out_len);
  std::vector<int32_t> i0(out_len), i1(out_len);
  std::vector<float> l0(out_len), l1(out_len);
  for (int i = 0; i < out_len; ++i) {
    float src = scale * (float(i) + 0.5f) - 0.5f;
    if (src < 0.f) src = 0.f;
    const int a = int(src);
    const int b = a < in_len - 1 ? a + 1 : a;
    const float lam = std::min(std::max(src - float(a), 0.f), 1.f);
    i0[i] = a, i1[i] = b, l1[i] = lam, l0[i] = 1.f - lam;
  }
  auto xa = mx::take(x, mx::array(i0.begin(), {out_len}, mx::int32), 1);
  auto xb = mx::take(x, mx::array(i1.begin(), {out_len}, mx::int32), 1);
  auto wa = mx::astype(mx::array(l0.begin(), {1, out_len, 1}, mx::float32), x.dtype());
  auto wb = mx::astype(mx::array(l1.begin(), {1, out_len, 1}, mx::float32), x.dtype());
  return mx::add(mx::multiply(xa, wa), mx::multiply(xb, wb));
}

TextEncoderOutput text_encoder(const mx::array& quantized, const mx::array& phones, const mx::array& ge_text,
                               double speed, const TextEncoder& enc, const TextEncoderStream& stream) {
  auto y = linear(quantized, enc.ssl_proj);
  y = encoder(y, enc.encoder_ssl);
  // No sqrt(d) scaling of the phone embedding (unlike T2S).
  auto t = encoder(embedding(phones, enc.text_embedding), enc.encoder_text);
  y = mrte(y, t, ge_text, enc.mrte);

  const int B = y.shape(0), C = y.shape(2);
  if (stream.padding_frames > 0) {
    const int T = y.shape(1);
    if (stream.padding_frames >= T)
      bad_input("decode_streaming: padding_length covers all ", T / 2, " tokens; nothing is left to decode");
    y = mx::slice(y, {0, 0, 0}, {B, T - stream.padding_frames, C});
  }
  y = encoder(y, enc.encoder2);
  if (stream.result_frames) {
    const int T = y.shape(1);
    const int keep = std::min(*stream.result_frames, T);  // y[:, :, -n:] keeps everything when n > T
    y = mx::slice(y, {0, T - keep, 0}, {B, T, C});
  }
  if (stream.overlap) {
    // Power-complementary cross-fade: sin(kπ/2n) on the new frames, sin((n+k)π/2n) = cos(kπ/2n) on the
    // previous chunk's latent (upstream's WINDOW, computed in float32).
    const auto& prev = *stream.overlap;
    const int n = prev.shape(1), T = y.shape(1);
    if (prev.ndim() != 3 || prev.shape(2) != C || (prev.shape(0) != B && prev.shape(0) != 1))
      bad_input("decode_streaming: overlap_frames must be [B, n, ", C, "], got ", shape_string(prev.shape()));
    if (n > T) bad_input("decode_streaming: ", n, " overlap frames but only ", T, " frames are decoded");
    std::vector<float> w_new(n), w_old(n);
    for (int k = 0; k < n; ++k) {
      const float denom = float(2 * n);
      w_new[k] = std::sin(float(k) * float(M_PI) / denom);
      w_old[k] = std::sin(float(n + k) * float(M_PI) / denom);
    }
    auto head = mx::slice(y, {0, 0, 0}, {B, n, C});
    auto faded = mx::add(mx::multiply(mx::array(w_new.begin(), {1, n, 1}, mx::float32), head),
                         mx::multiply(mx::array(w_old.begin(), {1, n, 1}, mx::float32), prev));
    y = mx::concatenate({faded, mx::slice(y, {0, n, 0}, {B, T, C})}, 1);
  }
  auto latent = y;
  if (speed != 1.0) {
    // F.interpolate(size=int(T / speed) + 1): the +1 only happens when speed != 1. Python divides in
    // double precision (a float speed would give int(16 / 0.8f) = 19, not 20).
    const int out_len = int(double(y.shape(1)) / speed) + 1;
    y = interpolate_linear(y, out_len);
  }
  auto stats = linear(y, enc.proj);
  const int T = stats.shape(1);
  auto m = mx::slice(stats, {0, 0, 0}, {B, T, enc.inter});
  auto logs = mx::slice(stats, {0, 0, enc.inter}, {B, T, 2 * enc.inter});
  return {m, logs, latent};
}

}  // namespace gsv::sovits
