#!/usr/bin/env python3
"""Fixtures for src/audio (tests/unit/audio_*.cpp), from the libraries upstream uses:
librosa.load(sr=16000) (soxr_hq), torchaudio.load + transforms.Resample, and upstream's own
module/mel_processing.py (spectrogram_torch, mel_spectrogram_torch, librosa mel filters).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import common  # noqa: E402

args = common.parse_args(__doc__)
out = args.out / "audio"
out.mkdir(parents=True, exist_ok=True)

import librosa  # noqa: E402
import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
import torch  # noqa: E402
import torchaudio  # noqa: E402
from module.mel_processing import mel_spectrogram_torch, spectrogram_torch  # noqa: E402

common.seed(0)
sr = 44100
t = np.arange(int(0.4 * sr)) / sr
# A speech-like test signal: a gliding harmonic tone, amplitude modulation and a little noise.
f0 = 140 + 40 * np.sin(2 * np.pi * 1.5 * t)
phase = 2 * np.pi * np.cumsum(f0) / sr
voice = sum(np.sin(k * phase) / k for k in range(1, 12)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t) ** 2)
left = 0.3 * voice + 0.01 * np.random.randn(len(t))
right = 0.25 * voice + 0.01 * np.random.randn(len(t))
stereo = np.stack([left, right], 1).astype(np.float32)
sf.write(out / "voice_44k_stereo.wav", stereo, sr, subtype="PCM_16")
sf.write(out / "voice_44k_stereo.flac", stereo, sr, subtype="PCM_16")
sf.write(out / "voice_44k_stereo.ogg", stereo, sr, format="OGG", subtype="VORBIS")
try:
    sf.write(out / "voice_44k_stereo.mp3", stereo, sr, format="MP3", subtype="MPEG_LAYER_III")
except Exception as e:  # soundfile without mp3 support
    print("no mp3 writer:", e)

wav = out / "voice_44k_stereo.wav"
expected = {}
# (a) HuBERT path: librosa.load(sr=16000) = soundfile decode, mean to mono, soxr_hq.
mono44 = librosa.load(str(wav), sr=None)[0]
expected["mono_44k"] = mono44
expected["librosa_16k"] = librosa.load(str(wav), sr=16000)[0]
# (b) reference-spectrogram path: torchaudio.load, mean of 2 channels, Resample(44100, 32000).
audio, rate = torchaudio.load(str(wav))
audio = audio.mean(0, keepdim=True)
a32 = torchaudio.transforms.Resample(rate, 32000)(audio)
expected["torchaudio_32k"] = a32[0]
# (c) 32k -> 16k as the v2Pro speaker branch does.
expected["torchaudio_16k_from_32k"] = torchaudio.transforms.Resample(32000, 16000)(a32)[0]
# (d) the linear spectrogram SoVITS's ref_enc sees, and another n_fft/hop/win.
expected["spec_2048_640"] = spectrogram_torch(a32, 2048, 32000, 640, 2048, center=False)[0].T
expected["spec_1280_320"] = spectrogram_torch(a32, 1280, 32000, 320, 1280, center=False)[0].T
expected["spec_1024_256_win800"] = spectrogram_torch(a32, 1024, 32000, 256, 800, center=False)[0].T
# (e) the training mel (s2.json: 2048/640/2048, 128 mels, fmin 0, fmax None).
expected["mel_2048_640_128"] = mel_spectrogram_torch(a32, 2048, 128, 32000, 640, 2048, 0, None, center=False)[0].T
expected["mel_basis_32k_2048_128_every8"] = librosa.filters.mel(sr=32000, n_fft=2048, n_mels=128, fmin=0, fmax=None)[::8]
common.save_arrays(out / "expected.safetensors", expected)
for p in sorted(out.iterdir()):
    print(p.name, p.stat().st_size)
