// dec: upstream module/models.py Generator (HiFi-GAN V1) with module/modules.py ResBlock1.
#include "core/error.h"
#include "models/sovits_modules.h"

namespace gsv::sovits {

namespace {
constexpr float kLreluSlope = 0.1f;  // modules.LRELU_SLOPE, inside the upsampling stages and ResBlocks

ResBlock1 load_resblock1(WeightMap& w, const std::string& prefix, int ch, int k, const std::vector<int>& dilations) {
  ResBlock1 rb;
  for (size_t i = 0; i < dilations.size(); ++i) {
    const int d = dilations[i];
    const std::string n = std::to_string(i) + ".";
    rb.convs1.push_back(load_conv1d(w, prefix + "convs1." + n,
                                    {.in = ch, .out = ch, .kernel = k, .padding = (k * d - d) / 2, .dilation = d,
                                     .weight_norm = WeightNorm::Dim0}));
    rb.convs2.push_back(load_conv1d(w, prefix + "convs2." + n,
                                    {.in = ch, .out = ch, .kernel = k, .padding = (k - 1) / 2,
                                     .weight_norm = WeightNorm::Dim0}));
  }
  return rb;
}

mx::array resblock1(const mx::array& input, const ResBlock1& rb) {
  auto x = input;
  for (size_t i = 0; i < rb.convs1.size(); ++i) {
    auto xt = conv1d(leaky_relu(x, kLreluSlope), rb.convs1[i]);  // dilated: GEMM rewrite on CPU (core/conv.h)
    xt = conv1d(leaky_relu(xt, kLreluSlope), rb.convs2[i]);
    x = mx::add(xt, x);
  }
  return x;
}
}  // namespace

Generator load_generator(WeightMap& w, const std::string& prefix, int in, int initial, int gin,
                         const std::vector<int>& rates, const std::vector<int>& kernels,
                         const std::vector<int>& rb_kernels, const std::vector<std::vector<int>>& rb_dilations) {
  if (rates.size() != kernels.size() || rates.empty())
    bad_input(w.source(), ": upsample_rates and upsample_kernel_sizes must be non-empty and of equal length");
  if (rb_kernels.size() != rb_dilations.size() || rb_kernels.empty())
    bad_input(w.source(), ": resblock_kernel_sizes and resblock_dilation_sizes must be non-empty and of equal length");
  auto conv_pre = load_conv1d(w, prefix + "conv_pre.", {.in = in, .out = initial, .kernel = 7, .padding = 3});
  auto cond = load_pointwise(w, prefix + "cond.", gin, initial);
  std::vector<ConvTranspose1d> ups;
  std::vector<ResBlock1> resblocks;
  int ch = initial;
  for (size_t i = 0; i < rates.size(); ++i) {
    const int out = initial >> (i + 1);
    if (out <= 0) bad_input(w.source(), ": upsample_initial_channel ", initial, " is too small for ", rates.size(), " stages");
    // weight_norm(ConvTranspose1d): torch's weight is [C_in, C_out, k] and norm dim 0 is C_in
    ups.push_back(load_conv_transpose1d(w, prefix + "ups." + std::to_string(i) + ".",
                                          {.in = ch, .out = out, .kernel = kernels[i], .stride = rates[i],
                                           .padding = (kernels[i] - rates[i]) / 2, .weight_norm = WeightNorm::Dim0}));
    for (size_t j = 0; j < rb_kernels.size(); ++j)
      resblocks.push_back(load_resblock1(w, prefix + "resblocks." + std::to_string(i * rb_kernels.size() + j) + ".",
                                           out, rb_kernels[j], rb_dilations[j]));
    ch = out;
  }
  auto conv_post = load_conv1d(w, prefix + "conv_post.", {.in = ch, .out = 1, .kernel = 7, .padding = 3, .bias = false});
  return Generator{std::move(conv_pre), std::move(conv_post), std::move(cond), std::move(ups), std::move(resblocks),
                   int(rb_kernels.size())};
}

mx::array generator(const mx::array& z, const mx::array& ge, const Generator& g) {
  auto x = mx::add(conv1d(z, g.conv_pre), linear(ge, g.cond));
  for (size_t i = 0; i < g.ups.size(); ++i) {
    x = conv_transpose1d(leaky_relu(x, kLreluSlope), g.ups[i]);
    std::optional<mx::array> xs;
    for (int j = 0; j < g.num_kernels; ++j) {
      auto r = resblock1(x, g.resblocks[i * g.num_kernels + j]);
      xs = xs ? mx::add(*xs, r) : r;
    }
    x = mx::divide(*xs, scalar_like(float(g.num_kernels), *xs));
  }
  x = leaky_relu(x, 0.01f);  // F.leaky_relu's default slope before conv_post, not LRELU_SLOPE
  return mx::tanh(conv1d(x, g.conv_post));
}

}  // namespace gsv::sovits
