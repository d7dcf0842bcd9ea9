// ref_enc: upstream module/modules.py MelStyleEncoder (with its own MultiHeadAttention and
// ScaledDotProductAttention, Conv1dGLU and Mish), applied to the first 704 bins of a linear spectrogram.
#include <cmath>

#include "core/error.h"
#include "models/sovits_modules.h"

namespace gsv::sovits {

MelStyleEncoder load_mel_style_encoder(WeightMap& w, const std::string& prefix, int in, int hidden, int out,
                                       int heads, int kernel) {
  if (heads <= 0 || hidden % heads != 0)
    bad_input(w.source(), ": ref_enc width ", hidden, " is not divisible by ", heads, " heads");
  const Conv1dSpec glu{.in = hidden, .out = 2 * hidden, .kernel = kernel, .padding = (kernel - 1) / 2};
  MelStyleEncoder e{
      load_linear(w, prefix + "spectral.0.fc.", in, hidden),
      load_linear(w, prefix + "spectral.3.fc.", hidden, hidden),
      load_conv1d(w, prefix + "temporal.0.conv1.conv.", glu),
      load_conv1d(w, prefix + "temporal.1.conv1.conv.", glu),
      load_linear(w, prefix + "slf_attn.w_qs.", hidden, hidden),
      load_linear(w, prefix + "slf_attn.w_ks.", hidden, hidden),
      load_linear(w, prefix + "slf_attn.w_vs.", hidden, hidden),
      load_linear(w, prefix + "slf_attn.fc.", hidden, hidden),
      load_linear(w, prefix + "fc.fc.", hidden, out),
      in, hidden, heads};
  return e;
}

namespace {

mx::array conv1d_glu(const mx::array& x, const Conv1d& conv, int hidden) {
  // Conv1dGLU: residual + a·sigmoid(b) over the two channel halves
  auto y = conv1d(x, conv);
  const int B = y.shape(0), T = y.shape(1);
  auto a = mx::slice(y, {0, 0, 0}, {B, T, hidden});
  auto b = mx::slice(y, {0, 0, hidden}, {B, T, 2 * hidden});
  return mx::add(x, mx::multiply(a, mx::sigmoid(b)));
}

}  // namespace

mx::array mel_style_encoder(const mx::array& spec, const MelStyleEncoder& e) {
  const int B = spec.shape(0), T = spec.shape(1);
  auto x = mx::slice(spec, {0, 0, 0}, {B, T, e.in});  // refer[:, :704]
  x = mish(linear(x, e.spectral0));
  x = mish(linear(x, e.spectral3));
  x = conv1d_glu(x, e.temporal0, e.hidden);
  x = conv1d_glu(x, e.temporal1, e.hidden);

  // modules.MultiHeadAttention: temperature sqrt(d_model), not sqrt(d_k); the residual is added inside.
  const int H = e.heads, d = e.hidden / H;
  auto heads = [&](const Linear& l) {
    return mx::transpose(mx::reshape(linear(x, l), {B, T, H, d}), {0, 2, 1, 3});  // [B, H, T, d]
  };
  auto q = heads(e.w_qs), k = heads(e.w_ks), v = heads(e.w_vs);
  auto scores = mx::matmul(q, mx::swapaxes(k, -1, -2));
  scores = mx::divide(scores, scalar_like(float(std::sqrt(double(e.hidden))), scores));
  auto p = mx::softmax(scores, -1, /*precise=*/true);  // the −inf mask is all false for one full reference
  auto att = mx::reshape(mx::transpose(mx::matmul(p, v), {0, 2, 1, 3}), {B, T, e.hidden});
  x = mx::add(linear(att, e.fc_attn), x);

  x = linear(x, e.fc);
  // temporal_avg_pool: sum over time of x / len, in float32 (upstream's fix for the fp16 ge overflow)
  x = mx::astype(x, mx::float32);
  return mx::sum(mx::divide(x, mx::array(float(T), mx::float32)), 1);  // [B, out]
}

}  // namespace gsv::sovits
