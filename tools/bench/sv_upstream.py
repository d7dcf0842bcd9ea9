#!/usr/bin/env python3
"""Upstream PyTorch (CPU, fp32) speed of the v2Pro speaker embedding, the counterpart of bench/bench_sv.cpp.

Loads the full-size random sv checkpoint of tools/golden/eres2netv2_fullsize.py through upstream's own
sv.py (SV("cpu", is_half=False), its hard-coded relative path pointed at the file) and times, on N
seconds of 16 kHz audio (noise at 0.1):
  sv_fbank       kaldi.fbank(wav[None], num_mel_bins=80, sample_frequency=16000, dither=0) (eres2net/kaldi.py)
  sv_forward3    embedding_model.forward3(feats[None])
  sv_embedding   SV.compute_embedding3(wav[None]) (both; what TTS.py calls per reference)
Prints one `key=value` line per measurement, in the C++ bench's format.

    OPENBLAS_CORETYPE=... /work/oracle-venv/bin/python tools/bench/sv_upstream.py \\
        --upstream /work/upstream [--ckpt PATH] [--seconds 10] [--reps 3] [--threads 2]
"""
import argparse
import os
import sys
import time
from pathlib import Path

from bench_common import print_torch_header, report, time_it


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", type=Path, required=True)
    ap.add_argument("--ckpt", type=Path,
                    default=Path(os.environ.get("GSV_LARGE_FIXTURES", "/work/fixtures-large")) / "sv" /
                    "pretrained_eres2netv2w24s4ep4.ckpt")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))
    import common
    common.setup_upstream(args.upstream)
    sys.path.insert(0, str(args.upstream.resolve() / "GPT_SoVITS" / "eres2net"))  # as sv.py does
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    import kaldi as Kaldi  # upstream GPT_SoVITS/eres2net/kaldi.py
    import sv  # upstream GPT_SoVITS/sv.py

    print_torch_header(torch)

    t0 = time.perf_counter()
    sv.sv_path = str(args.ckpt)
    model = sv.SV("cpu", False)
    print(f"sv_load s={time.perf_counter() - t0:.6g}")

    samples = int(args.seconds * 16000)
    wav = (torch.randn(1, samples, generator=torch.Generator().manual_seed(1)) * 0.1).clamp(-1, 1)
    feats = Kaldi.fbank(wav, num_mel_bins=80, sample_frequency=16000, dither=0)
    extra = f"audio_s={args.seconds:.6f} frames={feats.shape[0]}"
    report("sv_fbank", extra, time_it(lambda: Kaldi.fbank(wav, num_mel_bins=80, sample_frequency=16000, dither=0), args.reps), args.reps)
    report("sv_forward3", extra, time_it(lambda: model.embedding_model.forward3(feats[None]), args.reps), args.reps)
    report("sv_embedding", extra, time_it(lambda: model.compute_embedding3(wav), args.reps), args.reps)


main()
