#include "core/layers.h"

#include <cmath>

#include "core/conv.h"
#include "core/cpu_kernels.h"
#include "core/error.h"

namespace gsv {

mx::array fuse_weight_norm(const mx::array& g, const mx::array& v, int dim) {
  std::vector<int> axes;
  for (int i = 0; i < v.ndim(); ++i)
    if (i != dim) axes.push_back(i);
  auto norm = mx::sqrt(mx::sum(mx::square(v), axes, /*keepdims=*/true));
  return mx::multiply(g, mx::divide(v, norm));
}

mx::array load_maybe_normed_weight(WeightMap& w, const std::string& prefix, const mx::Shape& torch_shape,
                                   WeightNorm norm) {
  if (norm == WeightNorm::None) return w.take(prefix + "weight", torch_shape);
  const int dim = norm == WeightNorm::Dim0 ? 0 : 2;
  mx::Shape g_shape(torch_shape.size(), 1);
  g_shape[dim] = torch_shape[dim];
  std::string g_name = prefix + "weight_g", v_name = prefix + "weight_v";
  if (!w.has(g_name) && w.has(prefix + "parametrizations.weight.original0")) {
    g_name = prefix + "parametrizations.weight.original0";
    v_name = prefix + "parametrizations.weight.original1";
  }
  if (!w.has(g_name) && w.has(prefix + "weight"))  // already fused by whoever saved it
    return w.take(prefix + "weight", torch_shape);
  auto g = w.take(g_name, g_shape);
  auto v = w.take(v_name, torch_shape);
  return fuse_weight_norm(g, v, dim);
}

Linear load_linear(WeightMap& w, const std::string& prefix, int in, int out, bool bias) {
  Linear l{w.take(prefix + "weight", {out, in}), std::nullopt};
  if (bias) l.bias = w.take(prefix + "bias", {out});
  return l;
}

mx::array linear(const mx::array& x, const Linear& l) {
  if (l.bias) return mx::addmm(*l.bias, x, mx::transpose(l.weight));
  return mx::matmul(x, mx::transpose(l.weight));
}

Conv1d load_conv1d(WeightMap& w, const std::string& prefix, const Conv1dSpec& s) {
  GSV_CHECK(s.groups > 0 && s.in % s.groups == 0 && s.out % s.groups == 0);
  auto weight = load_maybe_normed_weight(w, prefix, {s.out, s.in / s.groups, s.kernel}, s.weight_norm);
  Conv1d c{mx::transpose(weight, {0, 2, 1}), std::nullopt, s.stride, s.padding, s.dilation, s.groups};
  if (s.bias) c.bias = w.take(prefix + "bias", {s.out});
  return c;
}

mx::array conv1d(const mx::array& x, const Conv1d& c) {
  auto y = conv1d_any(x, c.weight, c.stride, c.padding, c.padding, c.dilation, c.groups);
  return c.bias ? mx::add(y, *c.bias) : y;
}

ConvTranspose1d load_conv_transpose1d(WeightMap& w, const std::string& prefix, const ConvTranspose1dSpec& s) {
  // torch stores ConvTranspose1d weights as [in, out, k]; weight norm's dim 0 is therefore C_in.
  auto weight = load_maybe_normed_weight(w, prefix, {s.in, s.out, s.kernel}, s.weight_norm);
  ConvTranspose1d c{mx::transpose(weight, {1, 2, 0}), std::nullopt, s.stride, s.padding, s.output_padding};
  if (s.bias) c.bias = w.take(prefix + "bias", {s.out});
  return c;
}

mx::array conv_transpose1d(const mx::array& x, const ConvTranspose1d& c) {
  auto y = conv_transpose1d_any(x, c.weight, c.stride, c.padding, c.output_padding);
  return c.bias ? mx::add(y, *c.bias) : y;
}

Conv2d load_conv2d(WeightMap& w, const std::string& prefix, const Conv2dSpec& s) {
  auto weight = w.take(prefix + "weight", {s.out, s.in / s.groups, s.kernel_h, s.kernel_w});
  Conv2d c{mx::transpose(weight, {0, 2, 3, 1}), std::nullopt, s.stride_h, s.stride_w, s.pad_h, s.pad_w, s.groups};
  if (s.bias) c.bias = w.take(prefix + "bias", {s.out});
  return c;
}

mx::array conv2d(const mx::array& x, const Conv2d& c) {
  auto y = mx::conv2d(x, c.weight, {c.stride_h, c.stride_w}, {c.pad_h, c.pad_w}, {1, 1}, c.groups);
  return c.bias ? mx::add(y, *c.bias) : y;
}

LayerNorm load_layer_norm(WeightMap& w, const std::string& prefix, int dim, float eps,
                          const std::string& weight_name, const std::string& bias_name) {
  return {w.take(prefix + weight_name, {dim}), w.take(prefix + bias_name, {dim}), eps};
}

mx::array layer_norm(const mx::array& x, const LayerNorm& ln) {
  return mx::fast::layer_norm(x, ln.weight, ln.bias, ln.eps);
}

mx::array group_norm_per_channel(const mx::array& x, const LayerNorm& gn) {
  auto mean = mx::mean(x, 1, /*keepdims=*/true);
  auto var = mx::var(x, 1, /*keepdims=*/true);
  auto y = mx::multiply(mx::subtract(x, mean), mx::rsqrt(mx::add(var, scalar_like(gn.eps, x))));
  return mx::add(mx::multiply(y, gn.weight), gn.bias);
}

Embedding load_embedding(WeightMap& w, const std::string& name, int num, int dim) {
  return {w.take(name, {num, dim})};
}

mx::array embedding(const mx::array& ids, const Embedding& e) { return mx::take(e.table, ids, 0); }

mx::array gelu_exact(const mx::array& x) {
  // 0.5 x (1 + erf(x / sqrt 2)), as torch.nn.functional.gelu(approximate="none"). On the CPU a fused,
  // vectorised kernel (~7x less CPU than the five MLX ops, whose erf is scalar in the Linux wheel);
  // composed MLX ops for other dtypes and devices.
  return gelu_erf_cpu(x);
}

mx::array relu(const mx::array& x) { return mx::maximum(x, scalar_like(0.0f, x)); }

mx::array leaky_relu(const mx::array& x, float slope) {
  // For 0 <= slope <= 1, max(x, slope·x) is exactly the leaky ReLU, and on MLX's CPU backend it is ~20x
  // faster than where() (a scalar ternary loop): it dominated the HiFi-GAN generator's elementwise time.
  if (slope >= 0.0f && slope <= 1.0f) return mx::maximum(x, mx::multiply(x, scalar_like(slope, x)));
  return mx::where(mx::greater_equal(x, scalar_like(0.0f, x)), x, mx::multiply(x, scalar_like(slope, x)));
}

mx::array softplus(const mx::array& x) {
  // torch's softplus with threshold 20: x where x > 20, else log1p(exp(x))
  auto soft = mx::log1p(mx::exp(mx::minimum(x, scalar_like(20.0f, x))));
  return mx::where(mx::greater(x, scalar_like(20.0f, x)), x, soft);
}

mx::array mish(const mx::array& x) { return mx::multiply(x, mx::tanh(softplus(x))); }

}  // namespace gsv
