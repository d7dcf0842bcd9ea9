// ERes2NetV2 (models/eres2netv2) and the speaker embedding (models/eres2netv2_sv) against upstream
// (tools/golden/eres2netv2.py): upstream's own ERes2NetV2 class with sv.py's block structure
// (baseWidth 24, scale 4, expansion 4) at m_channels 8 and 2 blocks per layer, randomised BatchNorm
// state, saved as a raw fp16 state_dict like the shipped sv checkpoint; forward3 and
// SV.compute_embedding3 run by upstream in fp32 on CPU.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/conv.h"
#include "core/error.h"
#include "core/torch_checkpoint.h"
#include "models/eres2netv2.h"
#include "pipeline/speaker.h"
#include "support/golden.h"

namespace mx = mlx::core;
using gsv::test::close;
using gsv::test::fixture;
using namespace gsv::models;

namespace {

// "Within 1e-4 relative": max |ours - upstream| <= 1e-4 * max |upstream|.
constexpr float kRtol = 1e-4f;

const std::unordered_map<std::string, mx::array>& expected() {
  static const auto e = gsv::test::load_fixture("eres2netv2/expected.safetensors");
  return e;
}

gsv::WeightMap small_weights() {
  auto file = gsv::TorchFile::open(fixture("eres2netv2/sv_small.ckpt"));
  return file.weights(file.root());
}

const ERes2NetV2& small_model() {
  static const ERes2NetV2 m = [] {
    auto w = small_weights();
    return load_eres2netv2(w);
  }();
  return m;
}

mx::array feats(const std::string& name) {
  return mx::expand_dims(mx::astype(expected().at("feats_" + name), mx::float32), 0);
}

// A copy of `w` changed by `edit`, which may rename (return the new name), drop (return "") or keep a key.
gsv::WeightMap edited(const gsv::WeightMap& w, const std::function<std::string(const std::string&)>& edit) {
  gsv::WeightMap out(w.source());
  for (const auto& n : w.names()) {
    auto to = edit(n);
    if (!to.empty()) out.set(to, w.peek(n));
  }
  return out;
}

std::string load_error(gsv::WeightMap w, gsv::ErrorKind want = gsv::ErrorKind::BadInput) {
  try {
    load_eres2netv2(w);
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), want) << e.what();
    return e.what();
  }
  return "";
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST(ERes2NetV2, ReadsSizesFromTheCheckpoint) {
  auto w = small_weights();
  EXPECT_EQ(w.peek("layer1.0.conv1.weight").dtype(), mx::float16);  // stored like the shipped file
  EXPECT_EQ(w.peek("bn1.num_batches_tracked").dtype(), mx::int64);
  const auto& m = small_model();
  auto config = expected().at("config");
  mx::eval(config);
  const int32_t* c = config.data<int32_t>();
  EXPECT_EQ(m.config.m_channels, c[0]);
  EXPECT_EQ(m.config.num_blocks, (std::vector<int>{c[1], c[2], c[3], c[4]}));
  ASSERT_EQ(m.layers.size(), 4u);
  for (size_t layer = 0; layer < 4; ++layer) {
    EXPECT_TRUE(m.layers[layer][0].shortcut.has_value()) << "layer " << layer + 1;
    EXPECT_FALSE(m.layers[layer][1].shortcut.has_value()) << "layer " << layer + 1;
    EXPECT_EQ(m.layers[layer][0].fuse.size(), layer >= 2 ? 3u : 0u);
  }
  EXPECT_EQ(m.layers[0][0].width, 3);  // floor(8 * 24 / 64)
  EXPECT_EQ(m.layers[3][0].width, 24);
}

TEST(ERes2NetV2, Forward3MatchesUpstreamOneSecond) {
  auto ours = eres2netv2_forward3(small_model(), feats("1s"));
  EXPECT_EQ(ours.shape(), (mx::Shape{1, 2560}));  // 32 m * 10
  EXPECT_TRUE(close("forward3 (1 s of fbank)", ours, expected().at("emb_1s"), 0, kRtol));
}

TEST(ERes2NetV2, Forward3MatchesUpstreamThreeSeconds) {
  EXPECT_TRUE(close("forward3 (3 s of fbank)", eres2netv2_forward3(small_model(), feats("3s")), expected().at("emb_3s"),
                    0, kRtol));
}

TEST(ERes2NetV2, ComputeSvEmbeddingMatchesUpstream) {
  // sv.py's SV.compute_embedding3(wav[None]): Kaldi fbank, then forward3.
  auto wav = mx::astype(expected().at("wav_sv"), mx::float32);
  EXPECT_TRUE(close("compute_embedding3", gsv::pipeline::compute_sv_embedding(small_model(), wav), expected().at("emb_sv"), 0, kRtol));
  EXPECT_TRUE(close("compute_embedding3 [1, N]", gsv::pipeline::compute_sv_embedding(small_model(), mx::expand_dims(wav, 0)),
                    expected().at("emb_sv"), 0, kRtol));
}

TEST(ERes2NetV2, BatchRowsAreIndependent) {
  auto a = feats("1s");
  auto b = mx::slice(feats("3s"), {0, 0, 0}, {1, a.shape(1), 80});
  auto both = eres2netv2_forward3(small_model(), mx::concatenate({a, b}, 0));
  ASSERT_EQ(both.shape(), (mx::Shape{2, 2560}));
  EXPECT_TRUE(close("batch row 0", mx::slice(both, {0, 0}, {1, 2560}), expected().at("emb_1s"), 0, kRtol));
  EXPECT_TRUE(close("batch row 1", mx::slice(both, {1, 0}, {2, 2560}), eres2netv2_forward3(small_model(), b), 1e-5f));
}

TEST(ERes2NetV2, ConvRoutesAgree) {
  // Narrow stride-1 3x3 convs take the tap-sum GEMMs on the CPU (every 3x3 of the small model but
  // layer3_ds); ConvRoute::Native sends them through MLX's conv2d instead, Rewrite forces the tap sum.
  std::vector<mx::array> outputs;
  for (auto route : {gsv::ConvRoute::Native, gsv::ConvRoute::Rewrite, gsv::ConvRoute::Auto}) {
    gsv::set_conv_route(route);
    outputs.push_back(eres2netv2_forward3(small_model(), feats("1s")));
    mx::eval(outputs.back());
  }
  gsv::set_conv_route(gsv::ConvRoute::Auto);
  EXPECT_TRUE(close("forward3, MLX conv2d route", outputs[0], expected().at("emb_1s"), 0, kRtol));
  EXPECT_TRUE(close("forward3, tap-sum vs MLX conv2d", outputs[1], outputs[0], 1e-5f));
  EXPECT_TRUE(close("forward3, auto vs tap-sum", outputs[2], outputs[1], 0));
}

TEST(ERes2NetV2, ShortInputs) {
  // One fbank frame is the minimum: each stride-2 stage keeps ceil(T / 2) >= 1 frames.
  auto one = mx::slice(feats("1s"), {0, 0, 0}, {1, 1, 80});
  EXPECT_EQ(eres2netv2_forward3(small_model(), one).shape(), (mx::Shape{1, 2560}));
  try {
    gsv::pipeline::compute_sv_embedding(small_model(), mx::zeros({399}));
    FAIL() << "expected BadInput";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("too short"), std::string::npos) << e.what();
  }
  EXPECT_THROW(eres2netv2_forward3(small_model(), mx::zeros({1, 10, 40})), gsv::Error);
  EXPECT_THROW(eres2netv2_forward3(small_model(), mx::zeros({10, 80})), gsv::Error);
  EXPECT_THROW(gsv::pipeline::compute_sv_embedding(small_model(), mx::zeros({1, 1, 800})), gsv::Error);
}

TEST(ERes2NetV2, MissingKeyIsNamed) {
  auto w = edited(small_weights(), [](const std::string& n) { return n == "layer2.1.convs.2.weight" ? "" : n; });
  auto msg = load_error(std::move(w));
  EXPECT_NE(msg.find("'layer2.1.convs.2.weight'"), std::string::npos) << msg;
  auto w2 = edited(small_weights(),
                   [](const std::string& n) { return n == "fuse34.local_att.4.running_var" ? "" : n; });
  msg = load_error(std::move(w2));
  EXPECT_NE(msg.find("'fuse34.local_att.4.running_var'"), std::string::npos) << msg;
}

TEST(ERes2NetV2, MisshapenKeyIsNamed) {
  auto w = small_weights();
  w.set("layer3_ds.weight", mx::zeros({256, 128, 1, 1}, mx::float16));
  auto msg = load_error(std::move(w));
  EXPECT_NE(msg.find("'layer3_ds.weight'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[256, 128, 3, 3]"), std::string::npos) << msg;
  auto w2 = small_weights();
  w2.set("layer4.1.fuse_models.0.local_att.0.weight", mx::zeros({6, 48, 3, 3}, mx::float16));
  msg = load_error(std::move(w2));
  EXPECT_NE(msg.find("'layer4.1.fuse_models.0.local_att.0.weight'"), std::string::npos) << msg;
}

TEST(ERes2NetV2, UnexpectedKeyIsNamed) {
  // A shortcut where upstream builds none (block 1 keeps its shape) is not part of the model.
  auto w = small_weights();
  w.set("layer2.1.shortcut.0.weight", mx::zeros({64, 64, 1, 1}, mx::float16));
  auto msg = load_error(std::move(w));
  EXPECT_NE(msg.find("'layer2.1.shortcut.0.weight'"), std::string::npos) << msg;
  // two_emb_layer=True models have seg_bn_1/seg_2; sv.py's does not.
  auto w2 = small_weights();
  w2.set("seg_2.weight", mx::zeros({8, 8}, mx::float16));
  msg = load_error(std::move(w2));
  EXPECT_NE(msg.find("'seg_2.weight'"), std::string::npos) << msg;
}

TEST(ERes2NetV2, UnusedAndBookkeepingKeysAreOptional) {
  // num_batches_tracked and seg_1 are ignored on purpose: a file without them loads the same model.
  auto w = edited(small_weights(), [](const std::string& n) {
    return ends_with(n, "num_batches_tracked") || n.rfind("seg_1.", 0) == 0 ? "" : n;
  });
  auto m = load_eres2netv2(w);
  EXPECT_TRUE(close("forward3 without seg_1/num_batches_tracked", eres2netv2_forward3(m, feats("1s")),
                    expected().at("emb_1s"), 0, kRtol));
}

TEST(ERes2NetV2, OtherVariantIsUnsupported) {
  // 3D-Speaker's default ERes2NetV2 (baseWidth 26, scale 2, expansion 2) has other widths inside.
  auto w = small_weights();
  w.set("layer1.0.conv1.weight", mx::zeros({6, 8, 1, 1}, mx::float16));
  w.set("layer1.0.conv3.weight", mx::zeros({16, 6, 1, 1}, mx::float16));
  auto msg = load_error(std::move(w), gsv::ErrorKind::Unsupported);
  EXPECT_NE(msg.find("baseWidth=24, scale=4, expansion=4"), std::string::npos) << msg;
  auto w2 = small_weights();
  w2.set("conv1.weight", mx::zeros({8, 3, 3, 3}, mx::float16));
  msg = load_error(std::move(w2));
  EXPECT_NE(msg.find("'conv1.weight'"), std::string::npos) << msg;
}

TEST(ERes2NetV2, MissingCheckpointSaysWhereToPutIt) {
  try {
    load_eres2netv2_file("/nonexistent/sv/pretrained_eres2netv2w24s4ep4.ckpt");
    FAIL() << "expected MissingFile";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::MissingFile);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("GPT_SoVITS/pretrained_models/sv/pretrained_eres2netv2w24s4ep4.ckpt"), std::string::npos) << msg;
    EXPECT_NE(msg.find(default_sv_checkpoint_path().string()), std::string::npos) << msg;
  }
  EXPECT_EQ(default_sv_checkpoint_path().filename(), "pretrained_eres2netv2w24s4ep4.ckpt");
  EXPECT_EQ(default_sv_checkpoint_path().parent_path().filename(), "sv");
}

TEST(ERes2NetV2, LoadsTheFileItself) {
  auto m = load_eres2netv2_file(fixture("eres2netv2/sv_small.ckpt"));
  EXPECT_TRUE(close("forward3 via load_eres2netv2_file", eres2netv2_forward3(m, feats("1s")),
                    expected().at("emb_1s"), 0, kRtol));
}
