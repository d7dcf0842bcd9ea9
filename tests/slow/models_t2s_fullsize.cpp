// The full-size GPT (24 layers, 512 wide, real vocab) written by tools/golden/t2s_fullsize.py outside
// the repo ($GSV_LARGE_FIXTURES/t2s, default /work/fixtures-large/t2s). It must load with no missing or
// unexpected key, and reproduce upstream's prefill logits and a short greedy run. Skipped, with a
// message, when the files are absent.
#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/t2s.h"
#include "support/golden.h"

namespace mx = mlx::core;

namespace {

std::filesystem::path large_dir() { return gsv::test::large_fixture("t2s"); }

std::vector<int32_t> ints(const mx::array& a) {
  auto i = mx::astype(mx::flatten(a), mx::int32);
  mx::eval(i);
  return std::vector<int32_t>(i.data<int32_t>(), i.data<int32_t>() + i.size());
}

#define REQUIRE_LARGE(path)                                                                           \
  do {                                                                                                \
    if (!std::filesystem::exists(path))                                                               \
      GTEST_SKIP() << "full-size T2S fixture not present: " << path                                   \
                   << " (run tools/golden/t2s_fullsize.py --upstream <GPT-SoVITS checkout>; "          \
                      "set GSV_LARGE_FIXTURES to its root)";                                          \
  } while (0)

}  // namespace

TEST(T2SFullSize, LoadsAndMatchesUpstream) {
  const auto ckpt = large_dir() / "s1_fullsize.ckpt";
  REQUIRE_LARGE(ckpt);
  REQUIRE_LARGE(large_dir() / "expected.safetensors");
  auto t0 = std::chrono::steady_clock::now();
  auto model = gsv::load_t2s_file(ckpt);  // load_t2s calls check_all_used: no missing or unexpected key
  std::cout << "  loaded in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
  const auto& c = model.weights.config;
  EXPECT_EQ(c.num_layers, 24);
  EXPECT_EQ(c.hidden_dim, 512);
  EXPECT_EQ(c.num_heads, 16);
  EXPECT_EQ(c.vocab_size, 1025);
  EXPECT_EQ(c.phoneme_vocab_size, 732);
  EXPECT_EQ(c.max_sec, 54);

  auto ref = mx::load_safetensors((large_dir() / "expected.safetensors").string()).first;
  std::ifstream in(large_dir() / "expected.json");
  const auto meta = nlohmann::json::parse(in);
  const auto phones = ref.at("phones");
  const auto bert = mx::astype(ref.at("bert"), mx::float32);
  const std::optional<mx::array> prompt = ref.at("prompt");

  gsv::T2SKVCache cache;
  auto logits = gsv::t2s_prefill(model.weights, phones, bert, prompt, cache);
  EXPECT_TRUE(gsv::test::close("full-size prefill logits", logits, ref.at("prefill_logits"), 1e-4f, 2e-5f));

  gsv::T2SGenerateOptions o;
  o.sampling = {meta.at("top_k").get<int>(), 1.0f, 1.0f, meta.at("repetition_penalty").get<float>()};
  o.early_stop_num = meta.at("early_stop_num").get<int>();
  auto r = gsv::t2s_generate(model.weights, phones, bert, prompt, o)[0];
  const auto ref_y = ints(ref.at("y"));
  std::cout << "  greedy: " << r.steps << " steps, stop " << gsv::to_string(r.stop) << ", idx " << r.idx << "\n";
  EXPECT_EQ(r.y, ref_y);
  EXPECT_EQ(r.idx, ints(ref.at("idx"))[0]);
}
