// Full-size SoVITS files (v2, v2Pro, v2ProPlus) with random weights and upstream's exact key set and
// shapes, written by tools/golden/sovits_fullsize.py outside the repository
// ($GSV_LARGE_FIXTURES/sovits, default /work/fixtures-large/sovits). Each must load with no missing or
// unexpected key, report its version, and decode a short utterance like upstream (injected noise).
// Skipped with a message when the files are absent.
#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include <filesystem>

#include "core/error.h"
#include "core/torch_checkpoint.h"
#include "models/sovits.h"
#include "support/golden.h"

namespace mx = mlx::core;

namespace {

std::filesystem::path large_dir() { return gsv::test::large_fixture("sovits"); }

struct Expect {
  const char* version;
  const char* magic;
  int gin, upsample_initial_channel, weights;
};

class SovitsFullSize : public ::testing::TestWithParam<Expect> {};

TEST_P(SovitsFullSize, LoadsAndDecodesLikeUpstream) {
  const Expect e = GetParam();
  const auto pth = large_dir() / (std::string("s2_") + e.version + "_fullsize.pth");
  GSV_REQUIRE_FIXTURE(pth);

  // The key set: every tensor of the file is taken (load_sovits ends with check_all_used), and the count
  // is upstream's (673 for v2, 678 for the Pro family).
  {
    auto f = gsv::TorchFile::open(pth);
    auto w = f.weights(*f.root().get("weight"));
    EXPECT_EQ(int(w.size()), e.weights);
  }
  auto loaded = gsv::load_sovits_file(pth, std::string(e.version));
  const auto& m = loaded.model;
  EXPECT_EQ(loaded.file.version, e.version);
  EXPECT_EQ(loaded.file.magic, e.magic);
  EXPECT_EQ(m.cfg.gin_channels, e.gin);
  EXPECT_EQ(m.cfg.upsample_initial_channel, e.upsample_initial_channel);
  EXPECT_EQ(m.cfg.ssl_dim, 768);
  EXPECT_EQ(m.cfg.codebook_size, 1024);
  EXPECT_EQ(m.cfg.n_symbols, 732);
  EXPECT_EQ(m.cfg.mrte_hidden, 512);
  EXPECT_EQ(m.cfg.ref_enc_in, 704);
  EXPECT_EQ(m.cfg.ref_enc_hidden, 128);

  const auto golden = large_dir() / (std::string("s2_") + e.version + "_fullsize_golden.safetensors");
  GSV_REQUIRE_FIXTURE(golden);
  auto g = mx::load_safetensors(golden.string()).first;
  auto f32 = [](const mx::array& a) { return mx::astype(a, mx::float32); };

  auto codes = gsv::extract_latent(m, f32(g.at("ssl")));
  EXPECT_TRUE(mx::array_equal(codes, mx::astype(g.at("codes_from_ssl"), mx::int32)).item<bool>());

  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.noise = f32(g.at("decode.eps"));
  o.trace = &t;
  if (m.cfg.is_pro()) o.sv_embs = {f32(g.at("sv"))};
  auto wav = gsv::decode(m, g.at("codes"), g.at("phones"), {f32(g.at("ref"))}, o);
  EXPECT_TRUE(gsv::test::close("ge", *t.ge, g.at("decode.ge"), 1e-4f, 1e-4f));
  EXPECT_TRUE(gsv::test::close("m", *t.m, g.at("decode.m"), 1e-4f, 1e-4f));
  EXPECT_TRUE(gsv::test::close("logs", *t.logs, g.at("decode.logs"), 1e-4f, 1e-4f));
  EXPECT_TRUE(gsv::test::close("z", *t.z, g.at("decode.z"), 1e-4f, 1e-4f));
  EXPECT_TRUE(gsv::test::close("wav", wav, g.at("decode.wav"), 1e-4f, 1e-4f));
  EXPECT_GE(gsv::test::diff(wav, g.at("decode.wav")).snr_db, 60.0);
}

INSTANTIATE_TEST_SUITE_P(Versions, SovitsFullSize,
                         ::testing::Values(Expect{"v2", "PK", 512, 512, 673}, Expect{"v2Pro", "05", 1024, 512, 678},
                                           Expect{"v2ProPlus", "06", 1024, 768, 678}),
                         [](const auto& info) { return std::string(info.param.version); });

}  // namespace
