#include "audio/resample.h"

#include <mlx/mlx.h>
#include <soxr.h>

#include <cmath>
#include <numeric>

#include "core/error.h"

namespace gsv::audio {

namespace mx = mlx::core;

std::vector<float> resample_soxr_hq(const std::vector<float>& x, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) bad_input("invalid sample rates ", from_rate, " -> ", to_rate);
  if (from_rate == to_rate || x.empty()) return x;
  // python-soxr's resample(): soxr_create(quality_spec(HQ, 0)) then soxr_process over the input and
  // a final flush. libsoxr's output does not depend on how the input is chunked.
  soxr_error_t err = nullptr;
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  soxr_runtime_spec_t rt = soxr_runtime_spec(1);
  soxr_t s = soxr_create(from_rate, to_rate, 1, &err, &io, &q, &rt);
  if (err) fail(ErrorKind::Internal, "soxr_create failed: ", err);
  const size_t target = size_t(std::ceil(double(x.size()) * to_rate / from_rate));
  std::vector<float> out(target + 1024);
  size_t done = 0, odone = 0;
  err = soxr_process(s, x.data(), x.size(), &done, out.data(), out.size(), &odone);
  size_t total = odone;
  while (!err && total < out.size()) {  // flush the filter tail
    err = soxr_process(s, nullptr, 0, nullptr, out.data() + total, out.size() - total, &odone);
    if (odone == 0) break;
    total += odone;
  }
  soxr_delete(s);
  if (err) fail(ErrorKind::Internal, "soxr_process failed: ", err);
  out.resize(total);
  out.resize(target, 0.0f);  // librosa.util.fix_length: trim or zero-pad to ceil(N * ratio)
  return out;
}

std::vector<float> resample_sinc_hann(const std::vector<float>& x, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) bad_input("invalid sample rates ", from_rate, " -> ", to_rate);
  if (from_rate == to_rate || x.empty()) return x;
  const int g = std::gcd(from_rate, to_rate);
  const int orig = from_rate / g, next = to_rate / g;
  const int lowpass_width = 6;
  const double base = std::min(orig, next) * 0.99;
  const int width = int(std::ceil(lowpass_width * orig / base));
  const int taps = 2 * width + orig;
  // torchaudio's _get_sinc_resample_kernel: computed in float64 and cached as float32. Its output
  // phase offsets come from a float32 arange divided in float32 before the float64 sum; mirror it.
  std::vector<float> kernel(size_t(next) * taps);
  for (int j = 0; j < next; ++j) {
    double phase = double(float(-j) / float(next));
    for (int k = 0; k < taps; ++k) {
      double t = (phase + double(k - width) / orig) * base;
      t = std::clamp(t, -double(lowpass_width), double(lowpass_width));
      double window = std::pow(std::cos(t * M_PI / lowpass_width / 2), 2);
      t *= M_PI;
      double sinc = t == 0 ? 1.0 : std::sin(t) / t;
      kernel[size_t(j) * taps + k] = float(sinc * window * base / orig);
    }
  }
  // Zero-pad (width, width + orig), then a strided conv: output frame f, phase j = sample f*next + j.
  const int n = int(x.size());
  auto wave = mx::pad(mx::array(x.data(), {1, n, 1}, mx::float32), {1}, mx::Shape{width}, mx::Shape{width + orig},
                      mx::array(0.0f));
  auto w = mx::array(kernel.data(), {next, taps, 1}, mx::float32);
  auto y = mx::flatten(mx::conv1d(wave, w, orig));  // [1, frames, next] -> frames*next
  const int target = int(std::ceil(double(next) * n / orig));
  y = mx::slice(y, {0}, {std::min(target, int(y.size()))});
  mx::eval(y);
  return std::vector<float>(y.data<float>(), y.data<float>() + y.size());
}

}  // namespace gsv::audio
