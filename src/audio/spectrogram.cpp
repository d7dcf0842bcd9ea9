#include "audio/spectrogram.h"

#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

#include "core/error.h"

namespace gsv::audio {

namespace {

// torch.hann_window(win) (periodic), centred in n_fft zeros as torch.stft pads a shorter window.
std::vector<float> padded_hann(int win, int n_fft) {
  std::vector<float> w(n_fft, 0.0f);
  const int left = (n_fft - win) / 2;
  for (int i = 0; i < win; ++i) w[left + i] = float(0.5 - 0.5 * std::cos(2.0 * M_PI * i / win));
  return w;
}

double hz_to_mel_slaney(double f) {
  const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  return f >= min_log_hz ? min_log_mel + std::log(f / min_log_hz) / logstep : f / f_sp;
}

double mel_to_hz_slaney(double m) {
  const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  return m >= min_log_mel ? min_log_hz * std::exp(logstep * (m - min_log_mel)) : f_sp * m;
}

}  // namespace

mx::array linear_spectrogram(const mx::array& y, const StftParams& p) {
  if (y.ndim() != 2) bad_input("linear_spectrogram expects [B, N] audio");
  if (p.win > p.n_fft || p.hop <= 0) bad_input("invalid STFT parameters");
  const int pad = (p.n_fft - p.hop) / 2;
  const int n = y.shape(1);
  if (n <= pad) bad_input("audio of ", n, " samples is too short for a reflect pad of ", pad, " (needs more than ", pad, ")");
  auto padded = mx::pad(y, {1}, mx::Shape{pad}, mx::Shape{pad}, mx::array(0.0f, y.dtype()), "reflect");
  const int len = n + 2 * pad;
  if (len < p.n_fft) bad_input("audio of ", n, " samples is too short for an STFT of ", p.n_fft);
  const int frames = (len - p.n_fft) / p.hop + 1;
  // Frame gather: index f*hop + k. `take` keeps this differentiable (its VJP is a scatter-add).
  auto idx = mx::add(mx::reshape(mx::multiply(mx::arange(frames), mx::array(p.hop)), {frames, 1}),
                     mx::reshape(mx::arange(p.n_fft), {1, p.n_fft}));
  auto framed = mx::take(padded, idx, 1);  // [B, frames, n_fft]
  auto window = padded_hann(p.win, p.n_fft);
  framed = mx::multiply(framed, mx::array(window.data(), {p.n_fft}, mx::float32));
  auto spec = mx::fft::rfft(framed, p.n_fft, -1);
  auto power = mx::add(mx::square(mx::real(spec)), mx::square(mx::imag(spec)));
  return mx::sqrt(mx::add(power, mx::array(1e-8f)));
}

mx::array mel_filterbank(int sample_rate, int n_fft, int n_mels, double fmin, double fmax) {
  static std::mutex mu;
  static std::map<std::tuple<int, int, int, double, double>, mx::array> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto key = std::make_tuple(sample_rate, n_fft, n_mels, fmin, fmax);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (fmax <= 0) fmax = sample_rate / 2.0;
  const int bins = n_fft / 2 + 1;
  std::vector<double> fft_freqs(bins), mel_f(n_mels + 2);
  for (int i = 0; i < bins; ++i) fft_freqs[i] = double(sample_rate) / 2 * i / (bins - 1);  // np.linspace
  const double lo = hz_to_mel_slaney(fmin), hi = hz_to_mel_slaney(fmax);
  for (int i = 0; i < n_mels + 2; ++i) mel_f[i] = mel_to_hz_slaney(lo + (hi - lo) * i / (n_mels + 1));
  std::vector<float> w(size_t(n_mels) * bins);
  for (int m = 0; m < n_mels; ++m) {
    const double fdiff_lo = mel_f[m + 1] - mel_f[m], fdiff_hi = mel_f[m + 2] - mel_f[m + 1];
    const double enorm = 2.0 / (mel_f[m + 2] - mel_f[m]);  // Slaney area normalisation
    for (int b = 0; b < bins; ++b) {
      const double lower = -(mel_f[m] - fft_freqs[b]) / fdiff_lo;
      const double upper = (mel_f[m + 2] - fft_freqs[b]) / fdiff_hi;
      // librosa stores the triangle in a float32 array, then scales it in place (float64 math).
      const float tri = float(std::max(0.0, std::min(lower, upper)));
      w[size_t(m) * bins + b] = float(double(tri) * enorm);
    }
  }
  mx::array basis(w.data(), {n_mels, bins}, mx::float32);
  cache.emplace(key, basis);
  return basis;
}

mx::array spec_to_mel(const mx::array& spec, int n_fft, int sample_rate, int n_mels, double fmin, double fmax) {
  auto basis = mel_filterbank(sample_rate, n_fft, n_mels, fmin, fmax);
  auto mel = mx::matmul(spec, mx::transpose(basis));
  return mx::log(mx::maximum(mel, mx::array(1e-5f)));
}

mx::array mel_spectrogram(const mx::array& y, const StftParams& p, int sample_rate, int n_mels, double fmin,
                          double fmax) {
  return spec_to_mel(linear_spectrogram(y, p), p.n_fft, sample_rate, n_mels, fmin, fmax);
}

}  // namespace gsv::audio
