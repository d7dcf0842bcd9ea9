// Kaldi log-mel filterbank features as torchaudio.compliance.kaldi.fbank computes them (upstream uses
// its own copy, GPT_SoVITS/eres2net/kaldi.py), with the options of the v2Pro speaker branch. sv.py calls
//
//   kaldi.fbank(wav[1, N16], num_mel_bins=80, sample_frequency=16000, dither=0)
//
// and every other option keeps its default:
//   frames        25 ms every 10 ms (400 / 160 samples at 16 kHz), snip_edges: 1 + (N - 400) / 160 frames
//   per frame     remove the frame's mean (DC), pre-emphasis x[j] -= 0.97 x[j-1] with x[-1] := x[0],
//                 povey window hann(400, periodic=False)^0.85, zero-pad to 512
//   spectrum      |rFFT|^2 over 257 bins
//   mel           Kaldi triangles on 1127 ln(1 + f/700) from 20 Hz to Nyquist over bins 0..255 (bin 256
//                 gets weight 0), no area normalisation
//   log           log(max(E, FLT_EPSILON))
//   no energy column, no dither, and no mean normalisation: neither sv.py nor 2-get-sv.py subtracts the
//   per-utterance mean (stock 3D-Speaker does; GPT-SoVITS does not).
//
// Computed in plain C++ in double precision (radix-2 FFT, sparse mel triangles), not with MLX float32
// ops: the low mel bins of speech carry ~1e-7 of a frame's energy (DC removal and pre-emphasis remove the
// lows), and there float32 rounding alone moves the log by up to ~2.5e-4 (upstream's own fp32 output
// differs that much from the same code run in float64); in double we sit on the float64 value. The mel
// banks are the exception: torchaudio always builds them in float32, and their rounding changes small
// triangle weights by up to 3e-4 relative, so we reproduce that float32 arithmetic step by step
// (fbank.cpp). It is cheap: a few ms for 10 s of audio on one core, against seconds for the
// ERes2NetV2 that consumes it, and the speaker branch needs no gradient through it.
#pragma once

#include <mlx/mlx.h>

namespace gsv::audio {

namespace mx = mlx::core;

struct KaldiFbankOptions {
  int num_mel_bins = 80;
  int sample_frequency = 16000;
};

// Frames for `samples` input samples (snip_edges); 0 when the clip is shorter than one frame.
int kaldi_fbank_frames(int samples, const KaldiFbankOptions& options = {});

// Kaldi's mel banks as torchaudio's get_mel_banks builds them (vtln_warp = 1), padded with the zero
// column for the Nyquist bin: [num_mel_bins, padded_window / 2 + 1] float32.
mx::array kaldi_mel_banks(const KaldiFbankOptions& options = {});

// wav: float waveform in [-1, 1] (not scaled to int16), [N] or [B, N].
// Returns [frames, num_mel_bins] or [B, frames, num_mel_bins] float32.
// Throws BadInput when a clip is shorter than one frame (400 samples at 16 kHz).
mx::array kaldi_fbank(const mx::array& wav, const KaldiFbankOptions& options = {});

}  // namespace gsv::audio
