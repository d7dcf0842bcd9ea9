#include "core/cpu_kernels.h"

#include <mlx/allocator.h>
#include <mlx/backend/cpu/encoder.h>
#include <mlx/primitives.h>

#include <bit>
#include <cmath>
#include <cstdint>

namespace gsv {

namespace {

// Both loops are branch-free (no float selects) so that GCC vectorises them: under its default
// -ftrapping-math it keeps float selects as branches, and the optimize attribute does not change that.

// exp(-a2) for 0 <= a2 <= 87 (Cephes expf: -a2 = n·ln2 + r, |r| <= ln2/2, degree-6 polynomial, ~1 ulp).
inline float exp_of_negative(float a2) {
  const float x = -a2;
  const float fx = x * 1.44269504088896341f;          // x / ln 2
  const int32_t n = static_cast<int32_t>(fx - 0.5f);  // truncating a value <= 0: round(fx), n >= -126
  const float fn = static_cast<float>(n);
  const float r = (x - fn * 0.693359375f) + fn * 2.12194440e-4f;  // x - n ln2 in two steps
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  return y * std::bit_cast<float>(static_cast<int32_t>((n + 127) << 23));
}

// 0.5·x·(1 + erf(x/√2)), erf by Abramowitz-Stegun 7.1.26.
void gelu_erf_loop(const float* in, float* out, size_t n) {
  constexpr int32_t kMaxSquare = 0x42AE0000;  // 87.0f: exp(-87) ~ 1.6e-38, the smallest normal float
  for (size_t i = 0; i < n; ++i) {
    const float x = in[i];
    const float z = x * 0.70710678118654752f;
    const float a = std::fabs(z);
    const float t = 1.0f / (1.0f + 0.3275911f * a);
    float r = 1.061405429f * t - 1.453152027f;
    r = r * t + 1.421413741f;
    r = r * t - 0.284496736f;
    r = r * t + 0.254829592f;
    // min(a², 87) on the bit patterns (order-preserving for non-negative floats; NaN clamps too and
    // x itself carries the NaN to the output), an integer select that vectorises.
    const int32_t a2_bits = std::bit_cast<int32_t>(a * a);
    const float a2 = std::bit_cast<float>(a2_bits < kMaxSquare ? a2_bits : kMaxSquare);
    const float erf_abs = 1.0f - r * t * exp_of_negative(a2);
    const float erf = std::bit_cast<float>(std::bit_cast<uint32_t>(erf_abs) | (std::bit_cast<uint32_t>(z) & 0x80000000u));
    out[i] = 0.5f * x * (1.0f + erf);
  }
}

// Row-wise softmax of a [rows, n] block: exp(x - max) / sum, like torch's (and MLX's precise) softmax.
void softmax_rows(const float* in, float* out, size_t rows, size_t n) {
  constexpr int32_t kMaxArg = 0x42AE0000;  // 87.0f, see gelu_erf_loop
  for (size_t row = 0; row < rows; ++row) {
    const float* x = in + row * n;
    float* y = out + row * n;
    float m = x[0];
    for (size_t i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;
    for (size_t i = 0; i < n; ++i) {  // vectorised: exp(-(m - x)) with m - x >= 0 clamped to 87
      const int32_t d_bits = std::bit_cast<int32_t>(m - x[i]);
      y[i] = exp_of_negative(std::bit_cast<float>(d_bits < kMaxArg ? d_bits : kMaxArg));
    }
    float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // eight running sums: vectorisable without reassociation
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
      for (int j = 0; j < 8; ++j) partial[j] += y[i + j];
    float sum = 0;
    for (; i < n; ++i) sum += y[i];
    for (float p : partial) sum += p;
    const float inv = 1.0f / sum;
    for (size_t k = 0; k < n; ++k) y[k] *= inv;
  }
}

mx::array gelu_erf_composed(const mx::array& x) {
  auto half = mx::array(0.5f, x.dtype()), one = mx::array(1.0f, x.dtype());
  return mx::multiply(mx::multiply(x, half),
                      mx::add(one, mx::erf(mx::multiply(x, mx::array(float(M_SQRT1_2), x.dtype())))));
}

class GeluErf : public mx::UnaryPrimitive {
 public:
  explicit GeluErf(mx::Stream stream) : mx::UnaryPrimitive(stream) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array& in = inputs[0];  // row-contiguous float32, see gelu_erf_cpu
    out.set_data(mx::allocator::malloc(out.nbytes()));
    auto& encoder = mx::cpu::get_command_encoder(stream());
    encoder.set_input_array(in);
    encoder.set_output_array(out);
    // The graph keeps both buffers alive until the stream has run the task (as MLX's own kernels).
    encoder.dispatch([in = mx::array::unsafe_weak_copy(in), out = mx::array::unsafe_weak_copy(out)]() mutable {
      gelu_erf_loop(in.data<float>(), out.data<float>(), in.size());
    });
  }

  void eval_gpu(const std::vector<mx::array>&, mx::array&) override {
    throw std::runtime_error("GeluErf is a CPU kernel; gelu_erf_cpu composes MLX ops on other devices");
  }

  // d/dx = Φ(x) + x·φ(x), for anyone who differentiates through it.
  std::vector<mx::array> vjp(const std::vector<mx::array>& primals, const std::vector<mx::array>& cotangents,
                             const std::vector<int>&, const std::vector<mx::array>&) override {
    const auto& x = primals[0];
    auto cdf = mx::multiply(mx::array(0.5f), mx::add(mx::array(1.0f), mx::erf(mx::multiply(x, mx::array(float(M_SQRT1_2))))));
    auto pdf = mx::multiply(mx::array(0.3989422804014327f), mx::exp(mx::multiply(mx::array(-0.5f), mx::square(x))));
    return {mx::multiply(cotangents[0], mx::add(cdf, mx::multiply(x, pdf)))};
  }

  std::vector<mx::array> jvp(const std::vector<mx::array>& primals, const std::vector<mx::array>& tangents,
                             const std::vector<int>& argnums) override {
    return vjp(primals, tangents, argnums, {});
  }

  const char* name() const override { return "GeluErf"; }
  bool is_equivalent(const mx::Primitive&) const override { return true; }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }
};

class SoftmaxLastAxis : public mx::UnaryPrimitive {
 public:
  explicit SoftmaxLastAxis(mx::Stream stream) : mx::UnaryPrimitive(stream) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array& in = inputs[0];  // row-contiguous float32, see softmax_cpu
    out.set_data(mx::allocator::malloc(out.nbytes()));
    auto& encoder = mx::cpu::get_command_encoder(stream());
    encoder.set_input_array(in);
    encoder.set_output_array(out);
    encoder.dispatch([in = mx::array::unsafe_weak_copy(in), out = mx::array::unsafe_weak_copy(out)]() mutable {
      const size_t n = in.shape(-1);
      softmax_rows(in.data<float>(), out.data<float>(), in.size() / n, n);
    });
  }

  void eval_gpu(const std::vector<mx::array>&, mx::array&) override {
    throw std::runtime_error("SoftmaxLastAxis is a CPU kernel; softmax_cpu uses mx::softmax on other devices");
  }

  // dx = y * (g - sum(g * y)) over the last axis.
  std::vector<mx::array> vjp(const std::vector<mx::array>&, const std::vector<mx::array>& cotangents,
                             const std::vector<int>&, const std::vector<mx::array>& outputs) override {
    const auto& y = outputs[0];
    const auto& g = cotangents[0];
    return {mx::multiply(y, mx::subtract(g, mx::sum(mx::multiply(g, y), -1, /*keepdims=*/true)))};
  }

  const char* name() const override { return "SoftmaxLastAxis"; }
  bool is_equivalent(const mx::Primitive&) const override { return true; }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }
};

}  // namespace

mx::array gelu_erf_cpu(const mx::array& x) {
  if (x.dtype() != mx::float32 || mx::default_device() != mx::Device::cpu || x.size() == 0)
    return gelu_erf_composed(x);
  auto stream = mx::default_stream(mx::Device::cpu);
  auto input = mx::contiguous(x, /*allow_col_major=*/false, stream);
  return mx::array(x.shape(), mx::float32, std::make_shared<GeluErf>(stream), {input});
}

mx::array softmax_cpu(const mx::array& x) {
  if (x.dtype() != mx::float32 || mx::default_device() != mx::Device::cpu || x.size() == 0 || x.ndim() == 0 ||
      x.shape(-1) == 0)
    return mx::softmax(x, -1, /*precise=*/true);
  auto stream = mx::default_stream(mx::Device::cpu);
  auto input = mx::contiguous(x, /*allow_col_major=*/false, stream);
  return mx::array(x.shape(), mx::float32, std::make_shared<SoftmaxLastAxis>(stream), {input});
}

}  // namespace gsv
