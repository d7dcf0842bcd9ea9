#include "models/t2s_kernels.h"

#include <mlx/allocator.h>
#include <mlx/backend/cpu/encoder.h>
#include <mlx/primitives.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The CBLAS entry point, declared here rather than through a cblas.h: whichever BLAS the executable
// binds (OpenBLAS, interposed ahead of the wheel's reference BLAS, see CMakeLists.txt) provides it.
extern "C" void cblas_sgemv(int order, int trans, int m, int n, float alpha, const float* a, int lda,
                            const float* x, int incx, float beta, float* y, int incy);

namespace gsv {

namespace {

constexpr int kCblasRowMajor = 101;
constexpr int kCblasNoTrans = 111;
constexpr int kCblasTrans = 112;

enum class Format { Float32, Float16, BFloat16, Affine8, Affine4 };

Format format_of(const T2SLinear& l) {
  if (l.bits == 8) return Format::Affine8;
  if (l.bits == 4) return Format::Affine4;
  if (l.weight.dtype() == mx::float16) return Format::Float16;
  if (l.weight.dtype() == mx::bfloat16) return Format::BFloat16;
  return Format::Float32;
}

// ------------------------------------------------------------------ dot products, plain loops
// Eight running sums: the compiler may vectorise them without reassociating a single sum.

float half_to_float(uint16_t h) { return static_cast<float>(std::bit_cast<mx::float16_t>(h)); }
float bf16_to_float(uint16_t b) { return std::bit_cast<float>(uint32_t(b) << 16); }

template <typename Load>
float dot_plain(int n, const float* x, Load load) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += load(i + j) * x[i + j];
  float s = 0;
  for (; i < n; ++i) s += load(i) * x[i];
  for (float a : acc) s += a;
  return s;
}

float dot_f16_plain(const uint16_t* w, const float* x, int n) {
  return dot_plain(n, x, [w](int i) { return half_to_float(w[i]); });
}
float dot_bf16_plain(const uint16_t* w, const float* x, int n) {
  return dot_plain(n, x, [w](int i) { return bf16_to_float(w[i]); });
}
float dot_q8_plain(const uint8_t* w, const float* x, int n) {
  return dot_plain(n, x, [w](int i) { return float(w[i]); });
}
// Element i of a 4-bit row is nibble i % 2 of byte i / 2, low nibble first (MLX's packing).
float dot_q4_plain(const uint8_t* w, const float* x, int n) {
  return dot_plain(n, x, [w](int i) { return float((w[i >> 1] >> ((i & 1) * 4)) & 15); });
}

// ------------------------------------------------------------------ dot products, AVX2
#if defined(__x86_64__)
#define GSV_AVX2 __attribute__((target("avx2,fma,f16c")))

GSV_AVX2 inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Sums w_i * x_i eight lanes at a time; `load` converts eight stored weights starting at i to
// floats (load.eight) or one (load.one, for the tail). Four accumulators hide the FMA latency.
template <typename Load>
GSV_AVX2 inline float dot_avx2(int n, const float* x, const Load& load) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_fmadd_ps(load.eight(i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(load.eight(i + 8), _mm256_loadu_ps(x + i + 8), a1);
    a2 = _mm256_fmadd_ps(load.eight(i + 16), _mm256_loadu_ps(x + i + 16), a2);
    a3 = _mm256_fmadd_ps(load.eight(i + 24), _mm256_loadu_ps(x + i + 24), a3);
  }
  for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(load.eight(i), _mm256_loadu_ps(x + i), a0);
  float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; ++i) s += load.one(i) * x[i];
  return s;
}

// One output of an affine-quantized row: sum_g scale_g * (q_g . x_g) + offset_g * sum(x_g), with the
// per-group dot products kept in vector registers (one horizontal sum per row). Needs group % 16 == 0.
template <typename Load>
GSV_AVX2 inline float quantized_row_avx2(int groups, int group, const float* x, const float* scales,
                                         const float* offsets, const float* xsum, const Load& load) {
  __m256 row0 = _mm256_setzero_ps(), row1 = _mm256_setzero_ps();
  float offset = 0;
  for (int g = 0; g < groups; ++g) {
    const int base = g * group;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    for (int i = base; i < base + group; i += 16) {
      __m256 w0, w1;
      load.sixteen(i, w0, w1);
      a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), a0);
      a1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), a1);
    }
    const __m256 scale = _mm256_set1_ps(scales[g]);
    row0 = _mm256_fmadd_ps(scale, a0, row0);
    row1 = _mm256_fmadd_ps(scale, a1, row1);
    offset += offsets[g] * xsum[g];
  }
  return hsum(_mm256_add_ps(row0, row1)) + offset;
}

struct LoadF16 {
  const uint16_t* w;
  GSV_AVX2 __m256 eight(int i) const { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i))); }
  float one(int i) const { return half_to_float(w[i]); }
};

struct LoadBF16 {
  const uint16_t* w;
  GSV_AVX2 __m256 eight(int i) const {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
  }
  float one(int i) const { return bf16_to_float(w[i]); }
};

struct LoadQ8 {
  const uint8_t* w;
  GSV_AVX2 __m256 eight(int i) const {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + i))));
  }
  float one(int i) const { return float(w[i]); }
  GSV_AVX2 void sixteen(int i, __m256& lo, __m256& hi) const {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i));
    lo = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
    hi = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)));
  }
};

struct LoadQ4 {
  const uint8_t* w;
  GSV_AVX2 __m256 eight(int i) const {
    uint32_t word;  // elements i..i+7 in 4 bytes, low nibble first
    std::memcpy(&word, w + i / 2, 4);
    const __m128i v = _mm_cvtsi32_si128(int(word));
    const __m128i mask = _mm_set1_epi8(0x0F);
    const __m128i bytes = _mm_unpacklo_epi8(_mm_and_si128(v, mask), _mm_and_si128(_mm_srli_epi16(v, 4), mask));
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
  }
  float one(int i) const { return float((w[i >> 1] >> ((i & 1) * 4)) & 15); }
  GSV_AVX2 void sixteen(int i, __m256& lo, __m256& hi) const {
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + i / 2));  // 16 nibbles
    const __m128i mask = _mm_set1_epi8(0x0F);
    const __m128i bytes = _mm_unpacklo_epi8(_mm_and_si128(v, mask), _mm_and_si128(_mm_srli_epi16(v, 4), mask));
    lo = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes));
    hi = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)));
  }
};

GSV_AVX2 float dot_f16_avx2(const uint16_t* w, const float* x, int n) { return dot_avx2(n, x, LoadF16{w}); }
GSV_AVX2 float dot_bf16_avx2(const uint16_t* w, const float* x, int n) { return dot_avx2(n, x, LoadBF16{w}); }
GSV_AVX2 float dot_q8_avx2(const uint8_t* w, const float* x, int n) { return dot_avx2(n, x, LoadQ8{w}); }
GSV_AVX2 float dot_q4_avx2(const uint8_t* w, const float* x, int n) { return dot_avx2(n, x, LoadQ4{w}); }
GSV_AVX2 float row_q8_avx2(const uint8_t* w, int groups, int group, const float* x, const float* scales,
                           const float* offsets, const float* xsum) {
  return quantized_row_avx2(groups, group, x, scales, offsets, xsum, LoadQ8{w});
}
GSV_AVX2 float row_q4_avx2(const uint8_t* w, int groups, int group, const float* x, const float* scales,
                           const float* offsets, const float* xsum) {
  return quantized_row_avx2(groups, group, x, scales, offsets, xsum, LoadQ4{w});
}

bool cpu_has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          __builtin_cpu_supports("f16c");
  return yes;
}
#endif

using DotFn = float (*)(const void*, const float*, int);

template <auto F, typename T>
float erase(const void* w, const float* x, int n) {
  return F(static_cast<const T*>(w), x, n);
}

DotFn dot_for(Format f) {
#if defined(__x86_64__)
  if (cpu_has_avx2()) {
    switch (f) {
      case Format::Float16: return erase<dot_f16_avx2, uint16_t>;
      case Format::BFloat16: return erase<dot_bf16_avx2, uint16_t>;
      case Format::Affine8: return erase<dot_q8_avx2, uint8_t>;
      case Format::Affine4: return erase<dot_q4_avx2, uint8_t>;
      default: break;
    }
  }
#endif
  switch (f) {
    case Format::Float16: return erase<dot_f16_plain, uint16_t>;
    case Format::BFloat16: return erase<dot_bf16_plain, uint16_t>;
    case Format::Affine8: return erase<dot_q8_plain, uint8_t>;
    case Format::Affine4: return erase<dot_q4_plain, uint8_t>;
    default: return nullptr;
  }
}

using QuantizedRowFn = float (*)(const uint8_t*, int, int, const float*, const float*, const float*, const float*);

// The vectorised whole-row kernel for a quantized format, or nullptr (then per-group dots are used).
QuantizedRowFn quantized_row_for(Format f) {
#if defined(__x86_64__)
  if (cpu_has_avx2()) return f == Format::Affine8 ? row_q8_avx2 : f == Format::Affine4 ? row_q4_avx2 : nullptr;
#endif
  return nullptr;
}

struct GemvArgs {
  Format format;
  int rows, out, in, group;
  const float* x;
  const void* w;
  const float* scales;       // quantized
  const float* zero_points;  // quantized
  const float* bias;         // may be null
  float* y;
};

void gemv_rows(const GemvArgs& a) {
  if (a.format == Format::Float32) {
    const auto* w = static_cast<const float*>(a.w);
    for (int r = 0; r < a.rows; ++r) {
      float* yr = a.y + size_t(r) * a.out;
      if (a.bias) std::memcpy(yr, a.bias, sizeof(float) * a.out);
      cblas_sgemv(kCblasRowMajor, kCblasNoTrans, a.out, a.in, 1.0f, w, a.in, a.x + size_t(r) * a.in, 1,
                  a.bias ? 1.0f : 0.0f, yr, 1);
    }
    return;
  }
  const DotFn dot = dot_for(a.format);
  const bool quantized = a.format == Format::Affine8 || a.format == Format::Affine4;
  const QuantizedRowFn row = quantized && a.group % 16 == 0 ? quantized_row_for(a.format) : nullptr;
  const size_t row_bytes = a.format == Format::Affine8   ? size_t(a.in)
                           : a.format == Format::Affine4 ? size_t(a.in) / 2
                                                         : size_t(a.in) * 2;
  const int groups = quantized ? a.in / a.group : 0;
  std::vector<float> xsum(groups);
  for (int r = 0; r < a.rows; ++r) {
    const float* xr = a.x + size_t(r) * a.in;
    float* yr = a.y + size_t(r) * a.out;
    // sum_i (scale q_i + offset) x_i = scale sum_i q_i x_i + offset sum_i x_i, per group
    for (int g = 0; g < groups; ++g) {
      float s = 0;
      for (int i = 0; i < a.group; ++i) s += xr[g * a.group + i];
      xsum[g] = s;
    }
    for (int o = 0; o < a.out; ++o) {
      const auto* wrow = static_cast<const uint8_t*>(a.w) + size_t(o) * row_bytes;
      float acc = 0;
      if (!quantized) {
        acc = dot(wrow, xr, a.in);
      } else {
        const float* sc = a.scales + size_t(o) * groups;
        const float* zp = a.zero_points + size_t(o) * groups;
        if (row) {
          acc = row(wrow, groups, a.group, xr, sc, zp, xsum.data());
        } else {
          const size_t group_bytes = row_bytes / groups;
          for (int g = 0; g < groups; ++g)
            acc += sc[g] * dot(wrow + g * group_bytes, xr + g * a.group, a.group) + zp[g] * xsum[g];
        }
      }
      yr[o] = a.bias ? acc + a.bias[o] : acc;
    }
  }
}

// Inputs: x [..., in] float32, the weight (and scales, zero points when quantized), optionally the
// bias [out]; all row-contiguous. Output [..., out] float32.
class LinearGemv : public mx::UnaryPrimitive {
 public:
  LinearGemv(mx::Stream stream, Format format, int group, bool has_bias)
      : mx::UnaryPrimitive(stream), format_(format), group_(group), has_bias_(has_bias) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    out.set_data(mx::allocator::malloc(out.nbytes()));
    auto& encoder = mx::cpu::get_command_encoder(stream());
    for (const auto& in : inputs) encoder.set_input_array(in);
    encoder.set_output_array(out);
    std::vector<mx::array> refs;  // weak copies: the graph keeps the buffers alive until the task ran
    for (const auto& in : inputs) refs.push_back(mx::array::unsafe_weak_copy(in));
    encoder.dispatch([refs = std::move(refs), y = mx::array::unsafe_weak_copy(out), format = format_,
                      group = group_, has_bias = has_bias_]() mutable {
      const bool quantized = format == Format::Affine8 || format == Format::Affine4;
      const int in = refs[0].shape(-1);
      GemvArgs a{format, int(refs[0].size() / in), y.shape(-1), in, group, refs[0].data<float>(),
                 static_cast<const void*>(refs[1].data<uint8_t>()), nullptr, nullptr, nullptr, y.data<float>()};
      if (quantized) {
        a.scales = refs[2].data<float>();
        a.zero_points = refs[3].data<float>();
      }
      if (has_bias) a.bias = refs.back().data<float>();
      gemv_rows(a);
    });
  }

  void eval_gpu(const std::vector<mx::array>&, mx::array&) override {
    throw std::runtime_error("LinearGemv is a CPU kernel; t2s_linear uses MLX's matmuls on other devices");
  }

  const char* name() const override { return "LinearGemv"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto& o = static_cast<const LinearGemv&>(other);
    return o.format_ == format_ && o.group_ == group_ && o.has_bias_ == has_bias_;
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    auto shape = inputs[0].shape();
    shape.back() = inputs[1].shape(0);
    return {shape};
  }

 private:
  Format format_;
  int group_;
  bool has_bias_;
};

// exp(x) for x <= 0 (softmax arguments after subtracting the max), clamped below at -87 where the
// result is ~1.6e-38 (the smallest normal float). Cephes-style: x = n ln2 + r, |r| <= ln2 / 2, a
// degree-6 polynomial for e^r (about 1 ulp), 2^n through the exponent bits. Branch-free, so the
// loop below vectorises.
inline float exp_nonpositive(float x) {
  x = x > -87.0f ? x : -87.0f;
  const float fx = x * 1.44269504088896341f;
  const int32_t n = static_cast<int32_t>(fx - 0.5f);  // round(fx) for fx <= 0
  const float fn = static_cast<float>(n);
  const float r = (x - fn * 0.693359375f) + fn * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return (p * r * r + r + 1.0f) * std::bit_cast<float>(static_cast<int32_t>((n + 127) << 23));
}

// Inputs: q [B, H, 1, D] row-contiguous, K and V caches [B, H, capacity, D] row-contiguous.
class DecodeAttention : public mx::UnaryPrimitive {
 public:
  DecodeAttention(mx::Stream stream, int length, float scale)
      : mx::UnaryPrimitive(stream), length_(length), scale_(scale) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    out.set_data(mx::allocator::malloc(out.nbytes()));
    auto& encoder = mx::cpu::get_command_encoder(stream());
    for (const auto& in : inputs) encoder.set_input_array(in);
    encoder.set_output_array(out);
    encoder.dispatch([q = mx::array::unsafe_weak_copy(inputs[0]), k = mx::array::unsafe_weak_copy(inputs[1]),
                      v = mx::array::unsafe_weak_copy(inputs[2]), o = mx::array::unsafe_weak_copy(out),
                      length = length_, scale = scale_]() mutable {
      const int heads = q.shape(0) * q.shape(1), dim = q.shape(3), capacity = k.shape(2);
      std::vector<float> p(length);
      for (int h = 0; h < heads; ++h) {
        const float* kh = k.data<float>() + size_t(h) * capacity * dim;
        const float* vh = v.data<float>() + size_t(h) * capacity * dim;
        const float* qh = q.data<float>() + size_t(h) * dim;
        float* oh = o.data<float>() + size_t(h) * dim;
        // scores = scale * K q, then a softmax over the valid positions
        cblas_sgemv(kCblasRowMajor, kCblasNoTrans, length, dim, scale, kh, dim, qh, 1, 0.0f, p.data(), 1);
        float m = p[0];
        for (int i = 1; i < length; ++i) m = p[i] > m ? p[i] : m;
        float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int i = 0;
        for (; i + 8 <= length; i += 8)
          for (int j = 0; j < 8; ++j) partial[j] += (p[i + j] = exp_nonpositive(p[i + j] - m));
        float sum = 0;
        for (; i < length; ++i) sum += (p[i] = exp_nonpositive(p[i] - m));
        for (float s : partial) sum += s;
        // out = V^T p / sum
        cblas_sgemv(kCblasRowMajor, kCblasTrans, length, dim, 1.0f / sum, vh, dim, p.data(), 1, 0.0f, oh, 1);
      }
    });
  }

  void eval_gpu(const std::vector<mx::array>&, mx::array&) override {
    throw std::runtime_error("DecodeAttention is a CPU kernel; decode_attention uses MLX's SDPA on other devices");
  }

  const char* name() const override { return "DecodeAttention"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto& o = static_cast<const DecodeAttention&>(other);
    return o.length_ == length_ && o.scale_ == scale_;
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }

 private:
  int length_;
  float scale_;
};

// Row-wise softmax of scale * scores [rows of length n] in place, over the columns upstream's prefill
// mask lets row r (its position within the sequence) see: c < text_len, or c <= r. Blocked columns
// get probability 0, as torch's -inf fill gives.
void masked_softmax_rows(float* scores, int rows, int n, int text_len, float scale) {
  for (int row = 0; row < rows; ++row) {
    float* s = scores + size_t(row) * n;
    const int r = row % n;  // position of this query
    const int visible = text_len >= n ? n : (r < text_len ? text_len : r + 1);
    float m = s[0] * scale;
    for (int c = 0; c < visible; ++c) m = s[c] * scale > m ? s[c] * scale : m;
    float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int c = 0;
    for (; c + 8 <= visible; c += 8)
      for (int j = 0; j < 8; ++j) partial[j] += (s[c + j] = exp_nonpositive(s[c + j] * scale - m));
    float sum = 0;
    for (; c < visible; ++c) sum += (s[c] = exp_nonpositive(s[c] * scale - m));
    for (float p : partial) sum += p;
    const float inv = 1.0f / sum;
    for (c = 0; c < visible; ++c) s[c] *= inv;
    for (; c < n; ++c) s[c] = 0.0f;
  }
}

// Input: scores [B, H, L, L] row-contiguous float32. Output: the masked softmax (same shape).
class PrefillSoftmax : public mx::UnaryPrimitive {
 public:
  PrefillSoftmax(mx::Stream stream, int text_len, float scale)
      : mx::UnaryPrimitive(stream), text_len_(text_len), scale_(scale) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const auto& in = inputs[0];
    if (in.is_donatable()) out.copy_shared_buffer(in);  // in place when nothing else needs the scores
    else out.set_data(mx::allocator::malloc(out.nbytes()));
    auto& encoder = mx::cpu::get_command_encoder(stream());
    encoder.set_input_array(in);
    encoder.set_output_array(out);
    encoder.dispatch([in = mx::array::unsafe_weak_copy(in), out = mx::array::unsafe_weak_copy(out),
                      text_len = text_len_, scale = scale_]() mutable {
      const int n = in.shape(-1);
      if (out.data<float>() != in.data<float>()) std::memcpy(out.data<float>(), in.data<float>(), in.nbytes());
      masked_softmax_rows(out.data<float>(), int(in.size() / n), n, text_len, scale);
    });
  }

  void eval_gpu(const std::vector<mx::array>&, mx::array&) override {
    throw std::runtime_error("PrefillSoftmax is a CPU kernel; prefill_attention uses MLX's SDPA on other devices");
  }

  const char* name() const override { return "PrefillSoftmax"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto& o = static_cast<const PrefillSoftmax&>(other);
    return o.text_len_ == text_len_ && o.scale_ == scale_;
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }

 private:
  int text_len_;
  float scale_;
};

bool on_cpu() { return mx::default_device() == mx::Device::cpu; }

mx::array row_major(const mx::array& a, mx::Stream s) {
  // Weights are evaluated at load and already row-contiguous: no extra graph node for them.
  return a.is_available() && a.flags().row_contiguous ? a : mx::contiguous(a, false, s);
}

}  // namespace

mx::array dense_float32(const T2SLinear& l) {
  if (l.bits) return mx::dequantize(l.weight, *l.scales, *l.zero_points, l.group_size, l.bits);
  return mx::astype(l.weight, mx::float32);
}

mx::array t2s_linear(const mx::array& x, const T2SLinear& l) {
  const int in = x.shape(-1);
  const int rows = x.size() ? int(x.size() / in) : 0;
  if (!on_cpu()) {  // MLX's own GPU kernels in the stored format
    mx::array y = l.bits ? mx::quantized_matmul(x, l.weight, *l.scales, *l.zero_points, true, l.group_size, l.bits)
                         : mx::astype(mx::matmul(mx::astype(x, l.weight.dtype()), mx::transpose(l.weight)), mx::float32);
    return l.bias ? mx::add(y, *l.bias) : y;
  }
  if (x.dtype() != mx::float32 || rows == 0 || rows > kMaxGemvRows) {  // prefill: BLAS GEMM in float32
    auto w = dense_float32(l);
    return l.bias ? mx::addmm(*l.bias, x, mx::transpose(w)) : mx::matmul(x, mx::transpose(w));
  }
  auto stream = mx::default_stream(mx::Device::cpu);
  const int out = l.weight.shape(0);
  std::vector<mx::array> inputs{mx::contiguous(x, false, stream), row_major(l.weight, stream)};
  if (l.bits) {
    inputs.push_back(row_major(*l.scales, stream));
    inputs.push_back(row_major(*l.zero_points, stream));
  }
  if (l.bias) inputs.push_back(row_major(*l.bias, stream));
  auto primitive = std::make_shared<LinearGemv>(stream, format_of(l), l.group_size, l.bias.has_value());
  auto shape = x.shape();
  shape.back() = out;
  return mx::array(std::move(shape), mx::float32, std::move(primitive), std::move(inputs));
}

mx::array prefill_attention(const mx::array& q, const mx::array& k, const mx::array& v, int text_len, float scale) {
  const int n = q.shape(2);
  if (q.dtype() != mx::float32 || k.dtype() != mx::float32 || v.dtype() != mx::float32 || !on_cpu()) {
    if (text_len >= n) return mx::fast::scaled_dot_product_attention(q, k, v, scale);
    auto row = mx::expand_dims(mx::arange(n), 1);
    auto col = mx::expand_dims(mx::arange(n), 0);
    auto mask = mx::logical_or(mx::less(col, mx::array(text_len)), mx::less_equal(col, row));
    return mx::fast::scaled_dot_product_attention(q, k, v, scale, "array", mask);
  }
  auto stream = mx::default_stream(mx::Device::cpu);
  auto scores = mx::contiguous(mx::matmul(q, mx::swapaxes(k, -1, -2)), false, stream);
  auto probs = mx::array(scores.shape(), mx::float32, std::make_shared<PrefillSoftmax>(stream, text_len, scale),
                         {scores});
  return mx::matmul(probs, v);
}

mx::array decode_attention(const mx::array& q, const mx::array& k_cache, const mx::array& v_cache, int length,
                           float scale) {
  const int b = q.shape(0), h = q.shape(1), d = q.shape(3);
  const bool eligible = q.dtype() == mx::float32 && k_cache.dtype() == mx::float32 &&
                        v_cache.dtype() == mx::float32 && q.shape(2) == 1 && length >= 1 &&
                        length <= k_cache.shape(2) && on_cpu();
  if (!eligible) {
    auto keys = mx::slice(k_cache, {0, 0, 0, 0}, {b, h, length, d});
    auto values = mx::slice(v_cache, {0, 0, 0, 0}, {b, h, length, d});
    return mx::fast::scaled_dot_product_attention(q, keys, values, scale);
  }
  auto stream = mx::default_stream(mx::Device::cpu);
  std::vector<mx::array> inputs{mx::contiguous(q, false, stream), mx::contiguous(k_cache, false, stream),
                                mx::contiguous(v_cache, false, stream)};
  return mx::array(q.shape(), mx::float32, std::make_shared<DecodeAttention>(stream, length, scale), std::move(inputs));
}

}  // namespace gsv
