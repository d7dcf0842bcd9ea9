// chinese-hubert-base against upstream (tools/golden/hubert.py): a small random HubertModel with the
// real conv structure, saved by HF save_pretrained in fp16, run through upstream's
// CNHubert(...).model(wav)["last_hidden_state"] in fp32 on CPU.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "core/conv.h"
#include "core/error.h"
#include "models/cnhubert.h"
#include "support/golden.h"

namespace fs = std::filesystem;
namespace mx = mlx::core;
using gsv::test::close;
using gsv::test::fixture;
using namespace gsv::models;

namespace {

constexpr float kAtol = 1e-4f;

const std::unordered_map<std::string, mx::array>& expected() {
  static const auto e = gsv::test::load_fixture("hubert/expected.safetensors");
  return e;
}

mx::array wav(const std::string& key) { return mx::astype(expected().at("wav_" + key), mx::float32); }

// A copy of `w` with keys renamed (and optionally dropped or replaced) by `edit`.
gsv::WeightMap edited(const gsv::WeightMap& w,
                      const std::function<std::string(const std::string&)>& rename) {
  gsv::WeightMap out(w.source());
  for (const auto& n : w.names()) {
    auto to = rename(n);
    if (!to.empty()) out.set(to, w.peek(n));
  }
  return out;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

gsv::models::CnHubertConfig small_config() {
  std::ifstream f(fixture("hubert/bin_fp16/config.json"));
  return cnhubert_config_from_json(nlohmann::json::parse(f));
}

std::string load_error(gsv::WeightMap w) {
  try {
    load_cnhubert(w, small_config());
  } catch (const gsv::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(CnHubert, ConfigFromJson) {
  auto c = small_config();
  EXPECT_EQ(c.hidden, 64);
  EXPECT_EQ(c.pos_kernel, 16);
  EXPECT_EQ(c.pos_groups, 4);
  EXPECT_EQ(c.conv_kernel, (std::vector<int>{10, 3, 3, 3, 3, 2, 2}));
  // Absent keys take HF's defaults, which are chinese-hubert-base's sizes.
  auto d = cnhubert_config_from_json(nlohmann::json::object());
  EXPECT_EQ(d.hidden, 768);
  EXPECT_EQ(d.layers, 12);
  EXPECT_EQ(d.pos_kernel, 128);
  EXPECT_THROW(cnhubert_config_from_json({{"do_stable_layer_norm", true}}), gsv::Error);
  EXPECT_THROW(cnhubert_config_from_json({{"feat_extract_norm", "layer"}}), gsv::Error);
}

TEST(CnHubert, MatchesUpstreamFp16Bin) {
  auto model = load_cnhubert_dir(fixture("hubert/bin_fp16"));
  for (const std::string key : {"1s", "2s"}) {
    auto x = mx::expand_dims(wav(key), 0);
    const auto& ref = expected().at("hidden_" + key);
    EXPECT_EQ(cnhubert_frames(model.config, x.shape(1)), ref.shape(1));
    auto ours = cnhubert_forward(model, x);
    EXPECT_TRUE(close("hidden_" + key, ours, ref, kAtol));
  }
  // The stages, to localise a failure.
  auto x = mx::expand_dims(wav("1s"), 0);
  auto features = cnhubert_features(model, x);
  EXPECT_TRUE(close("features_1s", features, expected().at("features_1s"), kAtol));
  auto projected = cnhubert_projection(model, features);
  EXPECT_TRUE(close("projected_1s", projected, expected().at("projected_1s"), kAtol));
  EXPECT_TRUE(close("pos_conv_1s", cnhubert_pos_conv(model, projected), expected().at("pos_conv_1s"), kAtol));
}

TEST(CnHubert, SafetensorsWithLegacyNamesMatches) {
  // model.safetensors, "hubert."-prefixed keys, pos_conv as weight_g/weight_v.
  auto model = load_cnhubert_dir(fixture("hubert/st_legacy"));
  auto ours = cnhubert_forward(model, mx::expand_dims(wav("2s"), 0));
  EXPECT_TRUE(close("hidden_2s (st_legacy)", ours, expected().at("hidden_2s"), kAtol));
}

TEST(CnHubert, WeightGNamesInBinMatch) {
  auto w = read_cnhubert_weights(fixture("hubert/bin_fp16"));
  ASSERT_TRUE(w.has("encoder.pos_conv_embed.conv.parametrizations.weight.original0"));
  auto legacy = edited(w, [](const std::string& n) {
    return replace(replace(n, "parametrizations.weight.original0", "weight_g"), "parametrizations.weight.original1",
                   "weight_v");
  });
  auto model = load_cnhubert(legacy, small_config());
  auto ours = cnhubert_forward(model, mx::expand_dims(wav("1s"), 0));
  EXPECT_TRUE(close("hidden_1s (weight_g/weight_v)", ours, expected().at("hidden_1s"), kAtol));
}

TEST(CnHubert, GroupedConvRoutesAgree) {
  auto model = load_cnhubert_dir(fixture("hubert/bin_fp16"));
  auto x = mx::expand_dims(wav("1s"), 0);
  gsv::set_conv_route(gsv::ConvRoute::Rewrite);
  auto rewrite = cnhubert_forward(model, x);
  gsv::set_conv_route(gsv::ConvRoute::Native);
  auto native = cnhubert_forward(model, x);
  gsv::set_conv_route(gsv::ConvRoute::Auto);
  EXPECT_TRUE(close("rewrite vs native", rewrite, native, 1e-5f));
  EXPECT_TRUE(close("rewrite vs upstream", rewrite, expected().at("hidden_1s"), kAtol));
}

TEST(CnHubert, MissingMisshapenAndUnexpectedKeysAreNamed) {
  auto w = read_cnhubert_weights(fixture("hubert/bin_fp16"));
  const std::string dropped = "encoder.layers.1.final_layer_norm.bias";
  auto err = load_error(edited(w, [&](const std::string& n) { return n == dropped ? "" : n; }));
  EXPECT_NE(err.find(dropped), std::string::npos) << err;

  auto bad_shape = edited(w, [](const std::string& n) { return n; });
  bad_shape.set("encoder.pos_conv_embed.conv.parametrizations.weight.original0", mx::ones({64, 1, 1}));
  err = load_error(bad_shape);  // a dim-0 weight-norm magnitude: the wrong dim
  EXPECT_NE(err.find("parametrizations.weight.original0"), std::string::npos) << err;
  EXPECT_NE(err.find("[1, 1, 16]"), std::string::npos) << err;

  auto extra = edited(w, [](const std::string& n) { return n; });
  extra.set("encoder.layers.2.attention.q_proj.weight", mx::zeros({64, 64}));
  err = load_error(extra);
  EXPECT_NE(err.find("encoder.layers.2.attention.q_proj.weight"), std::string::npos) << err;
}

TEST(CnHubert, IncompleteFolderSaysWhatIsMissing) {
  const fs::path dir = fs::temp_directory_path() / "gsv_cnhubert_test";
  fs::remove_all(dir);
  auto kind_and_message = [&](std::string& msg) {
    try {
      load_cnhubert_dir(dir);
    } catch (const gsv::Error& e) {
      msg = e.what();
      return e.kind();
    }
    return gsv::ErrorKind::Internal;
  };
  std::string msg;
  EXPECT_EQ(kind_and_message(msg), gsv::ErrorKind::MissingFile);
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
  fs::create_directories(dir);
  EXPECT_EQ(kind_and_message(msg), gsv::ErrorKind::MissingFile);
  EXPECT_NE(msg.find("config.json"), std::string::npos) << msg;
  fs::copy_file(fixture("hubert/bin_fp16/config.json"), dir / "config.json");
  EXPECT_EQ(kind_and_message(msg), gsv::ErrorKind::MissingFile);
  EXPECT_NE(msg.find("pytorch_model.bin"), std::string::npos) << msg;
  fs::remove_all(dir);
}

TEST(CnHubert, TooShortAudioIsAnError) {
  auto model = load_cnhubert_dir(fixture("hubert/bin_fp16"));
  EXPECT_EQ(cnhubert_frames(model.config, 400), 1);
  EXPECT_NO_THROW(mx::eval(cnhubert_forward(model, mx::zeros({1, 400}))));
  EXPECT_THROW(cnhubert_forward(model, mx::zeros({1, 399})), gsv::Error);
  EXPECT_THROW(cnhubert_forward(model, mx::zeros({400})), gsv::Error);
}
