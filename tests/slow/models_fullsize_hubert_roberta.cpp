// Full-size chinese-hubert-base and chinese-roberta-wwm-ext-large folders with random weights and the
// shipped configs' sizes, written by tools/golden/hubert_roberta_fullsize.py outside the repository
// ($GSV_LARGE_FIXTURES/features, default /work/fixtures-large/features). Each must load with no missing
// or unexpected key (the loaders end with check_all_used) and match upstream's outputs on a short input.
// Skipped with a message when the files are absent.
#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include <filesystem>

#include "models/cnhubert.h"
#include "models/roberta.h"
#include "support/golden.h"

namespace mx = mlx::core;
using gsv::test::close;
using namespace gsv::models;

namespace {

std::filesystem::path large_dir() { return gsv::test::large_fixture("features"); }

std::unordered_map<std::string, mx::array> expected() {
  return mx::load_safetensors((large_dir() / "expected_features.safetensors").string()).first;
}

std::vector<int> int_vector(const mx::array& a) {
  auto b = mx::astype(a, mx::int32);
  mx::eval(b);
  return std::vector<int>(b.data<int32_t>(), b.data<int32_t>() + b.size());
}

}  // namespace

TEST(FullSize, ChineseHubertBase) {
  const auto dir = large_dir() / "chinese-hubert-base";
  GSV_REQUIRE_FIXTURE(dir / "pytorch_model.bin");
  GSV_REQUIRE_FIXTURE(large_dir() / "expected_features.safetensors");
  auto weights = read_cnhubert_weights(dir);
  EXPECT_EQ(weights.peek("encoder.layers.0.attention.q_proj.weight").dtype(), mx::float16);
  auto model = load_cnhubert_dir(dir);  // check_all_used: no unexpected key
  EXPECT_EQ(model.config.hidden, 768);
  EXPECT_EQ(model.layers.size(), 12u);
  EXPECT_EQ(model.pos_conv_weight.shape(), (mx::Shape{768, 128, 48}));
  const auto e = expected();
  auto wav = mx::expand_dims(mx::astype(e.at("hubert_wav"), mx::float32), 0);
  EXPECT_TRUE(close("hubert last_hidden_state", cnhubert_forward(model, wav), e.at("hubert_hidden"), 1e-4f, 1e-4f));
}

TEST(FullSize, ChineseRobertaWwmExtLarge) {
  const auto dir = large_dir() / "chinese-roberta-wwm-ext-large";
  GSV_REQUIRE_FIXTURE(dir / "pytorch_model.bin");
  GSV_REQUIRE_FIXTURE(large_dir() / "expected_features.safetensors");
  auto model = load_roberta_dir(dir);  // check_all_used: no unexpected key
  EXPECT_EQ(model.config.vocab, 21128);
  EXPECT_EQ(model.config.hidden, 1024);
  EXPECT_EQ(model.layers.size(), 22u);  // hidden_states[-3] of 24 layers
  const auto e = expected();
  auto chars = roberta_char_features(model, int_vector(e.at("roberta_ids")));
  auto phones = bert_phone_features(chars, int_vector(e.at("roberta_word2ph")));
  EXPECT_TRUE(close("bert phone features", mx::transpose(phones), e.at("roberta_phone_features"), 1e-4f, 1e-4f));
}
