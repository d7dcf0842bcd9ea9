// core/layers.h against torch modules (tools/golden/layers.py): PyTorch layouts converted at load,
// weight norm fused with the dim each upstream module uses.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/layers.h"
#include "core/torch_checkpoint.h"
#include "support/golden.h"

namespace mx = mlx::core;
using namespace gsv;
using gsv::test::close;

namespace {
struct Fixture {
  WeightMap w;
  std::unordered_map<std::string, mx::array> ref;
};
Fixture load() {
  auto file = TorchFile::open(gsv::test::fixture("layers/layers.bin"));
  return {file.weights(file.root()), gsv::test::load_fixture("layers/expected.safetensors")};
}
}  // namespace

TEST(Layers, LinearLayerNormEmbedding) {
  auto f = load();
  auto lin = load_linear(f.w, "linear.", 12, 7);
  EXPECT_TRUE(close("linear", linear(f.ref.at("x_lin"), lin), f.ref.at("linear"), 1e-5f));
  auto ln = load_layer_norm(f.w, "ln.", 12, 1e-5f);
  EXPECT_TRUE(close("layer_norm", layer_norm(f.ref.at("x_lin"), ln), f.ref.at("ln"), 1e-5f));
  auto gn = load_layer_norm(f.w, "gn.", 6, 1e-5f);
  EXPECT_TRUE(close("group_norm", group_norm_per_channel(f.ref.at("x_conv6"), gn), f.ref.at("gn"), 1e-5f));
  auto emb = load_embedding(f.w, "emb.weight", 20, 5);
  EXPECT_TRUE(close("embedding", embedding(f.ref.at("ids"), emb), f.ref.at("emb"), 0));
}

TEST(Layers, WeightNormDim0Conv1dDilated) {
  auto f = load();
  auto c = load_conv1d(f.w, "conv_wn.", {.in = 6, .out = 10, .kernel = 5, .padding = 6, .dilation = 3,
                                         .weight_norm = WeightNorm::Dim0});
  EXPECT_TRUE(close("conv_wn", conv1d(f.ref.at("x_conv6"), c), f.ref.at("conv_wn"), 1e-5f));
}

TEST(Layers, WeightNormDim0ConvTransposeIsOverInputChannels) {
  auto f = load();
  auto c = load_conv_transpose1d(f.w, "convt_wn.", {.in = 8, .out = 4, .kernel = 16, .stride = 8, .padding = 4,
                                                    .weight_norm = WeightNorm::Dim0});
  EXPECT_TRUE(close("convt_wn", conv_transpose1d(f.ref.at("x_convt"), c), f.ref.at("convt_wn"), 1e-5f));
}

TEST(Layers, WeightNormDim2GroupedPosConvBothNamings) {
  auto f = load();
  for (const char* name : {"posconv_wn2", "posconv_param"}) {
    auto c = load_conv1d(f.w, std::string(name) + ".", {.in = 16, .out = 16, .kernel = 8, .padding = 4, .groups = 4,
                                                        .weight_norm = WeightNorm::Dim2});
    EXPECT_TRUE(close(name, conv1d(f.ref.at("x_pos"), c), f.ref.at(name), 1e-5f));
  }
}

TEST(Layers, Conv2dStrided) {
  auto f = load();
  auto c = load_conv2d(f.w, "conv2d.", {.in = 3, .out = 4, .kernel_h = 3, .kernel_w = 3, .stride_h = 2, .pad_h = 1, .pad_w = 1});
  EXPECT_TRUE(close("conv2d", conv2d(f.ref.at("x_img"), c), f.ref.at("conv2d"), 1e-5f));
}

TEST(Layers, Activations) {
  auto f = load();
  auto x = f.ref.at("x_lin");
  EXPECT_TRUE(close("gelu", gelu_exact(x), f.ref.at("gelu"), 1e-6f));
  EXPECT_TRUE(close("mish", mish(mx::multiply(x, mx::array(8.0f))), f.ref.at("mish"), 1e-5f));
  EXPECT_TRUE(close("leaky", leaky_relu(x, 0.1f), f.ref.at("leaky"), 0));
  EXPECT_TRUE(close("softplus", softplus(mx::multiply(x, mx::array(12.0f))), f.ref.at("softplus"), 1e-5f));
}

TEST(Layers, ScalarsKeepHalfPrecision) {
  auto h = mx::ones({4}, mx::float16);
  EXPECT_EQ(leaky_relu(h, 0.1f).dtype(), mx::float16);
  EXPECT_EQ(gelu_exact(h).dtype(), mx::float16);
}

TEST(WeightMap, MissingMisshapenAndUnexpectedKeysAreNamed) {
  auto f = load();
  try {
    f.w.take("linear.weight", {7, 13});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'linear.weight' has shape [7, 12]"), std::string::npos) << e.what();
  }
  try {
    f.w.take("nope.weight", {1});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing weight 'nope.weight'"), std::string::npos) << e.what();
  }
  WeightMap w("test");
  w.set("a", mx::zeros({2}));
  w.set("b", mx::zeros({2}));
  w.set("enc_q.x", mx::zeros({2}));
  w.ignore_prefix("enc_q.");
  w.take("a", {2});
  try {
    w.check_all_used("the model");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("enc_q"), std::string::npos) << e.what();
  }
}
