#include "core/conv.h"

#include <atomic>
#include <optional>

#include "core/error.h"

namespace gsv {

namespace {
std::atomic<ConvRoute> g_route{ConvRoute::Auto};

// Up to this many input channels, stride-1 convs use the tap-sum rewrite on CPU; wider ones keep
// MLX's GEMM (equal speed at 256 channels in our measurements).
constexpr int kTapSumMaxChannels = 128;

bool use_rewrites() {
  switch (g_route.load()) {
    case ConvRoute::Native: return false;
    case ConvRoute::Rewrite: return true;
    case ConvRoute::Auto: return mx::default_device() == mx::Device::cpu;
  }
  return false;
}

mx::array pad_time(const mx::array& x, int left, int right) {
  if (left == 0 && right == 0) return x;
  return mx::pad(x, {1}, mx::Shape{left}, mx::Shape{right}, mx::array(0.0f, x.dtype()));
}
}  // namespace

void set_conv_route(ConvRoute route) { g_route = route; }
ConvRoute conv_route() { return g_route.load(); }

mx::array conv1d_dilated_rewrite(const mx::array& x, const mx::array& w, int pad_left, int pad_right,
                                 int d) {
  // Space-to-batch: the d interleaved phases of the padded signal each see a dense conv.
  const int B = x.shape(0), T = x.shape(1), C = x.shape(2);
  const int K = w.shape(1), O = w.shape(0);
  const int padded = T + pad_left + pad_right;
  const int t_out = padded - d * (K - 1);
  if (t_out <= 0) bad_input("conv1d: input of length ", T, " is shorter than the dilated kernel");
  const int lp = (padded + d - 1) / d * d;  // round up to a multiple of d
  auto xp = pad_time(x, pad_left, pad_right + (lp - padded));
  auto phases = mx::reshape(mx::transpose(mx::reshape(xp, {B, lp / d, d, C}), {0, 2, 1, 3}), {B * d, lp / d, C});
  auto y = mx::conv1d(phases, w);  // [B*d, Q, O]
  const int q = y.shape(1);
  y = mx::reshape(mx::transpose(mx::reshape(y, {B, d, q, O}), {0, 2, 1, 3}), {B, q * d, O});
  return mx::slice(y, {0, 0, 0}, {B, t_out, O});
}

mx::array conv1d_tap_sum_rewrite(const mx::array& x, const mx::array& w, int pad_left, int pad_right, int d) {
  // y = sum_k x_pad[t + k·d] W_k: in channels-last layout each shifted window is a contiguous block of
  // rows, so every tap is one GEMM on a view (no im2col copy, and dilation costs nothing extra).
  const int B = x.shape(0), T = x.shape(1), C = x.shape(2);
  const int O = w.shape(0), K = w.shape(1);
  GSV_CHECK(w.shape(2) == C, "tap-sum conv channels");
  const int t_out = T + pad_left + pad_right - d * (K - 1);
  if (t_out <= 0) bad_input("conv1d: input of length ", T, " is shorter than the kernel");
  auto xp = pad_time(x, pad_left, pad_right);
  auto wt = mx::transpose(w, {1, 2, 0});  // [K, C, O]
  std::optional<mx::array> y;
  for (int k = 0; k < K; ++k) {
    auto xs = mx::slice(xp, {0, k * d, 0}, {B, k * d + t_out, C});
    auto wk = mx::squeeze(mx::slice(wt, {k, 0, 0}, {k + 1, C, O}), 0);
    y = y ? mx::addmm(*y, xs, wk) : mx::matmul(xs, wk);
  }
  return *y;
}

mx::array conv1d_grouped_rewrite(const mx::array& x, const mx::array& w, int stride, int pad_left,
                                 int pad_right, int d, int groups) {
  // im2col with K strided slices, then one batched matmul over the groups.
  const int B = x.shape(0), T = x.shape(1), C = x.shape(2);
  const int O = w.shape(0), K = w.shape(1), Cg = w.shape(2);
  const int G = groups, Og = O / G;
  GSV_CHECK(Cg * G == C && Og * G == O, "grouped conv shapes");
  auto xp = pad_time(x, pad_left, pad_right);
  const int t_out = (T + pad_left + pad_right - d * (K - 1) - 1) / stride + 1;
  if (t_out <= 0) bad_input("conv1d: input of length ", T, " is shorter than the kernel");
  std::vector<mx::array> taps;
  taps.reserve(K);
  for (int k = 0; k < K; ++k)
    taps.push_back(mx::slice(xp, {0, k * d, 0}, {B, k * d + (t_out - 1) * stride + 1, C}, {1, stride, 1}));
  auto cols = mx::stack(taps, 2);                                   // [B, T_out, K, C]
  cols = mx::reshape(cols, {B, t_out, K, G, Cg});
  cols = mx::reshape(mx::transpose(cols, {3, 0, 1, 2, 4}), {G, B * t_out, K * Cg});
  auto wg = mx::reshape(w, {G, Og, K * Cg});                        // [G, Og, K*Cg]
  auto y = mx::matmul(cols, mx::transpose(wg, {0, 2, 1}));          // [G, B*T_out, Og]
  y = mx::transpose(mx::reshape(y, {G, B, t_out, Og}), {1, 2, 0, 3});
  return mx::reshape(y, {B, t_out, O});
}

mx::array conv_transpose1d_rewrite(const mx::array& x, const mx::array& w, int s, int p, int output_padding) {
  // One GEMM, then overlap-add: tap k of input frame t lands on output t*s + k. Padding K up to
  // m*s taps lets the overlap-add be m shifted sums of [B, T, s, O] blocks (no zero insertion).
  const int B = x.shape(0), T = x.shape(1), I = x.shape(2);
  const int O = w.shape(0), K = w.shape(1);
  GSV_CHECK(w.shape(2) == I, "conv_transpose1d channels");
  const int m = (K + s - 1) / s;
  auto wk = mx::transpose(w, {2, 1, 0});  // [I, K, O]
  if (m * s > K) wk = mx::pad(wk, {1}, mx::Shape{0}, mx::Shape{m * s - K}, mx::array(0.0f, w.dtype()));
  auto z = mx::matmul(x, mx::reshape(wk, {I, m * s * O}));  // [B, T, m*s*O]
  z = mx::reshape(z, {B, T, m, s * O});
  mx::array full = mx::zeros({B, T + m - 1, s * O}, x.dtype());
  for (int j = 0; j < m; ++j) {
    auto zj = mx::squeeze(mx::slice(z, {0, 0, j, 0}, {B, T, j + 1, s * O}), 2);  // [B, T, s*O]
    full = mx::add(full, pad_time(zj, j, m - 1 - j));
  }
  full = mx::reshape(full, {B, (T + m - 1) * s, O});
  const int l_out = (T - 1) * s - 2 * p + K + output_padding;
  const int have = (T + m - 1) * s;
  if (p + l_out > have) full = pad_time(full, 0, p + l_out - have);
  return mx::slice(full, {0, p, 0}, {B, p + l_out, O});
}

mx::array conv1d_any(const mx::array& x, const mx::array& w, int stride, int pad_left, int pad_right,
                     int dilation, int groups) {
  if (x.ndim() != 3) bad_input("conv1d expects [B, T, C] input, got ", x.ndim(), " dims");
  if (use_rewrites()) {
    // Narrow stride-1 convs (HiFi-GAN ResBlocks at 16..128 channels, dilated or not): per-tap GEMMs use
    // about half the CPU of MLX's im2col GEMM or the space-to-batch rewrite (docs/benchmarks.md §5).
    if (groups == 1 && stride == 1 && w.shape(1) > 1 && x.shape(2) <= kTapSumMaxChannels)
      return conv1d_tap_sum_rewrite(x, w, pad_left, pad_right, dilation);
    if (dilation > 1 && groups == 1 && stride == 1) return conv1d_dilated_rewrite(x, w, pad_left, pad_right, dilation);
    if (dilation > 1 || (groups > 1 && g_route.load() == ConvRoute::Rewrite))
      return conv1d_grouped_rewrite(x, w, stride, pad_left, pad_right, dilation, groups);
  }
  return mx::conv_general(x, w, std::vector<int>{stride}, std::vector<int>{pad_left},
                          std::vector<int>{pad_right}, std::vector<int>{dilation}, std::vector<int>{1}, groups);
}

mx::array conv_transpose1d_any(const mx::array& x, const mx::array& w, int stride, int padding,
                               int output_padding) {
  if (x.ndim() != 3) bad_input("conv_transpose1d expects [B, T, C] input, got ", x.ndim(), " dims");
  if (use_rewrites() && stride > 1) return conv_transpose1d_rewrite(x, w, stride, padding, output_padding);
  return mx::conv_transpose1d(x, w, stride, padding, 1, output_padding);
}

}  // namespace gsv
