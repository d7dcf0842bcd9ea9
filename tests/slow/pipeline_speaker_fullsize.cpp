// The full-size sv checkpoint, ERes2NetV2(baseWidth=24, scale=4, expansion=4) as sv.py instantiates it,
// with random weights, written by tools/golden/eres2netv2_fullsize.py outside the repository
// ($GSV_LARGE_FIXTURES/sv, default /work/fixtures-large/sv) under the shipped file's name. It must load
// with no missing or unexpected key (1001 state_dict entries; load_eres2netv2 ends with check_all_used)
// and match upstream's SV.compute_embedding3 on 3 s of audio. Skipped with a message when absent.
#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include <filesystem>

#include "core/torch_checkpoint.h"
#include "models/eres2netv2.h"
#include "pipeline/speaker.h"
#include "support/golden.h"

namespace mx = mlx::core;
using gsv::test::close;
using namespace gsv::models;

namespace {

std::filesystem::path large_dir() { return gsv::test::large_fixture("sv"); }

}  // namespace

TEST(FullSize, ERes2NetV2SpeakerEmbedding) {
  const auto ckpt = large_dir() / "pretrained_eres2netv2w24s4ep4.ckpt";
  const auto expected_path = large_dir() / "expected_sv.safetensors";
  GSV_REQUIRE_FIXTURE(ckpt);
  GSV_REQUIRE_FIXTURE(expected_path);
  {
    auto file = gsv::TorchFile::open(ckpt);
    auto weights = file.weights(file.root());
    EXPECT_EQ(weights.size(), 1001u);  // the inventory of the shipped file (gpt-sovits-inference.md 5.2)
    EXPECT_EQ(weights.peek("layer3_ds.weight").shape(), (mx::Shape{2048, 1024, 3, 3}));
    EXPECT_EQ(weights.peek("seg_1.weight").shape(), (mx::Shape{192, 40960}));
  }
  const auto model = load_eres2netv2_file(ckpt);  // check_all_used: no unexpected key
  EXPECT_EQ(model.config.m_channels, 64);
  EXPECT_EQ(model.config.num_blocks, (std::vector<int>{3, 4, 6, 3}));
  EXPECT_EQ(model.layers[2][0].width, 96);
  EXPECT_EQ(model.layers[3][0].fuse.size(), 3u);

  auto e = mx::load_safetensors(expected_path.string()).first;
  auto wav = mx::astype(e.at("wav"), mx::float32);
  auto emb = gsv::pipeline::compute_sv_embedding(model, wav);
  EXPECT_EQ(emb.shape(), (mx::Shape{1, 20480}));
  EXPECT_TRUE(close("sv embedding (full size, 3 s)", emb, e.at("emb"), 0, 1e-4f));
}
