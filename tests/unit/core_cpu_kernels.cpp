// The fused CPU kernels (core/cpu_kernels.h) against MLX's composed ops and a double-precision
// reference: odd sizes (vector tails), non-contiguous inputs, extreme values, gradients, fallbacks.
#include <gtest/gtest.h>

#include <cmath>

#include "core/cpu_kernels.h"
#include "support/golden.h"

namespace mx = mlx::core;
using gsv::test::close;

namespace {

mx::array gelu_reference(const mx::array& x) {
  auto xd = mx::contiguous(mx::astype(x, mx::float32));  // data<float>() below reads row-major
  mx::eval(xd);
  std::vector<float> out(xd.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const double v = xd.data<float>()[i];
    out[i] = static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  }
  return mx::array(out.data(), xd.shape(), mx::float32);
}

}  // namespace

TEST(CpuKernels, GeluMatchesDoubleErf) {
  auto x = mx::linspace(-15.0f, 15.0f, 300007);  // odd length: the loop's scalar tail runs too
  EXPECT_TRUE(close("gelu", gsv::gelu_erf_cpu(x), gelu_reference(x), 1e-6f));
  auto m = mx::reshape(mx::slice(x, {0}, {300000}), {600, 500});
  auto t = mx::transpose(m);  // non-contiguous input
  EXPECT_TRUE(close("gelu transposed", gsv::gelu_erf_cpu(t), gelu_reference(t), 1e-6f));
  auto special = gsv::gelu_erf_cpu(mx::array({0.0f, -0.0f, 1e-30f, 1e30f, -1e30f}));
  EXPECT_TRUE(close("gelu special", special, mx::array({0.0f, 0.0f, 5e-31f, 1e30f, 0.0f}), 1e-6f));
  auto inf = gsv::gelu_erf_cpu(mx::array({INFINITY, NAN}));
  mx::eval(inf);
  EXPECT_EQ(inf.data<float>()[0], INFINITY);  // torch: gelu(inf) = inf, gelu(nan) = nan
  EXPECT_TRUE(std::isnan(inf.data<float>()[1]));
}

TEST(CpuKernels, GeluGradientAndFallbacks) {
  auto x = mx::array({-3.0f, -1.0f, 0.0f, 0.5f, 2.0f});
  auto composed = [](const mx::array& v) {
    return mx::multiply(mx::multiply(v, mx::array(0.5f)), mx::add(mx::array(1.0f), mx::erf(mx::multiply(v, mx::array(float(M_SQRT1_2))))));
  };
  auto g = mx::grad([](const mx::array& v) { return mx::sum(gsv::gelu_erf_cpu(v)); })(x);
  auto g_ref = mx::grad([&](const mx::array& v) { return mx::sum(composed(v)); })(x);
  EXPECT_TRUE(close("gelu grad", g, g_ref, 1e-6f));
  auto h = gsv::gelu_erf_cpu(mx::astype(x, mx::float16));  // other dtypes: composed ops, dtype kept
  EXPECT_EQ(h.dtype(), mx::float16);
  EXPECT_TRUE(close("gelu fp16", h, composed(x), 2e-3f));
  EXPECT_EQ(gsv::gelu_erf_cpu(mx::zeros({0, 3})).shape(), (mx::Shape{0, 3}));
}

TEST(CpuKernels, SoftmaxMatchesMlx) {
  for (auto shape : {mx::Shape{1, 12, 499, 499}, mx::Shape{3, 7, 13}, mx::Shape{5, 1}, mx::Shape{9}}) {
    auto x = mx::multiply(mx::random::normal(shape, mx::float32, 0, 1, mx::random::key(3)), mx::array(6.0f));
    EXPECT_TRUE(close("softmax", gsv::softmax_cpu(x), mx::softmax(x, -1, true), 1e-5f));
  }
  auto x = mx::random::normal({4, 33, 17}, mx::float32, 0, 1, mx::random::key(4));
  auto t = mx::transpose(x, {0, 2, 1});  // non-contiguous
  EXPECT_TRUE(close("softmax transposed", gsv::softmax_cpu(t), mx::softmax(t, -1, true), 1e-6f));
  auto big = gsv::softmax_cpu(mx::array({1000.0f, -1000.0f, 0.0f, 1000.0f}));
  EXPECT_TRUE(close("softmax extreme", big, mx::array({0.5f, 0.0f, 0.0f, 0.5f}), 1e-30f));
}

TEST(CpuKernels, SoftmaxGradient) {
  auto x = mx::array({0.1f, 0.5f, -1.0f, 2.0f, 0.0f});
  auto w = mx::arange(5.0f);
  auto g = mx::grad([&](const mx::array& v) { return mx::sum(mx::multiply(gsv::softmax_cpu(v), w)); })(x);
  auto g_ref = mx::grad([&](const mx::array& v) { return mx::sum(mx::multiply(mx::softmax(v, -1, true), w)); })(x);
  EXPECT_TRUE(close("softmax grad", g, g_ref, 1e-6f));
}
