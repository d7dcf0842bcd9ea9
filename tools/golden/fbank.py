#!/usr/bin/env python3
"""Fixtures for audio/fbank (tests/unit/audio_fbank.cpp): Kaldi log-mel filterbanks computed by
upstream's own copy of torchaudio's Kaldi compliance code (GPT_SoVITS/eres2net/kaldi.py), called the
way sv.py's SV.compute_embedding3 calls it:

    kaldi.fbank(wav0.unsqueeze(0), num_mel_bins=80, sample_frequency=16000, dither=0)

on float waveforms in [-1, 1] (every other option at its default: 25/10 ms frames with snip_edges,
povey window, DC removal, pre-emphasis 0.97, 512-point power spectrum, mel banks 20 Hz..Nyquist,
log with the FLT_EPSILON floor, no energy, no mean subtraction).

Writes tests/fixtures/fbank/expected.safetensors:
  wav_<name>     the input, float16 (fp16-exact values, so the C++ side reads exactly what torch saw)
  fbank_<name>   the [frames, 80] output of upstream as it runs (float32 waveform, float32 compute)
  fbank64_<name> the same upstream code on the same waveform in float64 (stored as float32): the exact
                 value, which shows upstream's own float32 rounding (up to ~2.5e-4 in the quietest,
                 lowest mel bins)
for  short  (450 samples: one frame), one_s (16123 samples), dc (~1 s with a 0.25 DC offset and a
stretch of pure DC, whose frames hit the log floor); and for long (~10 s: ten copies of one_s scaled
by LONG_GAINS, 161230 samples, not stored: tests/unit/audio_fbank.cpp rebuilds it), computed on
the whole clip but stored as fbank_long_head / fbank_long_tail (first and last 40 frames) and
fbank_long_colmean (the mean over all frames of each bin, accumulated in float64), the same three
for fbank64_long_*, plus long_frames (int32). The script also checks upstream's copy against
torchaudio.compliance.kaldi.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

args = common.parse_args(__doc__)
# sv.py puts GPT_SoVITS/eres2net on sys.path and imports `kaldi` from there.
sys.path.insert(0, str(args.upstream.resolve() / "GPT_SoVITS" / "eres2net"))
out = args.out / "fbank"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchaudio.compliance.kaldi as ta_kaldi  # noqa: E402
import kaldi as Kaldi  # noqa: E402  (upstream GPT_SoVITS/eres2net/kaldi.py)

SR = 16000
LONG_GAINS = [1.0, 0.5, -1.0, 0.75, -0.5, 1.0, -0.75, 0.25, 1.0, -1.0]


def speechlike(n, rng, f0_base=150.0, noise=0.01):
    """A gliding harmonic tone with a syllable-rate envelope plus white noise: energy in every mel bin."""
    t = np.arange(n) / SR
    f0 = f0_base + 40 * np.sin(2 * np.pi * 0.7 * t) + 15 * np.sin(2 * np.pi * 3.1 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    voice = sum(np.sin(k * phase + 0.3 * k) / k for k in range(1, 30))
    env = 0.2 + 0.8 * np.sin(2 * np.pi * 2.3 * t) ** 2
    return 0.25 * voice * env + noise * rng.standard_normal(n)


def fp16_exact(x):
    return np.clip(x, -1, 1).astype(np.float16)


def upstream_fbank(wav16, dtype=np.float32):
    wav = torch.from_numpy(wav16.astype(dtype))
    return Kaldi.fbank(wav.unsqueeze(0), num_mel_bins=80, sample_frequency=SR, dither=0)


def main():
    rng = np.random.default_rng(20250601)
    clips = {
        "short": fp16_exact(speechlike(450, rng)),
        "one_s": fp16_exact(speechlike(16123, rng, f0_base=210.0)),
    }
    # ~10 s without storing it: ten copies of one_s with gains that keep every sample exact in float32
    # (the C++ test builds the same clip). 16123 is not a multiple of 160, so each copy meets the frame
    # grid at a different offset.
    clips["long"] = np.concatenate([g * clips["one_s"].astype(np.float32) for g in LONG_GAINS])
    dc = 0.25 + speechlike(16000, rng, f0_base=180.0)
    dc[6000:9000] = 0.25  # pure DC: zero after DC removal, so those frames hit log(FLT_EPSILON)
    clips["dc"] = fp16_exact(dc)

    arrays = {}
    worst = own_noise = 0.0
    for name, wav in clips.items():
        feats = upstream_fbank(wav)
        exact = upstream_fbank(wav, np.float64)
        ref = ta_kaldi.fbank(torch.from_numpy(wav.astype(np.float32)).unsqueeze(0), num_mel_bins=80,
                             sample_frequency=SR, dither=0)
        worst = max(worst, float((feats - ref).abs().max()))
        own_noise = max(own_noise, float((feats.double() - exact).abs().max()))
        expected_frames = 1 + (len(wav) - 400) // 160
        assert feats.shape == (expected_frames, 80), feats.shape
        if name != "long":
            arrays["wav_" + name] = wav
        print(f"{name}: {len(wav)} samples -> {tuple(feats.shape)}, range [{feats.min():.3f}, {feats.max():.3f}]")
        for key, f in (("fbank_", feats), ("fbank64_", exact)):
            if name == "long":
                arrays[key + "long_head"] = f[:40]
                arrays[key + "long_tail"] = f[-40:]
                arrays[key + "long_colmean"] = f.double().mean(0)
            else:
                arrays[key + name] = f
    arrays["long_frames"] = np.array([1 + (len(clips["long"]) - 400) // 160], dtype=np.int32)
    floor = np.log(np.finfo(np.float32).eps)
    n_floor = int((arrays["fbank_dc"] <= floor + 1e-6).sum())
    print(f"dc clip: {n_floor} values at the log(FLT_EPSILON) floor")
    assert n_floor > 0
    print(f"upstream eres2net/kaldi.py vs torchaudio.compliance.kaldi: max |diff| {worst:.3g}")
    print(f"upstream float32 vs the same code in float64: max |diff| {own_noise:.3g}")
    common.save_arrays(out / "expected.safetensors", arrays)


main()
