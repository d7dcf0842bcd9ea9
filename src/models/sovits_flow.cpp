// flow: upstream module/models.py ResidualCouplingBlock with module/modules.py ResidualCouplingLayer
// (mean_only=True), Flip and WN, run in reverse as decode does.
#include "core/error.h"
#include "models/sovits_modules.h"

namespace gsv::sovits {

namespace {

WN load_wn(WeightMap& w, const std::string& prefix, int hidden, int kernel, int n_layers, int gin) {
  std::vector<Conv1d> in_layers;
  std::vector<Linear> res_skip_layers;
  // dilation_rate is 1 in SoVITS, so every in_layer has dilation 1 and padding (k-1)/2.
  for (int i = 0; i < n_layers; ++i) {
    const std::string n = std::to_string(i);
    in_layers.push_back(load_conv1d(w, prefix + "in_layers." + n + ".",
                                       {.in = hidden, .out = 2 * hidden, .kernel = kernel,
                                        .padding = (kernel - 1) / 2, .weight_norm = WeightNorm::Dim0}));
    const int res_skip = i < n_layers - 1 ? 2 * hidden : hidden;  // the last layer has no residual half
    res_skip_layers.push_back(load_pointwise(w, prefix + "res_skip_layers." + n + ".", hidden, res_skip, true,
                                         WeightNorm::Dim0));
  }
  auto cond = load_pointwise(w, prefix + "cond_layer.", gin, 2 * hidden * n_layers, true, WeightNorm::Dim0);
  return WN{std::move(in_layers), std::move(res_skip_layers), std::move(cond), hidden};
}

mx::array wn_forward(const mx::array& input, const mx::array& ge, const WN& wn) {
  const int H = wn.hidden, L = int(wn.in_layers.size());
  auto g = linear(ge, wn.cond);  // [1 or B, 1, 2·H·L]
  auto x = input;
  std::optional<mx::array> out;
  for (int i = 0; i < L; ++i) {
    auto a = mx::add(conv1d(x, wn.in_layers[i]), mx::slice(g, {0, 0, 2 * H * i}, {g.shape(0), 1, 2 * H * (i + 1)}));
    const int B = a.shape(0), T = a.shape(1);
    // commons.fused_add_tanh_sigmoid_multiply
    auto acts = mx::multiply(mx::tanh(mx::slice(a, {0, 0, 0}, {B, T, H})),
                             mx::sigmoid(mx::slice(a, {0, 0, H}, {B, T, 2 * H})));
    auto rs = linear(acts, wn.res_skip[i]);
    mx::array skip = rs;
    if (i < L - 1) {
      x = mx::add(x, mx::slice(rs, {0, 0, 0}, {B, T, H}));
      skip = mx::slice(rs, {0, 0, H}, {B, T, 2 * H});
    }
    out = out ? mx::add(*out, skip) : skip;
  }
  return *out;
}

}  // namespace

Flow load_flow(WeightMap& w, const std::string& prefix, int channels, int hidden, int kernel, int n_layers,
               int n_flows, int gin) {
  if (channels % 2 != 0) bad_input(w.source(), ": flow channels (inter_channels) must be even, got ", channels);
  Flow f;
  f.channels = channels;
  const int half = channels / 2;
  for (int i = 0; i < n_flows; ++i) {
    // nn.ModuleList [coupling, Flip, coupling, Flip, ...]: couplings at even indices.
    const std::string p = prefix + "flows." + std::to_string(2 * i) + ".";
    Coupling c{load_pointwise(w, p + "pre.", half, hidden), load_pointwise(w, p + "post.", hidden, half),
               load_wn(w, p + "enc.", hidden, kernel, n_layers, gin)};
    f.couplings.push_back(std::move(c));
  }
  return f;
}

mx::array flow_reverse(const mx::array& z, const mx::array& ge, const Flow& f) {
  const int C = f.channels, half = C / 2;
  std::vector<int32_t> rev(C);
  for (int c = 0; c < C; ++c) rev[c] = C - 1 - c;
  const auto flip_index = mx::array(rev.begin(), {C}, mx::int32);
  auto x = z;
  // reversed([C0, Flip, C1, Flip, ...]) = Flip, C_{n-1}, Flip, ..., Flip, C0
  for (int i = int(f.couplings.size()) - 1; i >= 0; --i) {
    x = mx::take(x, flip_index, 2);  // Flip: torch.flip over channels
    const auto& c = f.couplings[i];
    const int B = x.shape(0), T = x.shape(1);
    auto x0 = mx::slice(x, {0, 0, 0}, {B, T, half});
    auto x1 = mx::slice(x, {0, 0, half}, {B, T, C});
    auto h = wn_forward(linear(x0, c.pre), ge, c.enc);
    auto m = linear(h, c.post);
    // mean_only: logs = 0, so (x1 - m)·exp(-logs) is x1 - m exactly
    x = mx::concatenate({x0, mx::subtract(x1, m)}, 2);
  }
  return x;
}

}  // namespace gsv::sovits
