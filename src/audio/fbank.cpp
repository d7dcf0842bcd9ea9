#include "audio/fbank.h"

#include <cfloat>
#include <cmath>
#include <complex>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gsv::audio {

namespace {

// torchaudio's defaults (frame_length 25 ms, frame_shift 10 ms, preemphasis 0.97, low_freq 20 Hz,
// high_freq 0 = Nyquist); upstream's call changes none of them.
constexpr double kFrameLengthMs = 25.0;
constexpr double kFrameShiftMs = 10.0;
constexpr double kPreemphasis = 0.97;
constexpr double kLowFreq = 20.0;

using cplx = std::complex<double>;

// Everything that depends only on the options: frame geometry, window, FFT tables and mel triangles.
struct FbankPlan {
  int window_size = 0, window_shift = 0, padded_window = 0, num_bins = 0;
  std::vector<double> window;
  std::vector<int> bit_reverse;
  std::vector<cplx> twiddle;  // exp(-2 pi i k / padded_window), k < padded_window / 2
  // Mel triangle m covers FFT bins [first[m], first[m] + weights[m].size()).
  std::vector<int> first;
  std::vector<std::vector<double>> weights;
};

double mel_scale(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

// float32 arithmetic, one rounding per operation. Going through double and back is exact for +, -, *, /
// of floats (double has more than 2*24 + 2 bits), and the explicit casts keep the compiler from fusing
// a multiply and an add into an FMA, which would round once instead of twice.
float f_add(float a, float b) { return static_cast<float>(double(a) + double(b)); }
float f_sub(float a, float b) { return static_cast<float>(double(a) - double(b)); }
float f_mul(float a, float b) { return static_cast<float>(double(a) * double(b)); }
float f_div(float a, float b) { return static_cast<float>(double(a) / double(b)); }
float f_log(float a) { return static_cast<float>(std::log(double(a))); }

// Row m of torchaudio's get_mel_banks over FFT bins 0..N/2-1, reproducing its float32 arithmetic.
// torchaudio builds the banks in the default dtype, float32, whatever the waveform's dtype: the scalar
// edges (Python doubles) are rounded to float32 and every tensor op rounds to float32. The triangle
// slopes are differences of nearby mel values, so that rounding moves small weights by up to 3e-4
// relative, which moves the log output by up to 2.5e-4 where such a weight meets a loud FFT bin;
// building the banks in double would be "more exact" and further from upstream. What remains is
// torch's vectorised log (SLEEF, within 1 ulp) against a correctly rounded one on some of the 256
// frequencies: below 1e-4 in the output for speech-like signals.
std::vector<double> torchaudio_mel_triangle(int m, int num_bins, int n_fft, int sample_frequency, double low_freq,
                                            double high_freq) {
  const double mel_low = mel_scale(low_freq), mel_high = mel_scale(high_freq);  // Python floats
  const double delta = (mel_high - mel_low) / (num_bins + 1);  // each triangle spans two intervals
  const float low_f = static_cast<float>(mel_low), delta_f = static_cast<float>(delta);
  const float bin = static_cast<float>(m);
  // left = mel_low + bin * delta, center = mel_low + (bin + 1) * delta, right = mel_low + (bin + 2) * delta
  const float left = f_add(f_mul(bin, delta_f), low_f);
  const float center = f_add(f_mul(f_add(bin, 1.0f), delta_f), low_f);
  const float right = f_add(f_mul(f_add(bin, 2.0f), delta_f), low_f);
  const float bin_width = static_cast<float>(double(sample_frequency) / n_fft);
  std::vector<double> row(n_fft / 2);
  for (int k = 0; k < n_fft / 2; ++k) {
    // mel = 1127 * log(1 + (bin_width * k) / 700), all float32
    const float hz = f_mul(bin_width, static_cast<float>(k));
    const float mel = f_mul(1127.0f, f_log(f_add(1.0f, f_div(hz, 700.0f))));
    const float up = f_div(f_sub(mel, left), f_sub(center, left));
    const float down = f_div(f_sub(right, mel), f_sub(right, center));
    row[k] = std::max(0.0f, std::min(up, down));
  }
  return row;
}

std::unique_ptr<FbankPlan> make_plan(const KaldiFbankOptions& o) {
  if (o.sample_frequency <= 0 || o.num_mel_bins <= 3)
    bad_input("kaldi_fbank: invalid options (sample_frequency ", o.sample_frequency, ", num_mel_bins ",
              o.num_mel_bins, ")");
  auto p = std::make_unique<FbankPlan>();
  // Same expression and order as torchaudio: int(sample_frequency * frame_length * 0.001).
  p->window_size = static_cast<int>(double(o.sample_frequency) * kFrameLengthMs * 0.001);
  p->window_shift = static_cast<int>(double(o.sample_frequency) * kFrameShiftMs * 0.001);
  p->padded_window = 1;
  while (p->padded_window < p->window_size) p->padded_window *= 2;  // round_to_power_of_two: 400 -> 512
  p->num_bins = o.num_mel_bins;
  const int L = p->window_size, N = p->padded_window;

  // "povey": hann(L, periodic=False)^0.85, a Hann window that reaches zero at both ends.
  p->window.resize(L);
  for (int i = 0; i < L; ++i) p->window[i] = std::pow(0.5 - 0.5 * std::cos(2.0 * M_PI * i / (L - 1)), 0.85);

  int log2n = 0;
  while ((1 << log2n) < N) ++log2n;
  p->bit_reverse.resize(N);
  for (int i = 0; i < N; ++i) {
    int r = 0;
    for (int b = 0; b < log2n; ++b) r |= ((i >> b) & 1) << (log2n - 1 - b);
    p->bit_reverse[i] = r;
  }
  p->twiddle.resize(N / 2);
  for (int k = 0; k < N / 2; ++k) p->twiddle[k] = std::polar(1.0, -2.0 * M_PI * k / N);

  // Kaldi's MelBanks (torchaudio get_mel_banks, vtln_warp = 1): triangles linear in mel (not Hz, and
  // without librosa's Slaney area normalisation), over FFT bins 0..N/2-1; the Nyquist bin gets nothing.
  const double nyquist = 0.5 * o.sample_frequency;
  if (kLowFreq >= nyquist) bad_input("kaldi_fbank: sample_frequency ", o.sample_frequency, " is too low");
  for (int m = 0; m < p->num_bins; ++m) {
    const auto row = torchaudio_mel_triangle(m, p->num_bins, N, o.sample_frequency, kLowFreq, nyquist);
    int lo = N / 2, hi = -1;
    for (int k = 0; k < N / 2; ++k)
      if (row[k] > 0) lo = std::min(lo, k), hi = k;
    if (hi < lo) lo = hi = 0;  // an empty triangle (too many bins for the FFT size): all-zero row
    p->first.push_back(lo);
    p->weights.emplace_back(row.begin() + lo, row.begin() + hi + 1);
  }
  return p;
}

const FbankPlan& plan(const KaldiFbankOptions& o) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::unique_ptr<FbankPlan>> plans;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = plans[{o.num_mel_bins, o.sample_frequency}];
  if (!slot) slot = make_plan(o);
  return *slot;
}

// In-place iterative radix-2 FFT (decimation in time).
void fft(std::vector<cplx>& a, const FbankPlan& p) {
  const int n = static_cast<int>(a.size());
  for (int i = 0; i < n; ++i)
    if (i < p.bit_reverse[i]) std::swap(a[i], a[p.bit_reverse[i]]);
  for (int len = 2; len <= n; len <<= 1) {
    const int half = len / 2, step = n / len;
    for (int i = 0; i < n; i += len)
      for (int j = 0; j < half; ++j) {
        const cplx v = a[i + j + half] * p.twiddle[j * step];
        a[i + j + half] = a[i + j] - v;
        a[i + j] += v;
      }
  }
}

// One clip: samples [n] -> out [frames, num_bins].
void fbank_clip(const float* samples, int frames, const FbankPlan& p, float* out) {
  const int L = p.window_size, N = p.padded_window;
  std::vector<double> frame(L);
  std::vector<cplx> spectrum(N);
  std::vector<double> power(N / 2 + 1);
  for (int f = 0; f < frames; ++f) {
    const float* x = samples + size_t(f) * p.window_shift;  // snip_edges: frames that fit entirely
    double mean = 0;
    for (int j = 0; j < L; ++j) mean += x[j];
    mean /= L;
    // remove_dc_offset, then pre-emphasis with the first sample replicated: y[j] = x[j] - 0.97 x[max(j-1, 0)].
    for (int j = 0; j < L; ++j) frame[j] = x[j] - mean;
    for (int j = L - 1; j > 0; --j) frame[j] -= kPreemphasis * frame[j - 1];
    frame[0] -= kPreemphasis * frame[0];
    for (int j = 0; j < L; ++j) spectrum[j] = cplx(frame[j] * p.window[j], 0.0);
    for (int j = L; j < N; ++j) spectrum[j] = 0.0;  // zero-pad to the power of two
    fft(spectrum, p);
    for (int k = 0; k <= N / 2; ++k) power[k] = std::norm(spectrum[k]);  // use_power: |X|^2
    for (int m = 0; m < p.num_bins; ++m) {
      double e = 0;
      const auto& w = p.weights[m];
      for (size_t k = 0; k < w.size(); ++k) e += w[k] * power[p.first[m] + k];
      // Kaldi's floor is std::numeric_limits<float>::epsilon(), not a small constant like 1e-10.
      out[size_t(f) * p.num_bins + m] = static_cast<float>(std::log(std::max(e, double(FLT_EPSILON))));
    }
  }
}

}  // namespace

int kaldi_fbank_frames(int samples, const KaldiFbankOptions& options) {
  const auto& p = plan(options);
  return samples < p.window_size ? 0 : 1 + (samples - p.window_size) / p.window_shift;
}

mx::array kaldi_mel_banks(const KaldiFbankOptions& options) {
  const auto& p = plan(options);
  const int cols = p.padded_window / 2 + 1;
  std::vector<float> w(size_t(p.num_bins) * cols, 0.0f);
  for (int m = 0; m < p.num_bins; ++m)
    for (size_t k = 0; k < p.weights[m].size(); ++k)
      w[size_t(m) * cols + p.first[m] + k] = static_cast<float>(p.weights[m][k]);
  return mx::array(w.data(), {p.num_bins, cols}, mx::float32);
}

mx::array kaldi_fbank(const mx::array& wav, const KaldiFbankOptions& options) {
  if (wav.ndim() != 1 && wav.ndim() != 2)
    bad_input("kaldi_fbank expects a [samples] or [batch, samples] waveform, got ", wav.ndim(), " dims");
  const auto& p = plan(options);
  const int samples = wav.shape(-1);
  const int frames = kaldi_fbank_frames(samples, options);
  if (frames < 1)
    bad_input("audio of ", samples, " samples is too short for Kaldi fbank features: one 25 ms frame needs ",
              p.window_size, " samples at ", options.sample_frequency, " Hz; use a longer reference clip");
  const int B = wav.ndim() == 2 ? wav.shape(0) : 1;
  auto x = mx::contiguous(mx::astype(wav, mx::float32));
  x.eval();
  std::vector<float> out(size_t(B) * frames * p.num_bins);
  for (int b = 0; b < B; ++b)
    fbank_clip(x.data<float>() + size_t(b) * samples, frames, p, out.data() + size_t(b) * frames * p.num_bins);
  if (wav.ndim() == 1) return mx::array(out.data(), {frames, p.num_bins}, mx::float32);
  return mx::array(out.data(), {B, frames, p.num_bins}, mx::float32);
}

}  // namespace gsv::audio
