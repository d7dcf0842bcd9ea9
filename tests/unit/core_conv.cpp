// The GEMM rewrites of core/conv.h against MLX's own conv_general (the naive-loop route on CPU).
#include <gtest/gtest.h>

#include "core/conv.h"
#include "support/golden.h"

namespace mx = mlx::core;
using gsv::test::close;

namespace {
mx::array randn(mx::Shape s, uint64_t seed) { return mx::random::normal(s, mx::float32, 0, 1, mx::random::key(seed)); }
mx::array native_conv(const mx::array& x, const mx::array& w, int stride, int pl, int pr, int d, int g) {
  return mx::conv_general(x, w, std::vector<int>{stride}, std::vector<int>{pl}, std::vector<int>{pr},
                          std::vector<int>{d}, std::vector<int>{1}, g);
}
}  // namespace

struct DilatedCase { int B, T, C, O, K, d; };
class DilatedConv : public ::testing::TestWithParam<DilatedCase> {};

TEST_P(DilatedConv, MatchesNative) {
  auto c = GetParam();
  auto x = randn({c.B, c.T, c.C}, 1), w = randn({c.O, c.K, c.C}, 2);
  int pad = c.d * (c.K - 1) / 2;
  auto ours = gsv::conv1d_dilated_rewrite(x, w, pad, pad, c.d);
  auto ref = native_conv(x, w, 1, pad, pad, c.d, 1);
  EXPECT_TRUE(close("dilated", ours, ref, 1e-4f));
  // Asymmetric padding and no padding too.
  EXPECT_TRUE(close("dilated-asym", gsv::conv1d_dilated_rewrite(x, w, 0, 2 * pad, c.d), native_conv(x, w, 1, 0, 2 * pad, c.d, 1), 1e-4f));
}

INSTANTIATE_TEST_SUITE_P(Shapes, DilatedConv,
                         ::testing::Values(DilatedCase{1, 37, 8, 6, 3, 3}, DilatedCase{2, 64, 16, 16, 5, 5},
                                           DilatedCase{1, 100, 12, 4, 7, 3}, DilatedCase{1, 11, 4, 4, 11, 2},
                                           DilatedCase{1, 5, 3, 2, 3, 5}));

struct TransposedCase { int B, T, I, O, K, s, p, op; };
class TransposedConv : public ::testing::TestWithParam<TransposedCase> {};

TEST_P(TransposedConv, MatchesNative) {
  auto c = GetParam();
  auto x = randn({c.B, c.T, c.I}, 3), w = randn({c.O, c.K, c.I}, 4);
  auto ours = gsv::conv_transpose1d_rewrite(x, w, c.s, c.p, c.op);
  auto ref = mx::conv_transpose1d(x, w, c.s, c.p, 1, c.op);
  EXPECT_TRUE(close("transposed", ours, ref, 1e-4f));
}

// The HiFi-GAN upsamplers of v2 (k16 s10 p3, k16 s8 p4, k8 s2 p3, k2 s2 p0), v2ProPlus (k20 s10 p5)
// and odd cases (K < s, K not a multiple of s, output padding).
INSTANTIATE_TEST_SUITE_P(Shapes, TransposedConv,
                         ::testing::Values(TransposedCase{1, 9, 16, 8, 16, 10, 3, 0}, TransposedCase{2, 7, 8, 4, 16, 8, 4, 0},
                                           TransposedCase{1, 13, 8, 4, 8, 2, 3, 0}, TransposedCase{1, 5, 4, 4, 2, 2, 0, 0},
                                           TransposedCase{1, 6, 12, 6, 20, 10, 5, 0}, TransposedCase{1, 4, 3, 5, 3, 4, 0, 0},
                                           TransposedCase{1, 8, 4, 3, 5, 3, 1, 2}));

struct GroupedCase { int B, T, C, O, K, s, p, d, g; };
class GroupedConv : public ::testing::TestWithParam<GroupedCase> {};

TEST_P(GroupedConv, MatchesNative) {
  auto c = GetParam();
  auto x = randn({c.B, c.T, c.C}, 5), w = randn({c.O, c.K, c.C / c.g}, 6);
  auto ours = gsv::conv1d_grouped_rewrite(x, w, c.s, c.p, c.p, c.d, c.g);
  auto ref = native_conv(x, w, c.s, c.p, c.p, c.d, c.g);
  EXPECT_TRUE(close("grouped", ours, ref, 1e-4f));
}

// HuBERT's pos_conv shape (k even, pad k/2, groups 16) scaled down, DiscriminatorS (k41 s4 g4),
// and dilated + grouped.
INSTANTIATE_TEST_SUITE_P(Shapes, GroupedConv,
                         ::testing::Values(GroupedCase{1, 50, 32, 32, 16, 1, 8, 1, 16}, GroupedCase{1, 90, 16, 64, 41, 4, 20, 1, 4},
                                           GroupedCase{2, 31, 8, 8, 3, 1, 3, 3, 2}, GroupedCase{1, 20, 6, 6, 1, 2, 0, 1, 3}));

TEST(ConvRoute, AnyFollowsTheRoute) {
  auto x = randn({1, 40, 8}, 7), w = randn({8, 3, 8}, 8);
  gsv::set_conv_route(gsv::ConvRoute::Rewrite);
  auto a = gsv::conv1d_any(x, w, 1, 3, 3, 3, 1);
  gsv::set_conv_route(gsv::ConvRoute::Native);
  auto b = gsv::conv1d_any(x, w, 1, 3, 3, 3, 1);
  gsv::set_conv_route(gsv::ConvRoute::Auto);
  auto c = gsv::conv1d_any(x, w, 1, 3, 3, 3, 1);
  EXPECT_TRUE(close("rewrite-vs-native", a, b, 1e-4f));
  EXPECT_TRUE(close("auto-vs-native", c, b, 1e-4f));
  auto wt = randn({4, 16, 8}, 9);
  EXPECT_TRUE(close("transpose-auto", gsv::conv_transpose1d_any(x, wt, 8, 4, 0), mx::conv_transpose1d(x, wt, 8, 4), 1e-4f));
}

TEST(ConvRoute, TooShortInputIsAnError) {
  auto x = randn({1, 3, 4}, 10), w = randn({4, 5, 4}, 11);
  EXPECT_THROW(gsv::conv1d_dilated_rewrite(x, w, 0, 0, 3), std::exception);
}
