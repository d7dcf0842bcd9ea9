// Spectrograms as upstream's module/mel_processing.py computes them, on MLX ops (so that a mel
// loss on generated audio stays differentiable for training).
#pragma once

#include <mlx/mlx.h>

namespace gsv::audio {

namespace mx = mlx::core;

struct StftParams {
  int n_fft = 2048;
  int hop = 640;
  int win = 2048;
};

// spectrogram_torch(y, n_fft, sr, hop, win, center=False): reflect-pad (n_fft - hop)/2 each side,
// frames of n_fft every hop, periodic Hann(win) zero-padded to n_fft in the middle as torch.stft
// does, onesided rFFT, magnitude sqrt(re^2 + im^2 + 1e-8). No mel, no log.
// y [B, N] float32 -> [B, frames, n_fft/2 + 1] with frames = (N + 2*pad - n_fft)/hop + 1.
mx::array linear_spectrogram(const mx::array& y, const StftParams& p);

// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax) with its defaults (Slaney mel scale and
// Slaney area normalisation), computed in double and returned as float32 [n_mels, n_fft/2 + 1].
mx::array mel_filterbank(int sample_rate, int n_fft, int n_mels, double fmin, double fmax);

// mel_spectrogram_torch: log(clamp(mel_basis @ linear_spectrogram, 1e-5)) -> [B, frames, n_mels].
mx::array mel_spectrogram(const mx::array& y, const StftParams& p, int sample_rate, int n_mels, double fmin,
                          double fmax);

// spec_to_mel_torch on a linear spectrogram [B, frames, bins] -> [B, frames, n_mels].
mx::array spec_to_mel(const mx::array& spec, int n_fft, int sample_rate, int n_mels, double fmin, double fmax);

}  // namespace gsv::audio
