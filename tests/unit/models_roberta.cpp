// chinese-roberta-wwm-ext-large against upstream (tools/golden/roberta.py): a small random
// BertForMaskedLM (4 layers) saved by HF in fp16, run through upstream's
// TextPreprocessor.get_bert_feature in fp32 on CPU. The token ids come from the fixture (the tokenizer
// itself is tested in text_wordpiece.cpp against the same texts).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "core/error.h"
#include "models/roberta.h"
#include "support/golden.h"

namespace fs = std::filesystem;
namespace mx = mlx::core;
using gsv::test::close;
using gsv::test::fixture;
using namespace gsv::models;

namespace {

constexpr float kAtol = 1e-4f;

const std::unordered_map<std::string, mx::array>& expected() {
  static const auto e = gsv::test::load_fixture("roberta/expected.safetensors");
  return e;
}

std::vector<int> int_vector(const mx::array& a) {
  auto b = mx::astype(a, mx::int32);
  mx::eval(b);
  return std::vector<int>(b.data<int32_t>(), b.data<int32_t>() + b.size());
}

std::vector<int> ids(int i) { return int_vector(expected().at("ids_" + std::to_string(i))); }
std::vector<int> word2ph(int i) { return int_vector(expected().at("word2ph_" + std::to_string(i))); }

RobertaConfig small_config() {
  std::ifstream f(fixture("roberta/model/config.json"));
  return roberta_config_from_json(nlohmann::json::parse(f));
}

gsv::WeightMap edited(const gsv::WeightMap& w, const std::function<std::string(const std::string&)>& rename) {
  gsv::WeightMap out(w.source());
  for (const auto& n : w.names()) {
    auto to = rename(n);
    if (!to.empty()) out.set(to, w.peek(n));
  }
  return out;
}

std::string load_error(gsv::WeightMap w) {
  try {
    load_roberta(w, small_config());
  } catch (const gsv::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Roberta, ConfigFromJson) {
  auto c = small_config();
  EXPECT_EQ(c.layers, 4);
  EXPECT_EQ(c.hidden, 64);
  EXPECT_FLOAT_EQ(c.layer_norm_eps, 1e-12f);
  auto d = roberta_config_from_json(nlohmann::json::object());  // HF defaults
  EXPECT_FLOAT_EQ(d.layer_norm_eps, 1e-12f);
  EXPECT_THROW(roberta_config_from_json({{"num_hidden_layers", 1}}), gsv::Error);
  EXPECT_THROW(roberta_config_from_json({{"position_embedding_type", "relative_key"}}), gsv::Error);
}

TEST(Roberta, MatchesUpstreamGetBertFeature) {
  auto model = load_roberta_dir(fixture("roberta/model"));
  EXPECT_EQ(model.layers.size(), 2u);  // hidden_states[-3] of 4 layers: layers 2 and 3 never run
  for (int i = 0; i < 3; ++i) {
    const auto n = std::to_string(i);
    EXPECT_TRUE(close("embeddings_" + n, mx::squeeze(roberta_embeddings(model, ids(i)), 0), expected().at("embeddings_" + n), kAtol));
    auto chars = roberta_char_features(model, ids(i));
    EXPECT_TRUE(close("chars_" + n, chars, expected().at("chars_" + n), kAtol));
    // upstream returns phone_level_feature.T: [hidden, n_phones]
    auto phones = bert_phone_features(chars, word2ph(i));
    EXPECT_TRUE(close("phone_features_" + n, mx::transpose(phones), expected().at("phone_features_" + n), kAtol));
  }
}

TEST(Roberta, AcceptsUnprefixedGammaBetaAndBuffers) {
  auto w = read_roberta_weights(fixture("roberta/model"));
  ASSERT_TRUE(w.has("bert.embeddings.LayerNorm.weight"));
  // A BertModel-level, TF-converted naming: no "bert." prefix, LayerNorm gamma/beta, a position_ids buffer.
  auto legacy = edited(w, [](std::string n) {
    if (n.rfind("cls.", 0) == 0) return std::string();
    n = n.substr(5);
    for (auto [from, to] : {std::pair{"LayerNorm.weight", "LayerNorm.gamma"}, std::pair{"LayerNorm.bias", "LayerNorm.beta"}}) {
      auto p = n.find(from);
      if (p != std::string::npos) n.replace(p, std::string(from).size(), to);
    }
    return n;
  });
  legacy.set("embeddings.position_ids", mx::reshape(mx::arange(128, mx::int64), {1, 128}));
  legacy.set("pooler.dense.weight", mx::zeros({64, 64}));
  auto model = load_roberta(legacy, small_config());
  EXPECT_TRUE(close("chars_1 (legacy names)", roberta_char_features(model, ids(1)), expected().at("chars_1"), kAtol));
}

TEST(Roberta, MissingMisshapenAndUnexpectedKeysAreNamed) {
  auto w = read_roberta_weights(fixture("roberta/model"));
  const std::string dropped = "bert.encoder.layer.1.output.LayerNorm.bias";
  auto err = load_error(edited(w, [&](const std::string& n) { return n == dropped ? "" : n; }));
  EXPECT_NE(err.find("encoder.layer.1.output.LayerNorm.bias"), std::string::npos) << err;

  auto bad = edited(w, [](const std::string& n) { return n; });
  bad.set("bert.encoder.layer.0.intermediate.dense.weight", mx::zeros({64, 64}));
  err = load_error(bad);
  EXPECT_NE(err.find("encoder.layer.0.intermediate.dense.weight"), std::string::npos) << err;
  EXPECT_NE(err.find("[128, 64]"), std::string::npos) << err;

  auto extra = edited(w, [](const std::string& n) { return n; });
  extra.set("bert.encoder.layer.0.attention.self.rel_bias", mx::zeros({4}));
  err = load_error(extra);
  EXPECT_NE(err.find("encoder.layer.0.attention.self.rel_bias"), std::string::npos) << err;

  auto stray = edited(w, [](const std::string& n) { return n; });
  stray.set("lm_head.weight", mx::zeros({4}));
  err = load_error(stray);
  EXPECT_NE(err.find("lm_head.weight"), std::string::npos) << err;

  // The unused last layers and the MLM head may be absent.
  auto trimmed = edited(w, [](const std::string& n) {
    return n.rfind("cls.", 0) == 0 || n.rfind("bert.encoder.layer.3.", 0) == 0 ? "" : n;
  });
  EXPECT_EQ(load_error(trimmed), "");
}

TEST(Roberta, IncompleteFolderSaysWhatIsMissing) {
  const fs::path dir = fs::temp_directory_path() / "gsv_roberta_test";
  fs::remove_all(dir);
  auto message = [&](gsv::ErrorKind& kind) {
    try {
      load_roberta_dir(dir);
    } catch (const gsv::Error& e) {
      kind = e.kind();
      return std::string(e.what());
    }
    return std::string();
  };
  gsv::ErrorKind kind = gsv::ErrorKind::Internal;
  EXPECT_NE(message(kind).find("not found"), std::string::npos);
  EXPECT_EQ(kind, gsv::ErrorKind::MissingFile);
  fs::create_directories(dir);
  EXPECT_NE(message(kind).find("config.json"), std::string::npos);
  fs::copy_file(fixture("roberta/model/config.json"), dir / "config.json");
  auto msg = message(kind);
  EXPECT_NE(msg.find("pytorch_model.bin"), std::string::npos) << msg;
  EXPECT_EQ(kind, gsv::ErrorKind::MissingFile);
  fs::remove_all(dir);
}

TEST(Roberta, InputErrors) {
  auto model = load_roberta_dir(fixture("roberta/model"));
  EXPECT_THROW(roberta_hidden(model, std::vector<int>(129, 20)), gsv::Error);  // > max positions
  EXPECT_NO_THROW(mx::eval(roberta_hidden(model, std::vector<int>(128, 20))));
  EXPECT_THROW(roberta_hidden(model, {11, 100000, 12}), gsv::Error);  // id outside the vocab
  EXPECT_THROW(roberta_hidden(model, {}), gsv::Error);

  auto chars = roberta_char_features(model, ids(0));  // 6 characters
  auto w2p = word2ph(0);
  try {
    bert_phone_features(chars, std::vector<int>(w2p.begin(), w2p.end() - 1));
    FAIL() << "mismatched word2ph accepted";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("one token per character"), std::string::npos) << e.what();
  }
  EXPECT_THROW(bert_phone_features(chars, {1, 1, -1, 1, 1, 1}), gsv::Error);
  EXPECT_EQ(bert_phone_features(chars, {0, 0, 0, 0, 0, 0}).shape(), (mx::Shape{0, 64}));
  EXPECT_EQ(bert_phone_features(chars, {1, 2, 3, 0, 1, 1}).shape(), (mx::Shape{8, 64}));
}
